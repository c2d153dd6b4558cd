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

  /** Set once the provider refused a challenge request (see `withClaims`). */
  claimsUnsupported = false;

  async check(): Promise<vscode.AuthenticationSession | undefined> {
    try {
      return await vscode.authentication.getSession(this.providerId, this.scopes, { silent: true });
    } catch (e) {
      this.log.warn(`Silent sign-in check failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  async token(request: TokenRequest & { forceRefresh?: boolean }): Promise<vscode.AuthenticationSession> {
    // With claims, the provider is asked silently first: it may satisfy them from its refresh token (the
    // Microsoft provider redeems it with the claims). No session means the user has to sign in for them.
    const session = request.claims
      ? await this.withClaims(request.claims, (req) => vscode.authentication.getSession(this.providerId, req, { silent: true }), () => this.check())
      : await this.check();
    if (!session) throw new SignedOutError();
    return session;
  }

  /**
   * The challenge-aware request (stable since VS Code 1.105): the provider reads the claims from the
   * WWW-Authenticate value, our scopes are the fallback.
   */
  private challenge(claims: string): vscode.AuthenticationWwwAuthenticateRequest {
    const encoded = Buffer.from(claims, 'utf8').toString('base64');
    return { wwwAuthenticate: `Bearer realm="", error="insufficient_claims", claims="${encoded}"`, fallbackScopes: this.scopes };
  }

  /**
   * Runs a getSession with the challenge, or the fallback when the provider cannot take challenges. The API
   * documentation only says the provider "must support handling challenges"; it does not say what happens
   * when it does not. VS Code 1.139 rejects with "The authentication provider '…' does not support getting
   * (creating) sessions from challenges" (a provider opts in with `supportsChallenges`); another version might
   * hand the fallback scopes to the provider instead. Both end here: a refusal naming challenges falls back to
   * the plain scopes (and is remembered, so the user can be told the claims were not passed on); any other
   * error (a cancelled sign-in…) is the answer.
   */
  private async withClaims<T>(
    claims: string,
    run: (request: vscode.AuthenticationWwwAuthenticateRequest) => Thenable<T>,
    fallback: () => Thenable<T> | Promise<T>,
  ): Promise<T> {
    if (!this.claimsUnsupported) {
      try {
        return await run(this.challenge(claims));
      } catch (e) {
        if (!(e instanceof Error) || !/challenge/i.test(e.message) || e instanceof vscode.CancellationError) throw e;
        this.claimsUnsupported = true;
        this.log.warn(`The sign-in provider "${this.providerId}" cannot take Conditional Access claims (${e.message}); signing in without them.`);
      }
    }
    return fallback();
  }

  private forceNew(claims: string | undefined, detail: string): Promise<vscode.AuthenticationSession> {
    const options = { forceNewSession: { detail } };
    const plain = (): Thenable<vscode.AuthenticationSession> => vscode.authentication.getSession(this.providerId, this.scopes, options);
    return claims ? this.withClaims(claims, (req) => vscode.authentication.getSession(this.providerId, req, options), plain) : Promise.resolve(plain());
  }

  signIn(request: TokenRequest): Promise<vscode.AuthenticationSession> {
    return request.claims
      ? this.forceNew(request.claims, vscode.l10n.t('Your organization asks you to sign in again (Conditional Access) to use Security Copilot.'))
      : Promise.resolve(vscode.authentication.getSession(this.providerId, this.scopes, { createIfNone: true }));
  }

  reauthenticate(request: TokenRequest): Promise<vscode.AuthenticationSession> {
    return this.forceNew(
      request.claims,
      request.claims
        ? vscode.l10n.t('Your organization asks you to sign in again (Conditional Access) to use Security Copilot.')
        : vscode.l10n.t('Microsoft Graph rejected the Security Copilot token. Sign in again to continue.'),
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
