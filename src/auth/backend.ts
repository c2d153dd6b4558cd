import type * as vscode from 'vscode';

export interface TokenRequest {
  /** Conditional Access claims (decoded JSON) a Graph 401 asked for. */
  claims?: string;
}

/**
 * One way of signing in. Every method keeps the same rule: `check` and `token` never show UI (background
 * loads and polls); only `signIn`, `reauthenticate` and `switchAccount` (user actions) may.
 */
export interface SignInBackend extends vscode.Disposable {
  /**
   * True once the backend found that it cannot pass Conditional Access claims on (a VS Code provider without
   * challenge support): its sign-ins still work, but cannot satisfy a claims challenge.
   */
  readonly claimsUnsupported?: boolean;
  /** Silently: the current session, or undefined when nobody is signed in. Never throws. */
  check(): Promise<vscode.AuthenticationSession | undefined>;
  /** Silently: a session with a fresh enough token; throws SignedOutError when a sign-in is needed. */
  token(request: TokenRequest & { forceRefresh?: boolean }): Promise<vscode.AuthenticationSession>;
  /** Interactive sign-in. */
  signIn(request: TokenRequest): Promise<vscode.AuthenticationSession>;
  /** Interactive re-sign-in after Graph kept rejecting the token. */
  reauthenticate(request: TokenRequest): Promise<vscode.AuthenticationSession>;
  /** Lets the user pick another account; undefined when they cancel. */
  switchAccount(current: vscode.AuthenticationSession | undefined): Promise<vscode.AuthenticationSession | undefined>;
}
