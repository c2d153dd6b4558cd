// A minimal stand-in for the Microsoft identity platform (Entra ID v2 endpoints) on loopback https, for tests of
// the `@azure/identity` sign-in methods. It serves what MSAL asks for when instance discovery is off:
//   GET  /{tenant}/v2.0/.well-known/openid-configuration
//   POST /{tenant}/oauth2/v2.0/devicecode                     device code flow
//   GET  /{tenant}/oauth2/v2.0/authorize                      auth code + PKCE (redirects at once, as the "user")
//   POST /{tenant}/oauth2/v2.0/token                          client_credentials (secret or certificate
//                                                              assertion), device_code, authorization_code,
//                                                              refresh_token; the `claims` parameter
//   GET  /devicelogin                                         the page the device-code message links to
// and a control API under /_identity/ (approve or deny device codes, register apps, set the signed-in user,
// choose how claims requests are answered, read the recorded token requests — never their secrets).
//
// Tokens are unsigned JWTs (`alg: none`): the Graph emulator decodes them and enforces `scp` (delegated) or
// `roles` (app-only) and, when asked to, the `acrs` claim of a Conditional Access claims challenge. Nothing here
// verifies Entra's real rules beyond what a client could observe; where Entra's behaviour is not documented
// (e.g. how fast a device code is approved) it is a control the test drives.
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import type * as http from 'node:http';
import { type AddressInfo } from 'node:net';
import type { TlsMaterial } from './certificate';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const DEFAULT_TENANT_ID = '00000000-0000-4000-8000-00000000fe11';

export interface IdentityUser {
  upn: string;
  name: string;
  oid: string;
}

export interface IdentityApp {
  clientId: string;
  displayName?: string;
  /** Client secret of a confidential app (client credentials). */
  secret?: string;
  /** PEM certificate whose key signs client assertions (client credentials with a certificate). */
  certificatePem?: string;
  /** "Allow public client flows": device code and auth code without a secret. Default true when no credential. */
  publicClient?: boolean;
  /** Delegated Graph permissions the app may get (default Read.All and ReadWrite.All). */
  delegated?: string[];
  /** Application permissions granted to the app (the `roles` claim of app-only tokens). */
  appRoles?: string[];
}

export interface IdentityOptions {
  tls: TlsMaterial;
  host?: string;
  port?: number;
  apps?: IdentityApp[];
  user?: IdentityUser;
  tenantId?: string;
  /** Access token lifetime in seconds (default 3600). */
  tokenLifetimeSeconds?: number;
  /** Seconds between device-code polls the client is told to keep (default 1: tests stay fast). */
  deviceCodeInterval?: number;
  /** How Conditional Access claims requests are answered (see ClaimsPolicy). */
  claimsPolicy?: Partial<ClaimsPolicy>;
  now?: () => number;
}

/**
 * How the stand-in answers a `claims` request of a Conditional Access authentication context (`acrs`). Entra's
 * documentation says a client passes the claims to a silent token request first and signs the user in only when
 * Entra answers interaction_required; it does not say when a refresh token is good enough. Both are controls:
 */
export interface ClaimsPolicy {
  /**
   * A sign-in (device code, browser, client credentials) with claims satisfies them: its token carries the
   * `acrs` values asked for. false: the user or app can never meet the policy (no `acrs` in any token).
   */
  satisfiable: boolean;
  /**
   * A refresh token from a sign-in that satisfied an authentication context satisfies it again (silently).
   * false: every claims request needs a new interactive sign-in (as a sign-in frequency of "every time").
   */
  refreshSatisfies: boolean;
}

export interface TokenRequestRecord {
  grantType: string;
  tenant: string;
  clientId: string;
  scope: string;
  /** Decoded claims parameter, if any. */
  claims?: string;
  /** How the client authenticated: 'secret', 'certificate' or 'none' (never the secret itself). */
  clientAuth: 'secret' | 'certificate' | 'none';
  status: number;
  error?: string;
}

