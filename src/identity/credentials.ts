// The non-default sign-in methods, each the matching `@azure/identity` credential. No `vscode` import: this file
// is the entry of the separate bundle dist/identity.js, loaded only when such a method is chosen, and is tested
// in plain Node against the identity stand-in (emulator/identity).
import {
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';
import {
  INTERACTION_REQUIRED,
  SIGN_IN_CANCELLED,
  type IdentityAccount,
  type IdentityConfig,
  type IdentityHooks,
  type IdentityModule,
  type IdentitySignIn,
  type IdentityToken,
  type TokenOptions,
} from './types';

const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';
/** A cached token is reused until this long before it expires. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export class IdentityError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Reads the account from the access token's claims (delegated: upn/name; app-only: the app). */
export function accountFromToken(token: string): IdentityAccount {
  let claims: Record<string, unknown> = {};
  try {
    claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    // an opaque token: no account details
  }
  const str = (k: string): string | undefined => (typeof claims[k] === 'string' && claims[k] !== '' ? (claims[k] as string) : undefined);
  const appOnly = str('idtyp') === 'app' || (!str('upn') && !str('preferred_username') && !str('unique_name') && !!str('appid'));
  const label = appOnly
    ? `${str('app_displayname') ?? 'App'} (${str('appid') ?? str('azp') ?? 'app'})`
    : (str('upn') ?? str('preferred_username') ?? str('unique_name') ?? str('name') ?? 'Signed-in user');
  const id = str('oid') ?? str('appid') ?? str('sub') ?? label;
  const tenantId = str('tid');
  return tenantId ? { id, label, tenantId } : { id, label };
}

/**
 * Settles when the sign-in does or the signal fires, whichever is first. The device code flow stops polling on
 * the signal by itself (at its next poll); the browser flow of `@azure/identity` takes no signal and waits for
 * the redirect as long as the browser stays open, so a cancelled one is left behind (its credential is not used).
 */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return pending;
  if (signal.aborted) return Promise.reject(new IdentityError(SIGN_IN_CANCELLED, 'Sign-in was cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new IdentityError(SIGN_IN_CANCELLED, 'Sign-in was cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || /aborted|cancel/i.test(e.message));
}

class SignIn implements IdentitySignIn {
  private credential: TokenCredential | undefined;
  private cache = new Map<string, IdentityToken>();
  private signedIn = false;

  constructor(
    private readonly config: IdentityConfig,
    private readonly hooks: IdentityHooks,
  ) {}

  get method(): IdentityConfig['method'] {
    return this.config.method;
  }

  private get scopes(): string[] {
    const m = this.config.method;
    return m === 'deviceCode' || m === 'interactiveBrowser' ? this.config.scopes : [GRAPH_DEFAULT_SCOPE];
  }

  private common(): Record<string, unknown> {
    return {
      authorityHost: this.config.authorityHost,
      // The stand-in (and sovereign hosts) are not in Microsoft's instance discovery list.
      disableInstanceDiscovery: !/^https:\/\/login\.microsoftonline\.com\/?$/i.test(this.config.authorityHost),
      ...(this.config.trustedCa ? { tlsOptions: { ca: this.config.trustedCa } } : {}),
      // Errors must not carry personal data into the log.
      loggingOptions: { allowLoggingAccountIdentifiers: false, enableUnsafeSupportLogging: false },
    };
  }

  private create(): TokenCredential {
    const c = this.config;
    switch (c.method) {
      case 'deviceCode':
        return new DeviceCodeCredential({
          ...this.common(),
          tenantId: c.tenantId,
          clientId: c.clientId,
          disableAutomaticAuthentication: true,
          userPromptCallback: (info) => {
            this.hooks.onDeviceCode?.({
              userCode: info.userCode,
              verificationUri: info.verificationUri,
              message: info.message,
              done: this.deviceCodeDone?.signal ?? new AbortController().signal,
            });
          },
        });
      case 'interactiveBrowser':
        return new InteractiveBrowserCredential({
          ...this.common(),
          tenantId: c.tenantId,
          clientId: c.clientId,
          redirectUri: 'http://localhost',
          disableAutomaticAuthentication: true,
        });
      case 'azureCli': {
        const tenant = /^(organizations|common)$/i.test(c.tenantId) ? undefined : c.tenantId;
        return new AzureCliCredential(tenant ? { tenantId: tenant } : {});
      }
      case 'clientSecret':
        if (!c.clientSecret) throw new IdentityError('IdentityConfigurationError', 'No client secret is stored. Run "Security Copilot: Configure Sign-in".');
        return new ClientSecretCredential(c.tenantId, c.clientId, c.clientSecret, this.common());
      case 'clientCertificate': {
        const cert = c.certificate;
        if (!cert?.pem && !cert?.path) throw new IdentityError('IdentityConfigurationError', 'No client certificate is configured. Run "Security Copilot: Configure Sign-in".');
        const password = cert.password ? { certificatePassword: cert.password } : {};
        return cert.pem
          ? new ClientCertificateCredential(c.tenantId, c.clientId, { certificate: cert.pem, ...password }, this.common())
          : new ClientCertificateCredential(c.tenantId, c.clientId, { certificatePath: cert.path ?? '', ...password }, this.common());
      }
    }
  }

  private deviceCodeDone: AbortController | undefined;

  private get cred(): TokenCredential {
    this.credential ??= this.create();
    return this.credential;
  }

  /**
   * One cache entry per scope list: the newest token wins, so a token that satisfied a claims challenge replaces
   * the one Graph refused (keyed by claims, the refused token would be handed out again on the next request).
   */
  private key(): string {
    return this.scopes.join(' ');
  }

  private async fetch(options: TokenOptions, silent: boolean, credential: TokenCredential = this.cred): Promise<IdentityToken> {
    const getOptions: GetTokenOptions = {
      ...(options.claims ? { claims: options.claims } : {}),
      ...(options.signal ? { abortSignal: options.signal } : {}),
    };
    let token: AccessToken | null;
    try {
      token = await credential.getToken(this.scopes, getOptions);
    } catch (e) {
      throw this.translate(e, silent);
    }
    if (!token) throw new IdentityError(INTERACTION_REQUIRED, 'Sign in to Security Copilot to continue.');
    const result = { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp, account: accountFromToken(token.token) };
    this.cache.set(this.key(), result);
    return result;
  }

  /**
   * `@azure/identity` wraps nearly every MSAL failure in AuthenticationRequiredError, so that name means "needs
   * a sign-in" only for a silent request of an interactive method; otherwise the message (AADSTS…) is what counts.
   */
  private translate(e: unknown, silent: boolean): Error {
    if (e instanceof IdentityError && e.name === SIGN_IN_CANCELLED) return e;
    if (isAbort(e)) return new IdentityError(SIGN_IN_CANCELLED, 'Sign-in was cancelled.', { cause: e });
    if (e instanceof Error && e.name === 'AuthenticationRequiredError' && silent && this.isInteractive) {
      return new IdentityError(INTERACTION_REQUIRED, 'Sign in to Security Copilot to continue.', { cause: e });
    }
    if (e instanceof Error) return new IdentityError(e.name === 'AuthenticationRequiredError' ? 'IdentitySignInError' : e.name, e.message, { cause: e });
    return new Error(String(e));
  }

  private get isInteractive(): boolean {
    return this.method === 'deviceCode' || this.method === 'interactiveBrowser';
  }

  async getTokenSilently(options: TokenOptions = {}): Promise<IdentityToken> {
    if (!options.forceRefresh && !options.claims) {
      const cached = this.cache.get(this.key());
      if (cached && cached.expiresOnTimestamp - EXPIRY_MARGIN_MS > Date.now()) return cached;
    }
    // Interactive methods without a sign-in in this window have nothing to refresh from. With a sign-in, a
    // claims challenge is first tried silently (as Entra advises: the refresh token may already satisfy it);
    // `translate` turns "needs the user" into INTERACTION_REQUIRED.
    if (this.isInteractive && !this.signedIn) {
      throw new IdentityError(INTERACTION_REQUIRED, 'Sign in to Security Copilot to continue.');
    }
    return this.fetch(options, true);
  }

  async signIn(options: TokenOptions = {}): Promise<IdentityToken> {
    if (this.isInteractive) {
      // A sign-in for a claims challenge uses a new credential. `@azure/identity` keeps the claims of any request
      // and sends them with every later silent request of that credential; MSAL then skips the token the sign-in
      // just received and redeems the refresh token with the claims, which Entra may refuse (interaction
      // required) right after the user satisfied them. A new credential has no cached account yet, so the claims
      // go to this sign-in only and the token is then read from its cache. The old credential (and its
      // sign-in) stays until the new sign-in succeeded.
      const cred = (options.claims ? this.create() : this.cred) as DeviceCodeCredential | InteractiveBrowserCredential;
      this.deviceCodeDone?.abort();
      const done = new AbortController();
      this.deviceCodeDone = done;
      try {
        await untilAborted(
          cred.authenticate(this.scopes, {
            ...(options.claims ? { claims: options.claims } : {}),
            ...(options.signal ? { abortSignal: options.signal } : {}),
          }),
          options.signal,
        );
      } catch (e) {
        throw this.translate(e, false);
      } finally {
        done.abort();
      }
      this.credential = cred;
      this.signedIn = true;
      // The token the sign-in just got is in MSAL's memory cache; asking again with the claims would skip it.
      try {
        return await this.fetch({ ...options, claims: undefined }, false, cred);
      } catch (e) {
        throw new IdentityError(
          e instanceof Error ? e.name : 'IdentitySignInError',
          `The sign-in finished, but no token for Security Copilot could be read afterwards: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        );
      }
    }
    return this.fetch(options, false);
  }

  signOut(): void {
    this.cache.clear();
    this.signedIn = false;
    this.deviceCodeDone?.abort();
    // A new credential has an empty MSAL cache: nothing of the old sign-in stays in memory.
    this.credential = undefined;
  }
}

export function createSignIn(config: IdentityConfig, hooks: IdentityHooks = {}): IdentitySignIn {
  return new SignIn(config, hooks);
}

/** What dist/identity.js exports (checked against IdentityModule at compile time). */
export const identityModule: IdentityModule = { createSignIn };
