import * as vscode from 'vscode';
import type { Settings } from '../config';
import type { TokenRequestOptions } from '../graph';
import type { AuthMethod } from '../identity/types';
import type { Log } from '../log';
import { Disposable } from '../lifecycle';
import type { SignInBackend } from './backend';
import { isSignedOutError, SignedOutError, WrongTenantError } from './errors';
import { describeClaimsChallenge } from '../core/claims';
import { wrongTenantAdvice } from '../core/signInErrors';
import { IdentityBackend } from './identityBackend';
import type { SignInSecrets } from './secrets';
import { VsCodeBackend } from './vscodeBackend';

export { SignedOutError, isSignedOutError, WrongTenantError } from './errors';

/** The delegated Graph permission every call needs (reads accept Read.All, but creating sessions needs ReadWrite). */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/SecurityCopilotWorkspaces.ReadWrite.All';
/** The only permission asked for in read-only mode. */
export const GRAPH_READ_SCOPE = 'https://graph.microsoft.com/SecurityCopilotWorkspaces.Read.All';

/** The Graph permission for the access mode. */
export function graphScope(settings: Partial<Pick<Settings, 'access'>>): string {
  return settings.access === 'readOnly' ? GRAPH_READ_SCOPE : GRAPH_SCOPE;
}

/**
 * The scope list for `getSession`. `VSCODE_CLIENT_ID:` and `VSCODE_TENANT:` must be separate entries: the
 * Microsoft provider strips them and uses them as the app registration and tenant.
 */
export function scopesFor(settings: Pick<Settings, 'clientId' | 'tenantId'> & Partial<Pick<Settings, 'access'>>): string[] {
  const scopes = [graphScope(settings), 'offline_access'];
  if (settings.clientId) scopes.push(`VSCODE_CLIENT_ID:${settings.clientId}`);
  scopes.push(`VSCODE_TENANT:${settings.tenantId || 'organizations'}`);
  return scopes;
}

