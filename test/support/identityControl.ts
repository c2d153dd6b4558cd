// Control API of the identity stand-in (emulator/identity/server.ts) for the in-host suites: register apps,
// approve device codes, read the recorded token requests. No vscode.
import type { ClaimsPolicy, IdentityApp, IdentityUser, TokenRequestRecord } from '../../emulator/identity/server';

export type { ClaimsPolicy, IdentityApp, TokenRequestRecord };

/** Base URL of the stand-in of this run ($SC_IDENTITY_URL, set by the in-host runner). */
export function identityUrl(): string {
  const url = process.env.SC_IDENTITY_URL;
  if (!url) throw new Error('SC_IDENTITY_URL is not set: run the suites through scripts/host/runIntegration.js');
  return url.replace(/\/$/, '');
}

async function call<T>(method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${identityUrl()}/_identity/${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`identity ${method} /_identity/${route} -> ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export const identity = {
  registerApp: (app: IdentityApp): Promise<void> => call('POST', 'apps', app),
  setUser: (user: IdentityUser): Promise<void> => call('POST', 'user', user),
  deviceCodes: (): Promise<{ userCode: string; clientId: string; scopes: string[]; claims?: string }[]> => call('GET', 'devicecodes'),
  approve: (userCode: string): Promise<void> => call('POST', 'devicecodes/approve', { userCode }),
  deny: (userCode: string): Promise<void> => call('POST', 'devicecodes/deny', { userCode }),
  /** How claims (Conditional Access) requests are answered; only the fields given change. */
  claimsPolicy: (policy: Partial<ClaimsPolicy>): Promise<ClaimsPolicy> => call('POST', 'claims-policy', policy),
  requests: (): Promise<TokenRequestRecord[]> => call('GET', 'requests'),
  clearRequests: (): Promise<void> => call('DELETE', 'requests'),
  revoke: (): Promise<void> => call('POST', 'revoke'),
};
