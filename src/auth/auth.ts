import * as vscode from 'vscode';
import type { Settings } from '../config';
import { GraphAuthError, type TokenRequestOptions } from '../graph';
import type { AuthMethod } from '../identity/types';
import type { Log } from '../log';
import { Disposable } from '../lifecycle';
import type { SignInBackend } from './backend';
import { CLAIMS_CHALLENGE, CLAIMS_NOT_SATISFIED, isSignedOutError, SignInTimeoutError, WrongTenantError } from './errors';
import { describeClaimsChallenge, describeUnsatisfiedClaims, sameClaims, type UnsatisfiedClaims } from '../core/claims';
import { expiryOfToken, tenantOfToken, wrongTenantAdvice } from '../core/signInErrors';
import { IdentityBackend } from './identityBackend';
import type { SignInSecrets } from './secrets';
import { VsCodeBackend } from './vscodeBackend';

export { CLAIMS_CHALLENGE, CLAIMS_NOT_SATISFIED, SignedOutError, SignInTimeoutError, isSignedOutError, WrongTenantError } from './errors';

/** How long a silent token request may take before background work gives up on it. */
export const SILENT_TOKEN_TIMEOUT_MS = 60_000;

/** A token is reused for Graph requests until this long before it expires; then the provider is asked again. */
export const TOKEN_REUSE_MARGIN_MS = 5 * 60_000;


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
  /**
   * Until when Graph requests reuse the session's token without asking the provider again, and the backend
   * that issued it. Every `getSession` is a round trip to the workbench, which is busiest exactly when many
   * requests go out (a session opening while VS Code starts its webview): asked per request, the reads waited
   * up to a second each for it. The provider says when its sessions change (`check()` then replaces it), a 401 asks for a fresh one,
   * another sign-in method or setting builds another backend (which this one is not from).
   */
  private reuse: { backend: SignInBackend; until: number } | undefined;
  /** Silent refreshes in flight, by the claims they ask for ('' for none). */
  private readonly refreshing = new Map<string, Promise<string>>();
  private current: { key: string; backend: SignInBackend } | undefined;
  private secretsVersion = 0;
  /** Claims of the last Conditional Access challenge, until an interactive sign-in satisfied them. */
  private pendingClaims: string | undefined;
  /** The claims the last interactive sign-in was made for, and the token it returned. */
  private claimsSignIn: { claims: string; token: string; notPassed: boolean } | undefined;
  /** Graph asked again for the claims of the last sign-in, with its token: that sign-in did not satisfy them. */
  private unsatisfied: UnsatisfiedClaims | undefined;
  /** How long a silent token request may take (background work must not wait forever). Tests shorten it. */
  silentTimeoutMs = SILENT_TOKEN_TIMEOUT_MS;

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

  /**
   * The tenant the signed-in token is for (its `tid`), which `organizations` or a domain in the setting does not
   * say; undefined when signed out or the token is opaque.
   */
  get tokenTenant(): string | undefined {
    return this.session ? tenantOfToken(this.session.accessToken) : undefined;
  }

  /** The tenant to show: the token's, with the setting beside it when the setting names it differently. */
  tenantLabel(): string {
    const configured = this.settings().tenantId;
    const actual = this.tokenTenant;
    if (!actual || actual.toLowerCase() === configured.toLowerCase()) return actual ?? configured;
    return vscode.l10n.t('{0} (setting: {1})', actual, configured);
  }

  /** The claims a Conditional Access challenge asked for and no sign-in has satisfied yet. */
  get claimsChallenge(): string | undefined {
    return this.pendingClaims;
  }

  /**
   * What the user reads about a pending Conditional Access challenge: what the policy asks for, or (after a
   * sign-in that did not satisfy it) that signing in again the same way will not help. Undefined: none.
   */
  get claimsMessage(): { message: string; unsatisfied: boolean } | undefined {
    if (this.unsatisfied) return { message: describeUnsatisfiedClaims(this.unsatisfied), unsatisfied: true };
    return this.pendingClaims ? { message: describeClaimsChallenge(this.pendingClaims), unsatisfied: false } : undefined;
  }

  /** The backend for the current settings; a new one (and no session) when the method or its settings changed. */
  private get backend(): SignInBackend {
    const s = this.settings();
    const scopes = scopesFor(s);
    const key = JSON.stringify([s.method, s.providerId, s.clientId, s.tenantId, s.access, s.authority, this.secretsVersion]);
    if (this.current?.key !== key) {
      this.current?.backend.dispose();
      // Another sign-in: a challenge the previous one got (and whether it satisfied it) no longer applies.
      this.pendingClaims = undefined;
      this.unsatisfied = undefined;
      this.claimsSignIn = undefined;
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
    // A JWT is reused until shortly before it expires; an opaque token (no expiry to read) is never reused.
    const expires = session ? expiryOfToken(session.accessToken) : undefined;
    this.reuse = session && expires !== undefined && this.current
      ? { backend: this.current.backend, until: expires - TOKEN_REUSE_MARGIN_MS }
      : undefined;
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

  /**
   * Silently looks for a session; never shows UI (and gives up after `silentTimeoutMs`, keeping what it knew).
   * A session for the wrong tenant counts as none.
   */
  async check(): Promise<vscode.AuthenticationSession | undefined> {
    let session: vscode.AuthenticationSession | undefined;
    try {
      session = await this.silently(this.backend.check());
    } catch (e) {
      this.log.warn(e instanceof Error ? e.message : String(e));
      return this.session;
    }
    try {
      return this.update(session && this.verify(session));
    } catch (e) {
      this.log.warn(e instanceof Error ? e.message : String(e));
      return this.update(undefined);
    }
  }

  /** A silent provider call that does not settle in time fails with a clear message instead of waiting forever. */
  private silently<T>(pending: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new SignInTimeoutError(`The sign-in (method ${this.method}) did not answer within ${Math.round(this.silentTimeoutMs / 1000)} s, so Security Copilot stopped waiting for it. Try again; if it keeps happening, sign in again.`));
      }, this.silentTimeoutMs);
      pending.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  /**
   * The token provider handed to the Graph client. It never shows UI: background loads and polls must not
   * raise a modal. `forceRefresh` (after a 401) asks the provider again silently, with the claims of a
   * Conditional Access challenge if Graph sent one; if Graph still refuses, the caller stops and offers "Sign in
   * again" (`reauthenticate`), which is the only path that prompts. A challenge that needs the user, or that
   * the last sign-in did not satisfy, fails at once with a GraphAuthError (401, the claims, and what to do).
   */
  readonly getToken = async (options: TokenRequestOptions): Promise<string> => {
    if (options.claims) {
      this.noteClaims(options.claims);
      if (this.unsatisfied) throw this.claimsError();
    } else if (options.forceRefresh && this.pendingClaims) {
      // A 401 without claims: whatever Conditional Access asked for before is not what is refused now.
      this.pendingClaims = undefined;
      this.unsatisfied = undefined;
    }
    if (options.forceRefresh) {
      // Collapse concurrent refreshes (several requests may get a 401 at once) onto one silent re-query.
      const key = options.claims ?? '';
      let refresh = this.refreshing.get(key);
      if (!refresh) {
        refresh = this.silentRefresh(options.claims).finally(() => this.refreshing.delete(key));
        this.refreshing.set(key, refresh);
      }
      return refresh;
    }
    const backend = this.backend; // rebuilt when the method or its settings changed: nothing earlier is reused then
    // `reuse` is set with the session (update), so it always belongs to this.session's token.
    if (this.session && this.reuse?.backend === backend && Date.now() < this.reuse.until) return this.session.accessToken;
    try {
      const session = this.verify(await this.silently(backend.token({})));
      this.update(session);
      return session.accessToken;
    } catch (e) {
      if (isSignedOutError(e) || e instanceof WrongTenantError) this.update(undefined);
      throw e;
    }
  };

  private noteClaims(claims: string): void {
    const last = this.claimsSignIn;
    if (last && sameClaims(last.claims, claims) && this.session?.accessToken === last.token) {
      // The token of the sign-in made for exactly these claims was refused with them again.
      if (!this.unsatisfied) {
        this.unsatisfied = { claims, ...(last.notPassed ? { notPassed: { providerId: this.settings().providerId } } : {}) };
        this.log.warn(`Microsoft Graph asked again for the claims the last sign-in was made for; that sign-in did not satisfy them. ${describeUnsatisfiedClaims(this.unsatisfied)}`);
      }
    } else if (!sameClaims(this.pendingClaims, claims)) {
      this.log.warn('Microsoft Graph asked for additional claims (Conditional Access). Sign in again to satisfy them.');
    }
    this.pendingClaims = claims;
  }

  /** The error for a claims challenge a sign-in is needed for: engine, tree and panels treat it as a refused sign-in. */
  private claimsError(): GraphAuthError {
    const claims = this.pendingClaims ?? '';
    const view = this.claimsMessage;
    return new GraphAuthError(view?.message ?? describeClaimsChallenge(claims), {
      status: 401,
      code: this.unsatisfied ? CLAIMS_NOT_SATISFIED : CLAIMS_CHALLENGE,
      claims,
    });
  }

  private async silentRefresh(claims: string | undefined): Promise<string> {
    this.log.info(`Graph rejected the token; asking the sign-in provider again (silently${claims ? ', with the claims' : ''}).`);
    try {
      const session = this.verify(await this.silently(this.backend.token({ forceRefresh: true, ...(claims ? { claims } : {}) })));
      this.update(session);
      return session.accessToken;
    } catch (e) {
      // Signed out, or (with claims) the user has to sign in for them: still signed in, but the token won't do.
      if (isSignedOutError(e) && this.pendingClaims) throw this.claimsError();
      if (isSignedOutError(e) || e instanceof WrongTenantError) this.update(undefined);
      throw e;
    }
  }

  private signedIn(session: vscode.AuthenticationSession, claims: string | undefined): vscode.AuthenticationSession {
    this.verify(session);
    // Kept until Graph accepts or refuses the new token: refused with the same claims means this sign-in did
    // not satisfy them (see noteClaims).
    this.claimsSignIn = claims ? { claims, token: session.accessToken, notPassed: !!this.backend.claimsUnsupported } : undefined;
    this.pendingClaims = undefined;
    this.unsatisfied = undefined;
    this.update(session);
    this.reauthenticated.fire(session);
    return session;
  }

  /** Interactive re-sign-in after Graph kept rejecting the token ("Sign in again" buttons only). */
  async reauthenticate(): Promise<vscode.AuthenticationSession> {
    const claims = this.pendingClaims;
    return this.signedIn(await this.backend.reauthenticate(claims ? { claims } : {}), claims);
  }

  /** Interactive sign-in (Sign In command, welcome view button). */
  async signIn(): Promise<vscode.AuthenticationSession> {
    const claims = this.pendingClaims;
    const session = this.signedIn(await this.backend.signIn(claims ? { claims } : {}), claims);
    this.log.info(`Signed in as ${session.account.label}${claims ? ' (with the claims Conditional Access asked for)' : ''}.`);
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
