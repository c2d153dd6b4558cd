// What a Conditional Access claims challenge asks of the user, in words. No `vscode` import (@vscode/l10n).
import * as l10n from '@vscode/l10n';

/** The authentication contexts (`acrs`) a claims request asks for: {"access_token":{"acrs":{"value(s)":…}}}. */
export function requestedContexts(claims: string): string[] {
  try {
    const parsed = JSON.parse(claims) as { access_token?: { acrs?: { value?: unknown; values?: unknown } } };
    const acrs = parsed.access_token?.acrs;
    const values = Array.isArray(acrs?.values) ? acrs.values : acrs?.value !== undefined ? [acrs.value] : [];
    return values.filter((v): v is string => typeof v === 'string');
  } catch {
    return []; // not JSON: the generic sentence
  }
}

function which(claims: string): string {
  const contexts = requestedContexts(claims);
  return contexts.length ? ` ${l10n.t('(authentication context {0})', contexts.join(', '))}` : '';
}

/** E.g. `{"access_token":{"acrs":{"essential":true,"value":"c1"}}}` -> "… (authentication context c1)". */
export function describeClaimsChallenge(claims: string): string {
  return l10n.t(
    "Your organization's Conditional Access policy asks for an additional sign-in step{0}, such as multi-factor authentication or a compliant device. Sign in again to continue.",
    which(claims),
  );
}

/** Two claims requests ask for the same thing (JSON compared as values, so key order and spacing don't matter). */
export function sameClaims(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const canonical = (s: string): string => {
    try {
      const sort = (v: unknown): unknown =>
        Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)).map(([k, x]) => [k, sort(x)])) : v;
      return JSON.stringify(sort(JSON.parse(s)));
    } catch {
      return s.trim();
    }
  };
  return canonical(a) === canonical(b);
}

export interface UnsatisfiedClaims {
  claims: string;
  /** The sign-in provider could not take the claims (a VS Code provider without challenge support). */
  notPassed?: { providerId: string };
}

/**
 * Graph asked again for the claims the last sign-in was made for, with the token that sign-in returned: signing
 * in again the same way will not help, so say what happened and what to do instead of offering a loop.
 */
export function describeUnsatisfiedClaims(u: UnsatisfiedClaims): string {
  if (u.notPassed) {
    return l10n.t(
      'You signed in again, but Microsoft Graph still asks for an additional sign-in step{0}: the sign-in provider ' +
        '"{1}" does not accept Conditional Access claims, so the new token could not satisfy your ' +
        "organization's policy. Use VS Code's Microsoft sign-in (securityCopilot.auth.providerId \"microsoft\") or another sign-in method.",
      which(u.claims),
      u.notPassed.providerId,
    );
  }
  return l10n.t(
    'You signed in again, but Microsoft Graph still asks for an additional sign-in step{0}: the new token does not ' +
      "satisfy your organization's Conditional Access policy. Ask your administrator what the policy requires (for example " +
      'multi-factor authentication, a compliant device or a trusted location). Details are in the log.',
    which(u.claims),
  );
}