interface DeviceCode {
  deviceCode: string;
  userCode: string;
  clientId: string;
  tenant: string;
  scopes: string[];
  claims?: string;
  expiresAt: number;
  state: 'pending' | 'approved' | 'denied' | 'redeemed';
  user?: IdentityUser;
}

interface Grant {
  clientId: string;
  tenant: string;
  scopes: string[];
  user: IdentityUser;
  claims?: string;
  /** Authentication contexts (`acrs`) the sign-in behind this grant satisfied (refresh tokens keep them). */
  satisfied?: string[];
  codeChallenge?: string;
  redirectUri?: string;
  nonce?: string;
  expiresAt: number;
}

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const READ = 'SecurityCopilotWorkspaces.Read.All';
const WRITE = 'SecurityCopilotWorkspaces.ReadWrite.All';
const OIDC = new Set(['openid', 'profile', 'offline_access', 'email']);
const DEFAULT_USER: IdentityUser = { upn: 'analyst@contoso.test', name: 'Avery Analyst', oid: '11111111-1111-4111-8111-111111111111' };

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const randomId = (): string => crypto.randomBytes(24).toString('base64url');

export class IdentityServer {
  private readonly server: https.Server;
  private readonly apps = new Map<string, IdentityApp>();
  private readonly deviceCodes = new Map<string, DeviceCode>();
  private readonly codes = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, Grant>();
  private recorded: TokenRequestRecord[] = [];
  private user: IdentityUser;
  private readonly tenantId: string;
  private readonly now: () => number;
  private listeningPort = 0;
  private claimsPolicy: ClaimsPolicy;

