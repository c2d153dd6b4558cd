// Control API of the identity stand-in (emulator/identity/server.ts) for the in-host and browser suites: register
// apps, approve device codes, choose how claims are answered, read the recorded token requests. No vscode.
//
// The stand-in serves https with a certificate made when it starts. The extension host trusts it through
// NODE_EXTRA_CA_CERTS (set by the runners when they start code-server). The browser tests' own Node process was
// started before the certificate existed, so it passes the certificate ($SC_IDENTITY_CA_FILE) per request.
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { ClaimsPolicy, IdentityApp, IdentityUser, TokenRequestRecord } from '../../emulator/identity/server';

export type { ClaimsPolicy, IdentityApp, TokenRequestRecord };

/** Base URL of the stand-in of this run ($SC_IDENTITY_URL, set by the runners). */
export function identityUrl(): string {
  const url = process.env.SC_IDENTITY_URL;
  if (!url) throw new Error('SC_IDENTITY_URL is not set: run the suites through scripts/host/runIntegration.js or runE2E.js');
  return url.replace(/\/$/, '');
}

function request(method: string, url: string, body: string | undefined): Promise<{ status: number; text: string }> {
  const caFile = process.env.SC_IDENTITY_CA_FILE;
  if (!caFile) {
    return fetch(url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));
  }
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca: fs.readFileSync(caFile), headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function call<T>(method: string, route: string, body?: unknown): Promise<T> {
  const { status, text } = await request(method, `${identityUrl()}/_identity/${route}`, body === undefined ? undefined : JSON.stringify(body));
  if (status < 200 || status >= 300) throw new Error(`identity ${method} /_identity/${route} -> ${status}: ${text}`);
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
