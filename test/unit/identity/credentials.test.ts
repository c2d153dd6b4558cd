// The real `@azure/identity` credentials of every non-default sign-in method, end to end against the identity
// stand-in (https on loopback, certificate made here) and the Graph emulator, which accepts the tokens.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generate } from 'selfsigned';
import { startEmulator, type Emulator } from '../../../emulator/index';
import { makeLoopbackCertificate, type TlsMaterial } from '../../../emulator/identity/certificate';
import { startIdentityServer, type IdentityServer } from '../../../emulator/identity/server';
import { SecurityCopilotClient } from '../../../src/graph';
import { accountFromToken, createSignIn } from '../../../src/identity/credentials';
import { INTERACTION_REQUIRED, SIGN_IN_CANCELLED, type IdentityConfig, type DeviceCodePrompt } from '../../../src/identity/types';

const PUBLIC_APP = 'aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa';
const SECRET_APP = 'bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb';
const CERT_APP = 'cccccccc-3333-4333-8333-cccccccccccc';
const TENANT = 'contoso.test';
const WRITE = 'https://graph.microsoft.com/SecurityCopilotWorkspaces.ReadWrite.All';
const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/fake-cli');

describe('Sign-in methods through @azure/identity, against the identity stand-in', function () {
  this.timeout(30_000);
  let tls: TlsMaterial;
  let idp: IdentityServer;
  let graph: Emulator;
  let clientPem: string;
  let tmp: string;
  const savedEnv = { ...process.env };

  before(async () => {
    tls = await makeLoopbackCertificate();
    const client = await generate([{ name: 'commonName', value: 'security-copilot-test-app' }], { keySize: 2048, algorithm: 'sha256' });
    clientPem = `${client.private}\n${client.cert}`;
    idp = await startIdentityServer({
      tls,
      apps: [
        { clientId: PUBLIC_APP, displayName: 'Security Copilot for VS Code' },
        { clientId: SECRET_APP, displayName: 'SOC automation', secret: 'sec-ret~value-0123456789', appRoles: ['SecurityCopilotWorkspaces.ReadWrite.All'] },
        { clientId: CERT_APP, displayName: 'SOC automation (cert)', certificatePem: client.cert, appRoles: ['SecurityCopilotWorkspaces.Read.All'] },
      ],
    });
    graph = await startEmulator({ quiet: true, seed: { sessions: 3, promptsPerSession: 1 } });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-identity-'));
    const caFile = path.join(tmp, 'ca.pem');
    fs.writeFileSync(caFile, tls.cert);
    // The fake CLI and browser are child processes: they trust the stand-in through NODE_EXTRA_CA_CERTS.
    process.env.NODE_EXTRA_CA_CERTS = caFile;
    process.env.PATH = `${FIXTURES}${path.delimiter}${process.env.PATH ?? ''}`;
    process.env.BROWSER = path.join(FIXTURES, 'xdg-open');
    process.env.FAKE_AZ_LOG = path.join(tmp, 'az.log');
  });

  after(async () => {
    process.env = savedEnv;
    await idp?.close();
    await graph?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function config(over: Partial<IdentityConfig>): IdentityConfig {
    return { method: 'deviceCode', clientId: PUBLIC_APP, tenantId: TENANT, authorityHost: idp.url, scopes: [WRITE], trustedCa: tls.cert, ...over };
  }

  async function listsSessions(token: string): Promise<number> {
    const client = new SecurityCopilotClient({ baseUrl: graph.url, getToken: async () => token });
    const page = await client.listSessionsPage('default');
    return page.items.length;
  }

  it('client secret: an app-only token with the app role, accepted by Graph', async () => {
    const signIn = createSignIn(config({ method: 'clientSecret', clientId: SECRET_APP, clientSecret: 'sec-ret~value-0123456789' }));
    const t = await signIn.getTokenSilently();
    assert.match(t.account.label, /SOC automation \(bbbbbbbb/);
    assert.equal(await listsSessions(t.token), 3);
    const req = idp.tokenRequests().at(-1);
    assert.equal(req?.grantType, 'client_credentials');
    assert.equal(req?.clientAuth, 'secret');
    assert.equal(req?.scope, 'https://graph.microsoft.com/.default');
    assert.equal(req?.tenant, TENANT);
  });

  it('client secret: a wrong secret fails with the AADSTS code and is never in the message', async () => {
    const signIn = createSignIn(config({ method: 'clientSecret', clientId: SECRET_APP, clientSecret: 'not-the-secret-xyz' }));
    await assert.rejects(signIn.getTokenSilently(), (e: Error) => /AADSTS7000215/.test(e.message) && !e.message.includes('not-the-secret-xyz'));
  });

  it('client certificate: a signed assertion the stand-in verifies; a read-only app role reads', async () => {
    const signIn = createSignIn(config({ method: 'clientCertificate', clientId: CERT_APP, certificate: { pem: clientPem } }));
    const t = await signIn.getTokenSilently();
    assert.equal(await listsSessions(t.token), 3);
    assert.equal(idp.tokenRequests().at(-1)?.clientAuth, 'certificate');
    // The same token cannot write: Graph enforces the role.
    const client = new SecurityCopilotClient({ baseUrl: graph.url, getToken: async () => t.token });
    await assert.rejects(client.createSession('default', 'x'), /403|Missing scope/);
  });

  it('client certificate: a certificate the app does not know is refused', async () => {
    const other = await generate([{ name: 'commonName', value: 'other' }], { keySize: 2048 });
    const signIn = createSignIn(config({ method: 'clientCertificate', clientId: CERT_APP, certificate: { pem: `${other.private}\n${other.cert}` } }));
    await assert.rejects(signIn.getTokenSilently(), /AADSTS700027/);
  });

  it('device code: silent before sign-in, then the code is shown, approved, and the token works; later calls are cached', async () => {
    const prompts: DeviceCodePrompt[] = [];
    const signIn = createSignIn(config({ method: 'deviceCode' }), { onDeviceCode: (p) => prompts.push(p) });
    await assert.rejects(signIn.getTokenSilently(), (e: Error) => e.name === INTERACTION_REQUIRED);
    const pending = signIn.signIn();
    const deadline = Date.now() + 10_000;
    while (prompts.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(prompts.length, 1, 'the device code was handed to the UI');
    assert.match(prompts[0].message, new RegExp(prompts[0].userCode));
    assert.equal(prompts[0].verificationUri, `${idp.url}/devicelogin`);
    assert.deepEqual(idp.pendingDeviceCodes().map((d) => d.userCode), [prompts[0].userCode]);
    assert.ok(idp.approveDeviceCode(prompts[0].userCode));
    const t = await pending;
    assert.equal(prompts[0].done.aborted, true, 'the prompt is told the sign-in ended');
    assert.equal(t.account.label, 'analyst@contoso.test');
    assert.equal(await listsSessions(t.token), 3);
    const before = idp.tokenRequests().length;
    const again = await signIn.getTokenSilently();
    assert.equal(again.token, t.token);
    assert.equal(idp.tokenRequests().length, before, 'served from memory');
  });

  it('device code: cancelling stops the polling and says so', async () => {
    const controller = new AbortController();
    const signIn = createSignIn(config({ method: 'deviceCode' }), { onDeviceCode: () => controller.abort() });
    await assert.rejects(signIn.signIn({ signal: controller.signal }), (e: Error) => e.name === SIGN_IN_CANCELLED);
  });

  it('device code: a claims challenge is passed to the token request', async () => {
    const prompts: DeviceCodePrompt[] = [];
    const signIn = createSignIn(config({ method: 'deviceCode' }), { onDeviceCode: (p) => prompts.push(p) });
    const claims = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });
    const pending = signIn.signIn({ claims });
    while (prompts.length === 0) await new Promise((r) => setTimeout(r, 20));
    idp.approveDeviceCode(prompts[0].userCode);
    const t = await pending;
    const payload = JSON.parse(Buffer.from(t.token.split('.')[1], 'base64url').toString()) as { acrs?: string[] };
    assert.deepEqual(payload.acrs, ['c1']);
  });

  const C1 = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });
  const acrsOf = (token: string): string[] | undefined => (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { acrs?: string[] }).acrs;

  /** Signs in with the device code (approving it at the stand-in) and returns the token. */
  async function deviceCodeSignIn(signIn: ReturnType<typeof createSignIn>, prompts: DeviceCodePrompt[], claims?: string) {
    const seen = prompts.length;
    const pending = signIn.signIn(claims ? { claims } : {});
    while (prompts.length === seen) await new Promise((r) => setTimeout(r, 20));
    assert.ok(idp.approveDeviceCode(prompts[seen].userCode));
    return pending;
  }

  for (const refreshSatisfies of [true, false]) {
    it(`device code: signing in again for a claims challenge gets a token with the acrs (a refresh token ${refreshSatisfies ? 'may' : 'may not'} satisfy claims)`, async () => {
      idp.setClaimsPolicy({ refreshSatisfies });
      try {
        const prompts: DeviceCodePrompt[] = [];
        const signIn = createSignIn(config({ method: 'deviceCode' }), { onDeviceCode: (p) => prompts.push(p) });
        const first = await deviceCodeSignIn(signIn, prompts);
        assert.equal(acrsOf(first.token), undefined);
        // Graph answered with a claims challenge: silently, the refresh token of that sign-in is not enough.
        await assert.rejects(signIn.getTokenSilently({ claims: C1, forceRefresh: true }), (e: Error) => e.name === INTERACTION_REQUIRED);
        idp.clearTokenRequests();
        const second = await deviceCodeSignIn(signIn, prompts, C1);
        assert.deepEqual(acrsOf(second.token), ['c1'], 'the token of the new sign-in carries the authentication context');
        const grants = idp.tokenRequests().filter((r) => r.status === 200).map((r) => r.grantType.replace(/.*:/, ''));
        assert.deepEqual(grants, ['device_code'], 'the token is the one the sign-in received (no refresh with the claims afterwards)');
        assert.match(idp.tokenRequests().at(-1)?.claims ?? '', /"c1"/);
        assert.equal((await signIn.getTokenSilently()).token, second.token, 'later requests get the new token');
      } finally {
        idp.setClaimsPolicy({ refreshSatisfies: true });
      }
    });
  }

  it('device code: after a sign-in that satisfied an authentication context, a new challenge for it is met silently', async () => {
    const prompts: DeviceCodePrompt[] = [];
    const signIn = createSignIn(config({ method: 'deviceCode' }), { onDeviceCode: (p) => prompts.push(p) });
    await deviceCodeSignIn(signIn, prompts, C1);
    const again = await signIn.getTokenSilently({ claims: C1, forceRefresh: true });
    assert.deepEqual(acrsOf(again.token), ['c1']);
    assert.equal(prompts.length, 1, 'no second device code');
    assert.equal(idp.tokenRequests().at(-1)?.grantType, 'refresh_token');
  });

  it('client secret: a token that satisfied a claims challenge replaces the refused one in memory', async () => {
    const signIn = createSignIn(config({ method: 'clientSecret', clientId: SECRET_APP, clientSecret: 'sec-ret~value-0123456789' }));
    const refused = await signIn.getTokenSilently();
    assert.equal(acrsOf(refused.token), undefined);
    const satisfied = await signIn.getTokenSilently({ claims: C1, forceRefresh: true });
    assert.deepEqual(acrsOf(satisfied.token), ['c1']);
    assert.equal((await signIn.getTokenSilently()).token, satisfied.token, 'the next request does not get the refused token back');
  });

  it('the stand-in can refuse to satisfy claims: the sign-in succeeds, its token has no acrs', async () => {
    idp.setClaimsPolicy({ satisfiable: false });
    try {
      const signIn = createSignIn(config({ method: 'clientSecret', clientId: SECRET_APP, clientSecret: 'sec-ret~value-0123456789' }));
      const t = await signIn.getTokenSilently({ claims: C1 });
      assert.equal(acrsOf(t.token), undefined);
    } finally {
      idp.setClaimsPolicy({ satisfiable: true });
    }
  });

  it('interactive browser: the browser is opened on the authorize URL and the loopback redirect completes the sign-in', async () => {
    const browserLog = path.join(tmp, 'browser.log');
    process.env.FAKE_BROWSER_LOG = browserLog;
    const signIn = createSignIn(config({ method: 'interactiveBrowser' }));
    await assert.rejects(signIn.getTokenSilently(), (e: Error) => e.name === INTERACTION_REQUIRED);
    const t = await signIn.signIn();
    assert.equal(t.account.label, 'analyst@contoso.test');
    assert.equal(await listsSessions(t.token), 3);
    const opened = fs.readFileSync(browserLog, 'utf8').trim();
    assert.match(opened, new RegExp(`^${idp.url.replace(/[.]/g, '\\.')}/${TENANT}/oauth2/v2\\.0/authorize\\?`));
    assert.match(opened, /code_challenge=/);
  });

  it('interactive browser: a browser closed without signing in does not hold the sign-in: cancelling ends it', async () => {
    const browserLog = path.join(tmp, 'browser-closed.log');
    process.env.FAKE_BROWSER_LOG = browserLog;
    process.env.FAKE_BROWSER_CLOSED = '1';
    try {
      const signIn = createSignIn(config({ method: 'interactiveBrowser' }));
      const controller = new AbortController();
      const pending = signIn.signIn({ signal: controller.signal });
      while (!fs.existsSync(browserLog)) await new Promise((r) => setTimeout(r, 20));
      controller.abort();
      await assert.rejects(pending, (e: Error) => e.name === SIGN_IN_CANCELLED);
      await assert.rejects(signIn.getTokenSilently(), (e: Error) => e.name === INTERACTION_REQUIRED, 'not signed in');
    } finally {
      delete process.env.FAKE_BROWSER_CLOSED;
    }
  });

  it('Azure CLI: the token of `az account get-access-token` for Graph, with the tenant', async () => {
    const signIn = createSignIn(config({ method: 'azureCli', clientId: '', tenantId: '00000000-0000-4000-8000-00000000fe11' }));
    const t = await signIn.getTokenSilently();
    assert.equal(t.account.label, 'cli-user@contoso.test');
    assert.equal(await listsSessions(t.token), 3);
    const calls = fs.readFileSync(process.env.FAKE_AZ_LOG ?? '', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    const last = calls.at(-1) ?? [];
    assert.equal(last[last.indexOf('--resource') + 1], 'https://graph.microsoft.com');
    assert.equal(last[last.indexOf('--tenant') + 1], '00000000-0000-4000-8000-00000000fe11');
  });

  it('Azure CLI: not logged in is a clear error', async () => {
    process.env.FAKE_AZ_LOGGED_OUT = '1';
    try {
      const signIn = createSignIn(config({ method: 'azureCli', clientId: '' }));
      await assert.rejects(signIn.getTokenSilently(), /az login/);
    } finally {
      delete process.env.FAKE_AZ_LOGGED_OUT;
    }
  });

  it('reads the account from a token: user, app-only, opaque', () => {
    const jwt = (o: object): string => `e30.${Buffer.from(JSON.stringify(o)).toString('base64url')}.`;
    assert.deepEqual(accountFromToken(jwt({ upn: 'a@b.test', oid: 'o1', tid: 't1' })), { id: 'o1', label: 'a@b.test', tenantId: 't1' });
    assert.deepEqual(accountFromToken(jwt({ appid: 'app1', app_displayname: 'Bot', idtyp: 'app' })), { id: 'app1', label: 'Bot (app1)' });
    assert.equal(accountFromToken('opaque').label, 'Signed-in user');
  });
});