  constructor(private readonly options: IdentityOptions) {
    this.now = options.now ?? Date.now;
    this.tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
    this.user = options.user ?? DEFAULT_USER;
    this.claimsPolicy = { satisfiable: true, refreshSatisfies: true, ...options.claimsPolicy };
    for (const app of options.apps ?? []) this.registerApp(app);
    this.server = https.createServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => {
      this.dispatch(req, res).catch((e: unknown) => {
        if (!res.headersSent) this.sendJson(res, 500, { error: 'server_error', error_description: String(e) });
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listeningPort = (this.server.address() as AddressInfo).port;
  }

  /** The authority host, e.g. https://127.0.0.1:41234 (credentials add the tenant). */
  get url(): string {
    const host = this.options.host ?? '127.0.0.1';
    return `https://${host.includes(':') ? `[${host}]` : host}:${this.listeningPort}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- control surface (also over HTTP under /_identity/) ------------------------------------------------------

  registerApp(app: IdentityApp): void {
    this.apps.set(app.clientId.toLowerCase(), { ...app });
  }

  setUser(user: IdentityUser): void {
    this.user = { ...user };
  }

  /** Changes how claims requests are answered (only the fields given). */
  setClaimsPolicy(policy: Partial<ClaimsPolicy>): ClaimsPolicy {
    this.claimsPolicy = { ...this.claimsPolicy, ...policy };
    return { ...this.claimsPolicy };
  }

  /** Device codes waiting for the user. */
  pendingDeviceCodes(): { userCode: string; clientId: string; scopes: string[]; claims?: string }[] {
    return [...this.deviceCodes.values()]
      .filter((d) => d.state === 'pending' && d.expiresAt > this.now())
      .map((d) => ({ userCode: d.userCode, clientId: d.clientId, scopes: d.scopes, ...(d.claims ? { claims: d.claims } : {}) }));
  }

  /** The user entered the code and signed in (true when such a pending code existed). */
  approveDeviceCode(userCode: string, user?: IdentityUser): boolean {
    const found = [...this.deviceCodes.values()].find((d) => d.userCode === userCode.toUpperCase() && d.state === 'pending');
    if (!found) return false;
    found.state = 'approved';
    found.user = user ?? this.user;
    return true;
  }

  denyDeviceCode(userCode: string): boolean {
    const found = [...this.deviceCodes.values()].find((d) => d.userCode === userCode.toUpperCase() && d.state === 'pending');
    if (!found) return false;
    found.state = 'denied';
    return true;
  }

  tokenRequests(): TokenRequestRecord[] {
    return this.recorded.map((r) => ({ ...r }));
  }

  clearTokenRequests(): void {
    this.recorded = [];
  }

  /** Forgets codes and refresh tokens (as if every session was revoked); apps and user stay. */
  revokeAll(): void {
    this.deviceCodes.clear();
    this.codes.clear();
    this.refreshTokens.clear();
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------------

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = (req.method ?? 'GET').toUpperCase();
    const body = method === 'POST' ? await readBody(req) : '';
    if (url.pathname.startsWith('/_identity/')) return this.control(method, url.pathname.slice('/_identity/'.length), body, res);
    if (method === 'GET' && url.pathname === '/devicelogin') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Enter code</title><p>Identity stand-in: enter the code.</p>');
      return;
    }
    const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/(token|devicecode|authorize|logout))$/.exec(url.pathname);
    if (!m) return this.sendJson(res, 404, { error: 'not_found', error_description: `No route ${method} ${url.pathname}` });
    const tenant = decodeURIComponent(m[1]);
    try {
      if (m[2].startsWith('v2.0') && method === 'GET') return this.sendJson(res, 200, this.openIdConfiguration(tenant));
      if (m[3] === 'authorize' && method === 'GET') return this.authorize(tenant, url.searchParams, res);
      if (m[3] === 'logout') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('signed out');
        return;
      }
      if (method !== 'POST') throw new OAuthError(405, 'invalid_request', `AADSTS900561: The endpoint only accepts POST requests.`);
      const form = new URLSearchParams(body);
      if (m[3] === 'devicecode') return this.sendJson(res, 200, this.deviceCode(tenant, form));
      return this.token(tenant, form, res);
    } catch (e) {
      if (e instanceof OAuthError) return this.sendOAuthError(res, e);
      throw e;
    }
  }

  private openIdConfiguration(tenant: string): Record<string, unknown> {
    const base = `${this.url}/${tenant}`;
    return {
      issuer: `${this.url}/${this.tenantId}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${this.url}/${tenant}/discovery/v2.0/keys`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'name', 'tid', 'oid', 'preferred_username'],
      tenant_region_scope: 'WW',
      cloud_instance_name: 'microsoftonline.com',
      request_uri_parameter_supported: false,
      frontchannel_logout_supported: true,
      http_logout_supported: true,
    };
  }

  private app(clientId: string | null): IdentityApp {
    const app = clientId ? this.apps.get(clientId.toLowerCase()) : undefined;
    if (!app) {
      throw new OAuthError(400, 'unauthorized_client', `AADSTS700016: Application with identifier '${clientId ?? ''}' was not found in the directory.`);
    }
    return app;
  }

  private checkTenant(tenant: string, appOnly: boolean): void {
    const t = tenant.toLowerCase();
    if (appOnly && (t === 'organizations' || t === 'common' || t === 'consumers')) {
      throw new OAuthError(400, 'invalid_request', `AADSTS90002: Tenant '${tenant}' not found. Use a tenant id or domain for the client credentials flow.`);
    }
  }

  /** Delegated scopes of a request: resource prefixes removed, OIDC scopes dropped, checked against the app. */
  private delegatedScopes(app: IdentityApp, scope: string | null): string[] {
    const allowed = app.delegated ?? [READ, WRITE];
    const out: string[] = [];
    for (const s of (scope ?? '').split(/\s+/).filter(Boolean)) {
      if (OIDC.has(s)) continue;
      const bare = s.startsWith(`${GRAPH_RESOURCE}/`) ? s.slice(GRAPH_RESOURCE.length + 1) : s;
      if (bare === '.default') {
        out.push(...allowed);
        continue;
      }
      if (!allowed.some((a) => a.toLowerCase() === bare.toLowerCase())) {
        throw new OAuthError(400, 'invalid_scope', `AADSTS65001: The user or administrator has not consented to use the application with ID '${app.clientId}' for the permission '${bare}'.`);
      }
      out.push(bare);
    }
    if (out.length === 0) throw new OAuthError(400, 'invalid_scope', 'AADSTS70011: The provided request must include a resource scope.');
    return [...new Set(out)];
  }

  private requirePublic(app: IdentityApp): void {
    const isPublic = app.publicClient ?? (!app.secret && !app.certificatePem);
    if (!isPublic) throw new OAuthError(401, 'invalid_client', "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }

  private deviceCode(tenant: string, form: URLSearchParams): Record<string, unknown> {
    const app = this.app(form.get('client_id'));
    this.requirePublic(app);
    const scopes = this.delegatedScopes(app, form.get('scope'));
    const userCode = crypto.randomBytes(6).toString('hex').slice(0, 9).toUpperCase();
    const record: DeviceCode = {
      deviceCode: randomId(),
      userCode,
      clientId: app.clientId,
      tenant,
      scopes,
      expiresAt: this.now() + 15 * 60_000,
      state: 'pending',
      ...(form.get('claims') ? { claims: form.get('claims') ?? undefined } : {}),
    };
    this.deviceCodes.set(record.deviceCode, record);
    const verification = `${this.url}/devicelogin`;
    return {
      device_code: record.deviceCode,
      user_code: userCode,
      verification_uri: verification,
      expires_in: 900,
      interval: this.options.deviceCodeInterval ?? 1,
      message: `To sign in, use a web browser to open the page ${verification} and enter the code ${userCode} to authenticate.`,
    };
  }

  private authorize(tenant: string, query: URLSearchParams, res: http.ServerResponse): void {
    const app = this.app(query.get('client_id'));
    this.requirePublic(app);
    const redirect = query.get('redirect_uri') ?? '';
    let target: URL;
    try {
      target = new URL(redirect);
    } catch {
      throw new OAuthError(400, 'invalid_request', `AADSTS50011: The redirect URI '${redirect}' does not match the redirect URIs configured for the application.`);
    }
    if (!/^(localhost|127\.0\.0\.1|\[::1\])$/.test(target.hostname) || target.protocol !== 'http:') {
      throw new OAuthError(400, 'invalid_request', `AADSTS50011: The redirect URI '${redirect}' does not match the redirect URIs configured for the application.`);
    }
    const code = randomId();
    this.codes.set(code, {
      clientId: app.clientId,
      tenant,
      scopes: this.delegatedScopes(app, query.get('scope')),
      user: this.user,
      codeChallenge: query.get('code_challenge') ?? undefined,
      redirectUri: redirect,
      nonce: query.get('nonce') ?? undefined,
      claims: query.get('claims') ?? undefined,
      expiresAt: this.now() + 5 * 60_000,
    });
    const response: Record<string, string> = { code, client_info: b64url({ uid: this.user.oid, utid: this.tenantId }) };
    const state = query.get('state');
    if (state) response.state = state;
    if (query.get('response_mode') === 'form_post') {
      // As Entra does: a page that posts the response to the redirect URI at once.
      const inputs = Object.entries(response)
        .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
        .join('');
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html><body onload="document.forms[0].submit()"><form method="POST" action="${escapeHtml(redirect)}">${inputs}</form></body></html>`);
      return;
    }
    for (const [k, v] of Object.entries(response)) target.searchParams.set(k, v);
    res.writeHead(302, { location: target.toString() }).end();
  }

  private token(tenant: string, form: URLSearchParams, res: http.ServerResponse): void {
    const grantType = form.get('grant_type') ?? '';
    const clientAuth: TokenRequestRecord['clientAuth'] = form.get('client_assertion') ? 'certificate' : form.get('client_secret') ? 'secret' : 'none';
    const record: TokenRequestRecord = {
      grantType,
      tenant,
      clientId: form.get('client_id') ?? '',
      scope: form.get('scope') ?? '',
      clientAuth,
      status: 0,
      ...(form.get('claims') ? { claims: form.get('claims') ?? undefined } : {}),
    };
    this.recorded.push(record);
    try {
      const body = this.issue(tenant, grantType, form);
      record.status = 200;
      this.sendJson(res, 200, body);
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      record.status = e.status;
      record.error = e.error;
      this.sendOAuthError(res, e);
    }
  }

  private issue(tenant: string, grantType: string, form: URLSearchParams): Record<string, unknown> {
    const app = this.app(form.get('client_id'));
    const claims = form.get('claims') ?? undefined;
    switch (grantType) {
      case 'client_credentials': {
        this.checkTenant(tenant, true);
        this.authenticateClient(app, form, tenant);
        const scope = form.get('scope') ?? '';
        if (!scope.split(/\s+/).some((s) => s === `${GRAPH_RESOURCE}/.default`)) {
          throw new OAuthError(400, 'invalid_scope', `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`);
        }
        return this.appTokenResponse(app, claims);
      }
      case 'urn:ietf:params:oauth:grant-type:device_code':
      case 'device_code': {
        this.requirePublic(app);
        const record = this.deviceCodes.get(form.get('device_code') ?? '');
        if (!record || record.clientId !== app.clientId) throw new OAuthError(400, 'invalid_grant', 'AADSTS70000: The provided device code is invalid.');
        if (record.expiresAt <= this.now()) throw new OAuthError(400, 'expired_token', 'AADSTS70020: The provided value for the input parameter device_code was expired.');
        if (record.state === 'pending') throw new OAuthError(400, 'authorization_pending', 'AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
        if (record.state === 'denied') throw new OAuthError(400, 'authorization_declined', 'AADSTS70000: The user declined the sign-in.');
        if (record.state === 'redeemed') throw new OAuthError(400, 'invalid_grant', 'AADSTS70000: The provided device code was already redeemed.');
        record.state = 'redeemed';
        return this.userTokenResponse({ clientId: app.clientId, tenant, scopes: record.scopes, user: record.user ?? this.user, claims: record.claims ?? claims, expiresAt: 0 });
      }
      case 'authorization_code': {
        this.requirePublic(app);
        const grant = this.codes.get(form.get('code') ?? '');
        this.codes.delete(form.get('code') ?? '');
        if (!grant || grant.clientId !== app.clientId || grant.expiresAt <= this.now()) {
          throw new OAuthError(400, 'invalid_grant', 'AADSTS70008: The provided authorization code or refresh token has expired or is invalid.');
        }
        if (grant.redirectUri !== form.get('redirect_uri')) throw new OAuthError(400, 'invalid_grant', 'AADSTS50011: The redirect URI does not match the one of the authorization request.');
        if (grant.codeChallenge) {
          const verifier = form.get('code_verifier') ?? '';
          const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
          if (challenge !== grant.codeChallenge) throw new OAuthError(400, 'invalid_grant', 'AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.');
        }
        return this.userTokenResponse({ ...grant, claims: grant.claims ?? claims });
      }
      case 'refresh_token': {
        const grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
        if (!grant || grant.clientId !== app.clientId) {
          throw new OAuthError(400, 'invalid_grant', 'AADSTS700082: The refresh token has expired or was revoked.');
        }
        const scopes = form.get('scope') ? this.delegatedScopes(app, form.get('scope')) : grant.scopes;
        // An authentication context the sign-in behind this refresh token did not satisfy needs the user.
        const required = acrsFrom(claims);
        const satisfied = grant.satisfied ?? [];
        if (required.length && (!this.claimsPolicy.refreshSatisfies || !required.every((a) => satisfied.includes(a)))) {
          throw new OAuthError(400, 'interaction_required', 'AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.');
        }
        return this.userTokenResponse({ ...grant, scopes, claims }, satisfied);
      }
      default:
        throw new OAuthError(400, 'unsupported_grant_type', `AADSTS70003: The app requested an unsupported grant type '${grantType}'.`);
    }
  }

  private authenticateClient(app: IdentityApp, form: URLSearchParams, tenant: string): void {
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (!app.secret || !timingSafeEqual(secret, app.secret)) throw new OAuthError(401, 'invalid_client', `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
      return;
    }
    if (assertion !== null) {
      if (!app.certificatePem) throw new OAuthError(401, 'invalid_client', 'AADSTS700027: Client assertion contains an invalid signature. The app has no certificate.');
      this.verifyAssertion(app, assertion, tenant);
      return;
    }
    throw new OAuthError(401, 'invalid_client', "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }

  /** Checks a client assertion the way Entra does: thumbprint header, signature, audience, subject, lifetime. */
  private verifyAssertion(app: IdentityApp, assertion: string, tenant: string): void {
    const bad = (why: string): OAuthError => new OAuthError(401, 'invalid_client', `AADSTS700027: Client assertion failed signature validation. ${why}`);
    const parts = assertion.split('.');
    if (parts.length !== 3) throw bad('Not a JWT.');
    let header: Record<string, unknown>;
    let payload: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw bad('Not a JWT.');
    }
    const cert = new crypto.X509Certificate(app.certificatePem ?? '');
    const der = cert.raw;
    const s1 = crypto.createHash('sha1').update(der).digest('base64url');
    const s256 = crypto.createHash('sha256').update(der).digest('base64url');
    if (header['x5t#S256'] !== s256 && header.x5t !== s1) throw bad('Unknown certificate thumbprint.');
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2], 'base64url');
    const key = cert.publicKey;
    const ok =
      header.alg === 'PS256'
        ? crypto.verify('sha256', data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO }, signature)
        : header.alg === 'RS256'
          ? crypto.verify('sha256', data, key, signature)
          : false;
    if (!ok) throw bad('Signature does not verify.');
    if (payload.iss !== app.clientId || payload.sub !== app.clientId) throw bad('iss and sub must be the client id.');
    const aud = String(payload.aud ?? '');
    if (!aud.startsWith(`${this.url}/${tenant}/`)) throw bad(`Audience ${aud} is not this token endpoint.`);
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= this.now()) throw bad('The assertion is expired.');
  }

  private lifetime(): number {
    return Math.max(5, this.options.tokenLifetimeSeconds ?? 3600);
  }

  /** The `acrs` a sign-in asking for `requested` claims gets (none when the policy cannot be met). */
  private grantedAcrs(requested: string | undefined): string[] {
    return this.claimsPolicy.satisfiable ? acrsFrom(requested) : [];
  }

  private accessToken(claims: Record<string, unknown>, requested?: string): string {
    const now = Math.floor(this.now() / 1000);
    const acrs = this.grantedAcrs(requested);
    const body = {
      aud: GRAPH_RESOURCE,
      iss: `https://sts.windows.net/${this.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + this.lifetime(),
      tid: this.tenantId,
      ver: '1.0',
      ...claims,
      ...(acrs.length ? { acrs } : {}),
      test_only: true,
    };
    return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(body)}.`;
  }

  private appTokenResponse(app: IdentityApp, claims?: string): Record<string, unknown> {
    const roles = app.appRoles ?? [WRITE];
    return {
      token_type: 'Bearer',
      expires_in: this.lifetime(),
      ext_expires_in: this.lifetime(),
      access_token: this.accessToken({ appid: app.clientId, app_displayname: app.displayName ?? 'Test app', oid: crypto.createHash('sha256').update(app.clientId).digest('hex').slice(0, 32), idtyp: 'app', roles }, claims),
    };
  }

  /** A user token; `satisfiedBefore`: the contexts the grant's earlier sign-in satisfied (for a refresh). */
  private userTokenResponse(grant: Grant, satisfiedBefore: string[] = []): Record<string, unknown> {
    const refresh = randomId();
    const satisfied = [...new Set([...satisfiedBefore, ...this.grantedAcrs(grant.claims)])];
    this.refreshTokens.set(refresh, { ...grant, claims: undefined, satisfied });
    const now = Math.floor(this.now() / 1000);
    const { user } = grant;
    const idToken = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({
      aud: grant.clientId,
      iss: `${this.url}/${this.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + this.lifetime(),
      name: user.name,
      oid: user.oid,
      preferred_username: user.upn,
      sub: crypto.createHash('sha256').update(`${user.oid}:${grant.clientId}`).digest('base64url'),
      tid: this.tenantId,
      ver: '2.0',
      ...(grant.nonce ? { nonce: grant.nonce } : {}),
    })}.`;
    return {
      token_type: 'Bearer',
      scope: grant.scopes.map((s) => `${GRAPH_RESOURCE}/${s}`).join(' '),
      expires_in: this.lifetime(),
      ext_expires_in: this.lifetime(),
      access_token: this.accessToken({ appid: grant.clientId, oid: user.oid, upn: user.upn, name: user.name, scp: grant.scopes.join(' ') }, grant.claims),
      refresh_token: refresh,
      id_token: idToken,
      client_info: b64url({ uid: user.oid, utid: this.tenantId }),
    };
  }

  private control(method: string, route: string, body: string, res: http.ServerResponse): void {
    let json: Record<string, unknown> = {};
    try {
      json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return this.sendJson(res, 400, { error: 'body is not JSON' });
    }
    const key = `${method} ${route}`;
    switch (key) {
      case 'GET health':
        return this.sendJson(res, 200, { ok: true });
      case 'GET devicecodes':
        return this.sendJson(res, 200, this.pendingDeviceCodes());
      case 'POST devicecodes/approve':
        return this.sendJson(res, this.approveDeviceCode(String(json.userCode ?? ''), json.user as IdentityUser | undefined) ? 200 : 404, {});
      case 'POST devicecodes/deny':
        return this.sendJson(res, this.denyDeviceCode(String(json.userCode ?? '')) ? 200 : 404, {});
      case 'POST apps':
        if (typeof json.clientId !== 'string') return this.sendJson(res, 400, { error: 'clientId is required' });
        this.registerApp(json as unknown as IdentityApp);
        return this.sendJson(res, 200, {});
      case 'POST user':
        this.setUser(json as unknown as IdentityUser);
        return this.sendJson(res, 200, {});
      case 'POST claims-policy': {
        const policy: Partial<ClaimsPolicy> = {};
        for (const k of ['satisfiable', 'refreshSatisfies'] as const) {
          if (json[k] === undefined) continue;
          if (typeof json[k] !== 'boolean') return this.sendJson(res, 400, { error: `${k} must be a boolean` });
          policy[k] = json[k];
        }
        return this.sendJson(res, 200, this.setClaimsPolicy(policy));
      }
      case 'GET requests':
        return this.sendJson(res, 200, this.tokenRequests());
      case 'DELETE requests':
        this.clearTokenRequests();
        return this.sendJson(res, 200, {});
      case 'POST revoke':
        this.revokeAll();
        return this.sendJson(res, 200, {});
      default:
        return this.sendJson(res, 404, { error: `unknown control route ${key}` });
    }
  }

  private sendOAuthError(res: http.ServerResponse, e: OAuthError): void {
    this.sendJson(res, e.status, {
      error: e.error,
      error_description: `${e.description}\r\nTrace ID: ${crypto.randomUUID()}\r\nCorrelation ID: ${crypto.randomUUID()}\r\nTimestamp: ${new Date(this.now()).toISOString()}`,
      error_codes: [Number(/AADSTS(\d+)/.exec(e.description)?.[1] ?? 0)],
      timestamp: new Date(this.now()).toISOString(),
      trace_id: crypto.randomUUID(),
      correlation_id: crypto.randomUUID(),
    });
  }

  private sendJson(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  }
}

/** The `acrs` values a claims request asks for: {"access_token":{"acrs":{"essential":true,"value(s)":…}}}. */
export function acrsFrom(claims: string | undefined): string[] {
  if (!claims) return [];
  try {
    const parsed = JSON.parse(claims) as { access_token?: { acrs?: { value?: unknown; values?: unknown } } };
    const acrs = parsed.access_token?.acrs;
    if (!acrs) return [];
    const values = Array.isArray(acrs.values) ? acrs.values : acrs.value !== undefined ? [acrs.value] : [];
    return values.filter((v): v is string => typeof v === 'string');
  } catch {
    return [];
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function timingSafeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the stand-in on loopback (port 0 = a free port). */
export async function startIdentityServer(options: IdentityOptions): Promise<IdentityServer> {
  const server = new IdentityServer(options);
  await server.listen();
  return server;
}