/**
 * The sign-in of the configured method (`securityCopilot.auth.method`): VS Code's provider by default, or an
 * `@azure/identity` credential. Background work (`check`, `getToken`) never shows UI; the Sign In command and
 * "Sign in again" (`reauthenticate`) are the only paths that prompt. A claims challenge Graph sent is kept and
 * passed to the next interactive sign-in.
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
  private current: { key: string; backend: SignInBackend } | undefined;
  private secretsVersion = 0;
  /** Claims of the last Conditional Access challenge, until an interactive sign-in satisfied them. */
  private pendingClaims: string | undefined;

  constructor(
    private readonly settings: () => Settings,
    private readonly log: Log,
    private readonly secrets?: SignInSecrets,
  ) {
    super();
    if (secrets) {
      this.register(
        secrets.onDidChange(() => {
          this.secretsVersion++;
          void this.check();
        }),
      );
    }
    this.register({ dispose: () => this.current?.backend.dispose() });
  }

  /** The sign-in method in use. */
  get method(): AuthMethod {
    return this.settings().method;
  }

  get account(): vscode.AuthenticationSessionAccountInformation | undefined {
    return this.session?.account;
  }

  /** The claims a Conditional Access challenge asked for and no sign-in has satisfied yet. */
  get claimsChallenge(): string | undefined {
    return this.pendingClaims;
  }

  /** The backend for the current settings; a new one (and no session) when the method or its settings changed. */
  private get backend(): SignInBackend {
    const s = this.settings();
    const scopes = scopesFor(s);
    const key = JSON.stringify([s.method, s.providerId, s.clientId, s.tenantId, s.access, s.authority, this.secretsVersion]);
    if (this.current?.key !== key) {
      this.current?.backend.dispose();
      const backend: SignInBackend =
        s.method === 'vscode'
          ? new VsCodeBackend(s.providerId, scopes, this.log, () => void this.check())
          : new IdentityBackend(
              { method: s.method, clientId: s.clientId, tenantId: s.tenantId, authority: s.authority, scopes: [graphScope(s)] },
              this.secrets,
              this.log,
            );
      this.current = { key, backend };
    }
    return this.current.backend;
  }

  private update(session: vscode.AuthenticationSession | undefined): vscode.AuthenticationSession | undefined {
    const before = this.session;
    this.session = session;
    // A refreshed token for the same account is not a change anyone needs to react to.
    if (before?.account.id !== session?.account.id) this.changed.fire(session);
    return session;
  }

  /**
   * Throws WrongTenantError when the session's token is for another tenant than the configured one (a guest
   * account that got its home tenant's token): no Graph call may go to the wrong organization.
   */
  private verify(session: vscode.AuthenticationSession): vscode.AuthenticationSession {
    const advice = wrongTenantAdvice(this.settings().tenantId, session.accessToken, session.account.label);
    if (advice) throw new WrongTenantError(advice.message);
    return session;
  }

  /** Silently looks for a session; never shows UI. A session for the wrong tenant counts as none. */
  async check(): Promise<vscode.AuthenticationSession | undefined> {
    const session = await this.backend.check();
    try {
      return this.update(session && this.verify(session));
    } catch (e) {
      this.log.warn(e instanceof Error ? e.message : String(e));
      return this.update(undefined);
    }
  }

  /**
   * The token provider handed to the Graph client. It never shows UI: background loads and polls must not
   * raise a modal. `forceRefresh` (after a 401) asks the provider again silently; if Graph still refuses, the
   * caller stops and offers "Sign in again" (`reauthenticate`), which is the only path that prompts. Claims of
   * a challenge are remembered for that sign-in.
   */
  readonly getToken = async (options: TokenRequestOptions): Promise<string> => {
    if (options.claims) {
      this.pendingClaims = options.claims;
      this.log.warn('Microsoft Graph asked for additional claims (Conditional Access). Sign in again to satisfy them.');
    }
    if (options.forceRefresh) {
      // Collapse concurrent refreshes (several requests may get a 401 at once) onto one silent re-query.
      this.refreshing ??= this.silentRefresh(options.claims).finally(() => (this.refreshing = undefined));
      return this.refreshing;
    }
    try {
      const session = this.verify(await this.backend.token({}));
      this.update(session);
      return session.accessToken;
    } catch (e) {
      if (isSignedOutError(e) || e instanceof WrongTenantError) this.update(undefined);
      throw this.explain(e);
    }
  };

  /** A sign-in that is needed because of a claims challenge says what the policy asks for. */
  private explain(e: unknown): unknown {
    return isSignedOutError(e) && this.pendingClaims ? new SignedOutError(describeClaimsChallenge(this.pendingClaims)) : e;
  }

  private async silentRefresh(claims: string | undefined): Promise<string> {
    this.log.info('Graph rejected the token; asking the sign-in provider again (silently).');
    try {
      const session = this.verify(await this.backend.token({ forceRefresh: true, ...(claims ? { claims } : {}) }));
      this.update(session);
      return session.accessToken;
    } catch (e) {
      throw this.explain(e);
    }
  }

  private signedIn(session: vscode.AuthenticationSession): vscode.AuthenticationSession {
    this.verify(session);
    this.pendingClaims = undefined;
    this.update(session);
    this.reauthenticated.fire(session);
    return session;
  }

  /** Interactive re-sign-in after Graph kept rejecting the token ("Sign in again" buttons only). */
  async reauthenticate(): Promise<vscode.AuthenticationSession> {
    const claims = this.pendingClaims;
    return this.signedIn(await this.backend.reauthenticate(claims ? { claims } : {}));
  }

  /** Interactive sign-in (Sign In command, welcome view button). */
  async signIn(): Promise<vscode.AuthenticationSession> {
    const claims = this.pendingClaims;
    const session = this.signedIn(await this.backend.signIn(claims ? { claims } : {}));
    this.log.info(`Signed in as ${session.account.label}.`);
    return session;
  }

  /** Lets the user pick another account (or sign in with a new one). */
  async switchAccount(): Promise<vscode.AuthenticationSession | undefined> {
    const session = await this.backend.switchAccount(this.session);
    if (!session) return undefined;
    this.update(this.verify(session));
    this.log.info(`Now using ${session.account.label}.`);
    return session;
  }
}
