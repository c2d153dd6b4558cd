// What a Conditional Access claims challenge asks of the user, in words. No `vscode` import.

/** E.g. `{"access_token":{"acrs":{"essential":true,"value":"c1"}}}` -> "… (authentication context c1)". */
export function describeClaimsChallenge(claims: string): string {
  let contexts: string[] = [];
  try {
    const parsed = JSON.parse(claims) as { access_token?: { acrs?: { value?: unknown; values?: unknown } } };
    const acrs = parsed.access_token?.acrs;
    const values = Array.isArray(acrs?.values) ? acrs.values : acrs?.value !== undefined ? [acrs.value] : [];
    contexts = values.filter((v): v is string => typeof v === 'string');
  } catch {
    // not JSON: the generic sentence
  }
  const which = contexts.length ? ` (authentication context ${contexts.join(', ')})` : '';
  return `Your organization's Conditional Access policy asks for an additional sign-in step${which}, such as multi-factor authentication or a compliant device. Sign in again to continue.`;
}
