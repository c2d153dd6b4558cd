// What an app registration for the extension needs, in one place: the walkthrough's copy buttons, the setup guide
// (README) and the walkthrough pages say the same (a unit test compares them). No `vscode` import.

/** The getting-started walkthrough: `<publisher>.<name>#<walkthrough id>` (a unit test checks it against package.json). */
export const WALKTHROUGH_ID = 'security-copilot-vscode.security-copilot#securityCopilot.gettingStarted';

/** Redirect URIs of VS Code's Microsoft sign-in (loopback flow and the remote/web redirect), public client. */
export const REDIRECT_URIS = ['http://localhost', 'https://vscode.dev/redirect'] as const;

/** The delegated Graph permission (read-only mode asks only for the Read one). */
export const PERMISSION = 'SecurityCopilotWorkspaces.ReadWrite.All';
export const READ_PERMISSION = 'SecurityCopilotWorkspaces.Read.All';

/** Redirect URI of the Windows sign-in broker (WAM); it names the app's own client id. */
export function brokerRedirectUri(clientId: string): string {
  return `ms-appx-web://Microsoft.AAD.BrokerPlugin/${clientId || '<your client id>'}`;
}

/** Redirect URI of the macOS broker (Intune-managed Macs). */
export const MAC_BROKER_REDIRECT_URI = 'msauth.com.microsoft.VSCode://auth';

export type SetupValue = 'redirectUris' | 'permission' | 'readPermission' | 'brokerRedirectUri';

export const SETUP_VALUES: readonly SetupValue[] = ['redirectUris', 'permission', 'readPermission', 'brokerRedirectUri'];

/** The text a copy button puts on the clipboard (one redirect URI a line); undefined for an unknown name. */
export function setupValue(name: unknown, clientId: string): string | undefined {
  switch (name) {
    case 'redirectUris':
      return REDIRECT_URIS.join('\n');
    case 'permission':
      return PERMISSION;
    case 'readPermission':
      return READ_PERMISSION;
    case 'brokerRedirectUri':
      return brokerRedirectUri(clientId);
    default:
      return undefined;
  }
}
