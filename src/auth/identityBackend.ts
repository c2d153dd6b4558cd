import * as vscode from 'vscode';
import type { AuthorityCheck } from '../core/authority';
import { INTERACTION_REQUIRED, SIGN_IN_CANCELLED, type DeviceCodePrompt, type IdentityMethod, type IdentitySignIn, type IdentityToken } from '../identity/types';
import type { Log } from '../log';
import type { SignInBackend, TokenRequest } from './backend';
import { SignedOutError, SignInConfigurationError } from './errors';
import { loadIdentityModule } from './identityLoader';
import type { SignInSecrets } from './secrets';

export interface IdentityBackendConfig {
  method: IdentityMethod;
  clientId: string;
  tenantId: string;
  authority: AuthorityCheck;
  /** Delegated scopes (device code, browser). */
  scopes: string[];
}

const METHOD_LABELS: Record<IdentityMethod, string> = {
  deviceCode: 'device code',
  interactiveBrowser: 'browser sign-in',
  azureCli: 'Azure CLI',
  clientSecret: 'client secret',
  clientCertificate: 'client certificate',
};

/** What is missing for a method, or undefined when the settings are complete. */
export function configurationProblem(config: IdentityBackendConfig): string | undefined {
  if (!config.authority.ok) return config.authority.message;
  if (config.method !== 'azureCli' && !config.clientId) {
    return vscode.l10n.t('The {0} method needs the client id of your app registration. Run "Security Copilot: Configure Sign-in".', METHOD_LABELS[config.method]);
  }
  if ((config.method === 'clientSecret' || config.method === 'clientCertificate') && /^(organizations|common|consumers)$/i.test(config.tenantId)) {
    return vscode.l10n.t('The {0} method signs in as an app and needs your tenant id or domain, not "{1}". Run "Security Copilot: Configure Sign-in".', METHOD_LABELS[config.method], config.tenantId);
  }
  return undefined;
}

/** National-cloud authorities already warned about in this window (the warning shows once per host). */
const warnedAuthorities = new Set<string>();

/** Says once per window and host that a national cloud's sign-in will likely not reach Security Copilot. */
function warnAboutAuthority(authority: AuthorityCheck, log: Log): void {
  if (!authority.ok || !authority.warning) return;
  log.warn(authority.warning);
  if (warnedAuthorities.has(authority.origin)) return;
  warnedAuthorities.add(authority.origin);
  const open = vscode.l10n.t('Open Setting');
  void vscode.window.showWarningMessage(authority.warning, open).then((a) => {
    if (a === open) void vscode.commands.executeCommand('workbench.action.openSettings', 'securityCopilot.auth.authorityHost');
  });
}

function toSession(t: IdentityToken, scopes: string[]): vscode.AuthenticationSession {
  return { id: t.account.id, accessToken: t.token, account: { id: t.account.id, label: t.account.label }, scopes };
}

/**
 * The `@azure/identity` methods, through dist/identity.js (loaded on first use). Tokens stay in memory (MSAL's
 * in-memory cache and the bundle's own); nothing is written to disk, so a device-code or browser sign-in lasts
 * for the window.
 */
export class IdentityBackend implements SignInBackend {
  private signIn$: Promise<IdentitySignIn> | undefined;
  private disposed = false;
  private active: AbortController | undefined;

  constructor(
    private readonly config: IdentityBackendConfig,
    private readonly secrets: SignInSecrets | undefined,
    private readonly log: Log,
  ) {}

  dispose(): void {
    this.disposed = true;
    this.active?.abort();
    void this.signIn$?.then((s) => s.signOut(), () => undefined);
  }

  get method(): IdentityMethod {
    return this.config.method;
  }

  private get interactive(): boolean {
    return this.config.method === 'deviceCode' || this.config.method === 'interactiveBrowser';
  }

  private async create(): Promise<IdentitySignIn> {
    const problem = configurationProblem(this.config);
    if (problem) throw new SignInConfigurationError(problem);
    const authority = this.config.authority;
    warnAboutAuthority(authority, this.log);
    const method = this.config.method;
    const clientSecret = method === 'clientSecret' ? await this.secrets?.clientSecret() : undefined;
    const certificate = method === 'clientCertificate' ? await this.secrets?.certificate() : undefined;
    if (method === 'clientSecret' && !clientSecret) throw new SignInConfigurationError(vscode.l10n.t('No client secret is stored. Run "Security Copilot: Configure Sign-in".'));
    if (method === 'clientCertificate' && !certificate) throw new SignInConfigurationError(vscode.l10n.t('No client certificate is configured. Run "Security Copilot: Configure Sign-in".'));
    const started = Date.now();
    const identity = loadIdentityModule();
    this.log.info(`Loaded the ${METHOD_LABELS[method]} sign-in (dist/identity.js) in ${Date.now() - started} ms.`);
    return identity.createSignIn(
      {
        method,
        clientId: this.config.clientId,
        tenantId: this.config.tenantId,
        authorityHost: authority.ok ? authority.origin : '',
        scopes: this.config.scopes,
        ...(clientSecret ? { clientSecret } : {}),
        ...(certificate ? { certificate: { path: certificate.path, ...(certificate.password ? { password: certificate.password } : {}) } } : {}),
      },
      {
        onDeviceCode: (prompt) => {
          // The code itself is short-lived but lets someone else finish the sign-in: it is shown, never logged.
          this.log.info('Device code sign-in: showing the code and the link.');
          void showDeviceCode(prompt, () => this.active?.abort());
        },
        log: (m) => this.log.info(m),
      },
    );
  }

