import * as vscode from 'vscode';
import type { Log } from '../log';
import type { SignInBackend, TokenRequest } from './backend';
import { SignedOutError } from './errors';

/** The default method: VS Code's authentication provider (`microsoft`, or the stand-in in tests). */
export class VsCodeBackend implements SignInBackend {
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly providerId: string,
    private readonly scopes: string[],
    private readonly log: Log,
    onExternalChange: () => void,
  ) {
    this.subscription = vscode.authentication.onDidChangeSessions((e) => {
      // The event carries only the provider; re-query silently.
      if (e.provider.id === this.providerId) onExternalChange();
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }

  async check(): Promise<vscode.AuthenticationSession | undefined> {
    try {
      return await vscode.authentication.getSession(this.providerId, this.scopes, { silent: true });
    } catch (e) {
      this.log.warn(`Silent sign-in check failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  async token(_request: TokenRequest & { forceRefresh?: boolean }): Promise<vscode.AuthenticationSession> {
    const session = await this.check();
    if (!session) throw new SignedOutError();
    return session;
  }

  /**
   * The scopes, or (with claims of a Conditional Access challenge) the challenge-aware request (stable since
   * VS Code 1.105): the provider reads the claims from the WWW-Authenticate value, our scopes are the fallback.
   */
  private request(claims: string | undefined): readonly string[] | vscode.AuthenticationWwwAuthenticateRequest {
    if (!claims) return this.scopes;
    const encoded = Buffer.from(claims, 'utf8').toString('base64');
    return { wwwAuthenticate: `Bearer realm="", error="insufficient_claims", claims="${encoded}"`, fallbackScopes: this.scopes };
  }

  signIn(request: TokenRequest): Promise<vscode.AuthenticationSession> {
    return Promise.resolve(
      request.claims
        ? vscode.authentication.getSession(this.providerId, this.request(request.claims), {
            forceNewSession: { detail: vscode.l10n.t('Your organization asks you to sign in again (Conditional Access) to use Security Copilot.') },
          })
        : vscode.authentication.getSession(this.providerId, this.scopes, { createIfNone: true }),
    );
  }

  reauthenticate(request: TokenRequest): Promise<vscode.AuthenticationSession> {
    return Promise.resolve(
      vscode.authentication.getSession(this.providerId, this.request(request.claims), {
        forceNewSession: {
          detail: request.claims
            ? vscode.l10n.t('Your organization asks you to sign in again (Conditional Access) to use Security Copilot.')
            : vscode.l10n.t('Microsoft Graph rejected the Security Copilot token. Sign in again to continue.'),
        },
      }),
    );
  }

  async switchAccount(current: vscode.AuthenticationSession | undefined): Promise<vscode.AuthenticationSession | undefined> {
    const accounts = await vscode.authentication.getAccounts(this.providerId);
    type Item = vscode.QuickPickItem & { account?: vscode.AuthenticationSessionAccountInformation };
    const items: Item[] = accounts.map((account) => ({
      label: `$(account) ${account.label}`,
      description: account.id === current?.account.id ? vscode.l10n.t('current') : undefined,
      account,
    }));
    items.push({ label: `$(add) ${vscode.l10n.t('Use another account…')}` });
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Security Copilot: Switch Account'),
      placeHolder: vscode.l10n.t('Account to use for Security Copilot'),
    });
    if (!picked) return undefined;
    return picked.account
      ? vscode.authentication.getSession(this.providerId, this.scopes, { account: picked.account, createIfNone: true })
      : vscode.authentication.getSession(this.providerId, this.scopes, { clearSessionPreference: true, createIfNone: true });
  }
}
