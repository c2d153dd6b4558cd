import * as vscode from 'vscode';
import type { Settings } from '../config';
import type { Log } from '../log';
import { Disposable } from '../lifecycle';

/** The delegated Graph permission every call needs (reads accept Read.All, but creating sessions needs ReadWrite). */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/SecurityCopilotWorkspaces.ReadWrite.All';

/**
 * The scope list for `getSession`. `VSCODE_CLIENT_ID:` and `VSCODE_TENANT:` must be separate entries: the
 * Microsoft provider strips them and uses them as the app registration and tenant.
 */
export function scopesFor(settings: Pick<Settings, 'clientId' | 'tenantId'>): string[] {
  const scopes = [GRAPH_SCOPE, 'offline_access'];
  if (settings.clientId) scopes.push(`VSCODE_CLIENT_ID:${settings.clientId}`);
  scopes.push(`VSCODE_TENANT:${settings.tenantId || 'organizations'}`);
  return scopes;
}

/** Thrown by the token provider when nobody is signed in (background loads never prompt). */
export class SignedOutError extends Error {
  override readonly name = 'SignedOutError';
  constructor() {
    super('Sign in to Security Copilot to continue.');
  }
}

export function isSignedOutError(e: unknown): e is SignedOutError {
  return e instanceof Error && e.name === 'SignedOutError';
}

/**
 * Wraps `vscode.authentication` for one provider and scope set. Background work uses `silent`; the Sign In
 * command uses `createIfNone`; after Graph rejected a token, only "Sign in again" (`reauthenticate`) prompts.
 */
export class Auth extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<vscode.AuthenticationSession | undefined>());
  /** Fires when the signed-in account may have changed (sign-in, sign-out, switch, provider change). */
  readonly onDidChange = this.changed.event;
  private readonly reauthenticated = this.register(new vscode.EventEmitter<vscode.AuthenticationSession>());
  /** Fires after an interactive re-sign-in succeeded (same or other account): paused work may resume. */
  readonly onDidReauthenticate = this.reauthenticated.event;
  private session: vscode.AuthenticationSession | undefined;
  private refreshing: Promise<string> | undefined;

  constructor(
    private readonly settings: () => Settings,
    private readonly log: Log,
  ) {
    super();
    this.register(
      vscode.authentication.onDidChangeSessions((e) => {
        // The event carries only the provider; re-query silently.
        if (e.provider.id === this.settings().providerId) void this.check();
      }),
    );
  }

  get account(): vscode.AuthenticationSessionAccountInformation | undefined {
    return this.session?.account;
  }

  private get providerId(): string {
    return this.settings().providerId;
  }

  private get scopes(): string[] {
    return scopesFor(this.settings());
  }

  private update(session: vscode.AuthenticationSession | undefined): vscode.AuthenticationSession | undefined {
    const before = this.session;
    this.session = session;
    // A refreshed token for the same account is not a change anyone needs to react to.
    if (before?.account.id !== session?.account.id) this.changed.fire(session);
    return session;
  }

  /** Silently looks for a session; never shows UI. */
  async check(): Promise<vscode.AuthenticationSession | undefined> {
    try {
      return this.update(await vscode.authentication.getSession(this.providerId, this.scopes, { silent: true }));
    } catch (e) {
      this.log.warn(`Silent sign-in check failed: ${e instanceof Error ? e.message : String(e)}`);
      return this.update(undefined);
    }
  }

  /**
   * The token provider handed to the Graph client. It never shows UI: background loads and polls must not
   * raise a modal. `forceRefresh` (after a 401) asks the provider again silently; if Graph still refuses, the
   * caller stops and offers "Sign in again" (`reauthenticate`), which is the only path that prompts.
   */
  readonly getToken = async (options: { forceRefresh?: boolean }): Promise<string> => {
    if (options.forceRefresh) {
      // Collapse concurrent refreshes (several requests may get a 401 at once) onto one silent re-query.
      this.refreshing ??= this.silentRefresh().finally(() => (this.refreshing = undefined));
      return this.refreshing;
    }
    const session = await this.check();
    if (!session) throw new SignedOutError();
    return session.accessToken;
  };

  private async silentRefresh(): Promise<string> {
    this.log.info('Graph rejected the token; asking the sign-in provider again (silently).');
    const session = await this.check();
    if (!session) throw new SignedOutError();
    return session.accessToken;
  }

  /** Interactive re-sign-in after Graph kept rejecting the token ("Sign in again" buttons only). */
  async reauthenticate(): Promise<vscode.AuthenticationSession> {
    const session = await vscode.authentication.getSession(this.providerId, this.scopes, {
      forceNewSession: { detail: 'Microsoft Graph rejected the Security Copilot token. Sign in again to continue.' },
    });
    this.update(session);
    this.reauthenticated.fire(session);
    return session;
  }

  /** Interactive sign-in (Sign In command, welcome view button). */
  async signIn(): Promise<vscode.AuthenticationSession> {
    const session = await vscode.authentication.getSession(this.providerId, this.scopes, { createIfNone: true });
    this.update(session);
    this.reauthenticated.fire(session);
    this.log.info(`Signed in as ${session.account.label}.`);
    return session;
  }

  /** Lets the user pick another account (or sign in with a new one). */
  async switchAccount(): Promise<vscode.AuthenticationSession | undefined> {
    const accounts = await vscode.authentication.getAccounts(this.providerId);
    type Item = vscode.QuickPickItem & { account?: vscode.AuthenticationSessionAccountInformation };
    const items: Item[] = accounts.map((account) => ({
      label: `$(account) ${account.label}`,
      description: account.id === this.session?.account.id ? 'current' : undefined,
      account,
    }));
    items.push({ label: '$(add) Use another account…' });
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Security Copilot: Switch Account',
      placeHolder: 'Account to use for Security Copilot',
    });
    if (!picked) return undefined;
    const session = picked.account
      ? await vscode.authentication.getSession(this.providerId, this.scopes, { account: picked.account, createIfNone: true })
      : await vscode.authentication.getSession(this.providerId, this.scopes, { clearSessionPreference: true, createIfNone: true });
    this.update(session);
    this.log.info(`Now using ${session.account.label}.`);
    return session;
  }
}