  private get identity(): Promise<IdentitySignIn> {
    this.signIn$ ??= this.create();
    // A configuration failure is not cached: the user may fix the settings or the secret.
    this.signIn$.catch(() => (this.signIn$ = undefined));
    return this.signIn$;
  }

  async check(): Promise<vscode.AuthenticationSession | undefined> {
    try {
      return await this.token({});
    } catch (e) {
      if (!(e instanceof SignedOutError)) this.log.warn(`Silent sign-in check failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  async token(request: TokenRequest & { forceRefresh?: boolean }): Promise<vscode.AuthenticationSession> {
    const identity = await this.identity;
    try {
      return toSession(await identity.getTokenSilently({ ...request }), this.config.scopes);
    } catch (e) {
      if (e instanceof Error && e.name === INTERACTION_REQUIRED) throw new SignedOutError();
      throw e;
    }
  }

  async signIn(request: TokenRequest): Promise<vscode.AuthenticationSession> {
    const identity = await this.identity;
    this.active?.abort();
    const controller = new AbortController();
    this.active = controller;
    this.log.info(`Signing in with the ${METHOD_LABELS[this.config.method]} method.`);
    try {
      const run = (): Promise<IdentityToken> => identity.signIn({ ...request, signal: controller.signal });
      let token: IdentityToken;
      if (this.disposed || this.config.method === 'deviceCode') {
        // The device code notification has its own progress with Cancel (showDeviceCode).
        token = await run();
      } else if (this.config.method === 'interactiveBrowser') {
        // The browser may be closed without finishing: the user can always stop waiting.
        token = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Security Copilot: finish signing in in your browser…'), cancellable: true },
          (_progress, cancel) => {
            cancel.onCancellationRequested(() => controller.abort());
            return run();
          },
        );
      } else {
        token = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Signing in to Security Copilot…') }, run);
      }
      return toSession(token, this.config.scopes);
    } catch (e) {
      if (e instanceof Error && e.name === SIGN_IN_CANCELLED) throw new vscode.CancellationError();
      throw e;
    } finally {
      if (this.active === controller) this.active = undefined;
    }
  }

  reauthenticate(request: TokenRequest): Promise<vscode.AuthenticationSession> {
    return this.signIn(request);
  }

  async switchAccount(): Promise<vscode.AuthenticationSession | undefined> {
    if (!this.interactive) {
      // An app or the Azure CLI has one identity: change it where it is configured.
      await vscode.commands.executeCommand('securityCopilot.configureSignIn');
      return undefined;
    }
    (await this.identity).signOut();
    return this.signIn({});
  }
}

/**
 * The device code notification: the code and the link with Copy and Open buttons, and a progress notification
 * with Cancel that stays while the sign-in waits (and names the code and the link too, since the first closes
 * when a button is clicked). Cancel stops the sign-in and says so.
 */
async function showDeviceCode(prompt: DeviceCodePrompt, cancel: () => void): Promise<void> {
  const copyAndOpen = vscode.l10n.t('Copy Code and Open');
  const copy = vscode.l10n.t('Copy Code');
  void vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Waiting for the Security Copilot sign-in'),
      cancellable: true,
    },
    (progress, token) =>
      new Promise<void>((resolve) => {
        progress.report({ message: vscode.l10n.t('enter the code {0} at {1}', prompt.userCode, prompt.verificationUri) });
        if (prompt.done.aborted) return resolve();
        prompt.done.addEventListener('abort', () => resolve(), { once: true });
        token.onCancellationRequested(() => {
          cancel();
          resolve();
          void vscode.window.showInformationMessage(vscode.l10n.t('Security Copilot: sign-in cancelled. The code {0} will not be used.', prompt.userCode));
        });
      }),
  );
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('To sign in to Security Copilot, open {0} and enter the code {1}.', prompt.verificationUri, prompt.userCode),
    copyAndOpen,
    copy,
  );
  // A button of a sign-in that already ended (the notification stays until dismissed) does nothing.
  if (prompt.done.aborted) return;
  if (choice === copy || choice === copyAndOpen) await vscode.env.clipboard.writeText(prompt.userCode);
  if (choice === copyAndOpen) await vscode.env.openExternal(vscode.Uri.parse(prompt.verificationUri));
}
