// Shared types of the `@azure/identity` sign-in bundle (dist/identity.js). The extension bundle imports these as
// types only, so none of the identity code is loaded until a non-default sign-in method is used.

export type IdentityMethod = 'deviceCode' | 'interactiveBrowser' | 'azureCli' | 'clientSecret' | 'clientCertificate';
export type AuthMethod = 'vscode' | IdentityMethod;

export const AUTH_METHODS: readonly AuthMethod[] = ['vscode', 'deviceCode', 'interactiveBrowser', 'azureCli', 'clientSecret', 'clientCertificate'];

/** True for the methods that act for a user and need a sign-in step (the others sign in by themselves). */
export function isInteractiveMethod(method: AuthMethod): boolean {
  return method === 'vscode' || method === 'deviceCode' || method === 'interactiveBrowser';
}

export interface IdentityConfig {
  method: IdentityMethod;
  /** Application (client) id; required except for azureCli. */
  clientId: string;
  /** Tenant id or domain (`organizations` only for the delegated flows). */
  tenantId: string;
  /** https://login.microsoftonline.com, or a loopback stand-in in tests. */
  authorityHost: string;
  /** Delegated Graph scopes (deviceCode, interactiveBrowser); the other methods use the `.default` scope. */
  scopes: string[];
  clientSecret?: string;
  /** PEM with the private key and the certificate, or the path of a PEM/PFX file, with its password. */
  certificate?: { pem?: string; path?: string; password?: string };
  /** Extra CA certificates (PEM) to trust; only the plain-Node tests use it (the host uses NODE_EXTRA_CA_CERTS). */
  trustedCa?: string;
}

export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  message: string;
  /** Aborted when the sign-in ends (token received, cancelled or failed). */
  done: AbortSignal;
}

export interface IdentityHooks {
  /** The device code to show the user (deviceCode method). */
  onDeviceCode?: (prompt: DeviceCodePrompt) => void;
  log?: (message: string) => void;
}

export interface IdentityAccount {
  id: string;
  label: string;
  tenantId?: string;
}

export interface IdentityToken {
  token: string;
  expiresOnTimestamp: number;
  account: IdentityAccount;
}

export interface TokenOptions {
  /** Conditional Access claims (JSON, decoded) to ask for. */
  claims?: string;
  /** Skip the in-memory cache (Graph rejected the cached token). */
  forceRefresh?: boolean;
  signal?: AbortSignal;
}

/** One configured sign-in method of the identity bundle. */
export interface IdentitySignIn {
  readonly method: IdentityMethod;
  /** Never shows UI: a cached or silently refreshed token; throws IdentityInteractionRequired otherwise. */
  getTokenSilently(options?: TokenOptions): Promise<IdentityToken>;
  /** The interactive sign-in (device code, browser). For the other methods the same as a silent token. */
  signIn(options?: TokenOptions): Promise<IdentityToken>;
  /** Forgets every token held in memory. */
  signOut(): void;
}

export interface IdentityModule {
  createSignIn(config: IdentityConfig, hooks?: IdentityHooks): IdentitySignIn;
}

/** Error names the extension checks (instances cross the bundle boundary, so compare `name`). */
export const INTERACTION_REQUIRED = 'IdentityInteractionRequired';
export const SIGN_IN_CANCELLED = 'IdentitySignInCancelled';
