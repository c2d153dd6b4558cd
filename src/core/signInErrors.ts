// Turns known Microsoft sign-in and Graph permission failures into messages that say what to do.
// No `vscode` import: unit-tested in plain Node.

export interface SignInAdvice {
  message: string;
  /** True when the setup guide (README) explains the fix. */
  showSetupGuide: boolean;
}

const KNOWN: { pattern: RegExp; message: string }[] = [
  {
    pattern: /AADSTS7000215/i,
    message: 'AADSTS7000215: the client secret is wrong. Paste the secret\'s Value (not its ID) in "Security Copilot: Configure Sign-in".',
  },
  {
    pattern: /AADSTS700016/i,
    message: 'AADSTS700016: no app with this client id in the tenant. Check "Security Copilot › Auth: Client Id" and "Tenant Id".',
  },
  {
    pattern: /AADSTS700027/i,
    message: 'AADSTS700027: the certificate does not match the app. Upload it under Certificates & secrets → Certificates.',
  },
  {
    pattern: /AADSTS90002/i,
    message: 'AADSTS90002: tenant not found. Use your tenant id or a verified domain ("organizations" does not work for apps).',
  },
  {
    pattern: /AADSTS65002|preauthoriz/i,
    message:
      "AADSTS65002: VS Code's own app can't get the Security Copilot permission. " +
      'Register your own app, then set "Security Copilot › Auth: Client Id".',
  },
  {
    pattern: /AADSTS50011|redirect[_ ]?uri/i,
    message:
      'AADSTS50011: your app registration is missing a redirect URI. Add http://localhost and ' +
      'https://vscode.dev/redirect under "Mobile and desktop applications".',
  },
  {
    pattern: /AADSTS7000218|client_assertion|client_secret/i,
    message:
      'AADSTS7000218: turn on "Allow public client flows" in your app registration ' +
      '(Authentication blade).',
  },
  {
    pattern: /AADSTS65001|consent_required|has not consented/i,
    message:
      'The SecurityCopilotWorkspaces permission has not been consented for your app. ' +
      'Ask an admin to grant consent, or consent when prompted.',
  },
];

/** Advice for an error thrown by `vscode.authentication.getSession`. Undefined when it is not a known failure. */
export function adviceForSignInError(error: unknown): SignInAdvice | undefined {
  const text = error instanceof Error ? `${error.message} ${String((error as { code?: unknown }).code ?? '')}` : String(error);
  for (const known of KNOWN) {
    if (known.pattern.test(text)) return { message: known.message, showSetupGuide: true };
  }
  return undefined;
}

/** The message for a Graph 403 (signed in, but no Security Copilot role or permission). */
export const FORBIDDEN_ADVICE: SignInAdvice = {
  message:
    'Graph refused access (403). Your account needs a Security Copilot role (at least Contributor) and the app ' +
    'registration needs the delegated SecurityCopilotWorkspaces.ReadWrite.All permission.',
  showSetupGuide: true,
};
