// Turns known Microsoft sign-in and Graph permission failures into messages that say what to do.
// No `vscode` import: unit-tested in plain Node. Messages go through @vscode/l10n (the extension gives it the
// display language's bundle), read when shown, not at load.
import * as l10n from '@vscode/l10n';

export interface SignInAdvice {
  message: string;
  /** True when the setup guide (README) explains the fix. */
  showSetupGuide: boolean;
}

const KNOWN: { pattern: RegExp; message: () => string }[] = [
  {
    pattern: /AADSTS7000215/i,
    message: () =>
      l10n.t(
        'AADSTS7000215: the client secret is wrong. Paste the secret\'s Value (not its ID) in "Security Copilot: Configure Sign-in".',
      ),
  },
  {
    pattern: /AADSTS700016/i,
    message: () =>
      l10n.t(
        'AADSTS700016: no app with this client id in the tenant. Check "Security Copilot › Auth: Client Id" and "Tenant Id". ' +
      'If the app is registered in an organization where you are a guest, set Tenant Id to that organization\'s tenant ' +
      '(with "organizations" a guest signs in to their home tenant).',
      ),
  },
  {
    // A guest (B2B) account signing in to a tenant it has not been added to (or has not redeemed the invitation
    // of); 90072 is the same failure as logged for the home tenant. 50034: the account is not in that directory.
    pattern: /AADSTS50020|AADSTS90072|AADSTS50034/i,
    message: () =>
      l10n.t(
        'Your account is not a member or guest of the tenant you signed in to. If Security Copilot is in another ' +
      'organization, an admin there must invite you as a guest and you must accept the invitation; then set ' +
      '"Security Copilot › Auth: Tenant Id" to that organization\'s tenant id or domain. If it is in your own ' +
      'organization, set Tenant Id to your home tenant. Personal Microsoft accounts are not supported.',
      ),
  },
  {
    pattern: /AADSTS700027/i,
    message: () =>
      l10n.t(
        'AADSTS700027: the certificate does not match the app. Upload it under Certificates & secrets → Certificates.',
      ),
  },
  {
    pattern: /AADSTS90002/i,
    message: () =>
      l10n.t(
        'AADSTS90002: tenant not found. Use your tenant id or a verified domain ("organizations" does not work for apps).',
      ),
  },
  {
    pattern: /AADSTS65002|preauthoriz/i,
    message: () =>
      l10n.t(
        "AADSTS65002: VS Code's own app can't get the Security Copilot permission. " +
      'Register your own app, then set "Security Copilot › Auth: Client Id".',
      ),
  },
  {
    pattern: /AADSTS50011|redirect[_ ]?uri/i,
    message: () =>
      l10n.t(
        'AADSTS50011: your app registration is missing a redirect URI. Add http://localhost and ' +
      'https://vscode.dev/redirect under "Mobile and desktop applications".',
      ),
  },
  {
    pattern: /AADSTS7000218|client_assertion|client_secret/i,
    message: () =>
      l10n.t(
        'AADSTS7000218: turn on "Allow public client flows" in your app registration ' +
      '(Authentication blade).',
      ),
  },
  {
    pattern: /AADSTS65001|consent_required|has not consented/i,
    message: () =>
      l10n.t(
        'The SecurityCopilotWorkspaces permission has not been consented for your app. ' +
      'Ask an admin to grant consent, or consent when prompted.',
      ),
  },
];

/** Advice for an error thrown by `vscode.authentication.getSession`. Undefined when it is not a known failure. */
export function adviceForSignInError(error: unknown): SignInAdvice | undefined {
  const text = error instanceof Error ? `${error.message} ${String((error as { code?: unknown }).code ?? '')}` : String(error);
  for (const known of KNOWN) {
    if (known.pattern.test(text)) return { message: known.message(), showSetupGuide: true };
  }
  return undefined;
}

/** The message for a Graph 403 (signed in, but no Security Copilot role or permission). */
export const forbiddenAdvice = (): SignInAdvice => ({
  message: l10n.t(
    'Graph refused access (403). Your account needs a Security Copilot role (at least Contributor) and the app ' +
    'registration needs the delegated SecurityCopilotWorkspaces.ReadWrite.All permission. A guest account: set ' +
    '"Security Copilot › Auth: Tenant Id" to the tenant that has Security Copilot.',
  ),
  showSetupGuide: true,
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** When a JWT access token expires (its `exp`, in ms since 1970; not verified), or undefined for an opaque token. */
export function expiryOfToken(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    const exp = typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>).exp : undefined;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The `tid` claim of a JWT access token (not verified: only to compare with the configured tenant). */
export function tenantOfToken(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    const tid = typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>).tid : undefined;
    return typeof tid === 'string' && GUID.test(tid) ? tid : undefined;
  } catch {
    return undefined; // an opaque token: nothing to compare
  }
}

/**
 * A token issued for another tenant than the configured one (a guest account that got its home tenant's
 * token, a cached account of another organization). Only a configured tenant id (GUID) can be compared: a
 * domain or `organizations` says nothing about the token's `tid`. Undefined when nothing is wrong.
 */
export function wrongTenantAdvice(configuredTenant: string, token: string, account: string): SignInAdvice | undefined {
  if (!GUID.test(configuredTenant)) return undefined;
  const tid = tenantOfToken(token);
  if (!tid || tid.toLowerCase() === configuredTenant.toLowerCase()) return undefined;
  return {
    message: l10n.t(
      'The sign-in of {0} returned a token for tenant {1}, not for the configured tenant {2} ' +
        '("Security Copilot › Auth: Tenant Id"), so nothing is sent with it. A guest account gets its home tenant\'s ' +
        'token when the sign-in does not ask for the other organization: check Tenant Id, then sign in again (sign ' +
        'out of the account in the Accounts menu first if the same token comes back).',
      account,
      tid,
      configuredTenant,
    ),
    showSetupGuide: true,
  };
}
