// Conditional Access in the real extension host: Graph (the emulator, `requiredAcrs`) answers 401 with a claims
// challenge until a token carrying the authentication context arrives. The claims reach the sign-in of each
// method (VS Code's challenge-aware getSession; the `claims` of @azure/identity), the user reads what is asked,
// and a challenge a sign-in cannot satisfy ends in a clear message, not in a loop of sign-ins.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { identity, identityUrl } from '../support/identityControl';
import { api, emulator, graphRequests, reloadSessions, waitFor } from './helpers';

const PUBLIC_APP = 'aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa';
const SECRET_APP = 'bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb';
const TENANT = 'contoso.test';
const SECRET = 'Ca~host-secret-value-5521';
const SESSIONS = /\/workspaces\/default\/sessions$/;

const config = (section = 'securityCopilot'): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration(section);
const G = vscode.ConfigurationTarget.Global;

async function setSettings(values: Record<string, unknown>, section = 'securityCopilot'): Promise<void> {
  for (const [k, v] of Object.entries(values)) await config(section).update(k, v, G);
}

/** The tree's rows as the user reads them (label, and the tooltip a hover shows). */
function rows(a: ExtensionApi): { label: string; tooltip: string }[] {
  return a.tree.getChildren().map((n) => {
    const item = a.tree.getTreeItem(n);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const tooltip = typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
    return { label, tooltip };
  });
}

/** The stand-in provider's sessions, with their tokens' claims. */
async function providerSessions(): Promise<{ account: string; claims: { acrs?: string[] } }[]> {
  return vscode.commands.executeCommand('securityCopilotTestAuth.listSessions');
}

/** The statuses Graph (the emulator) answered the session list requests with, in order. */
async function sessionListStatuses(): Promise<number[]> {
  return (await graphRequests('GET', SESSIONS)).map((r) => r.status);
}

async function deviceCode(): Promise<{ userCode: string; claims?: string }> {
  const [code] = await waitFor('a device code at the stand-in', async () => {
    const codes = await identity.deviceCodes();
    return codes.length ? codes : undefined;
  });
  return code;
}

describe('Conditional Access claims challenges (in the extension host)', function () {
  this.timeout(90_000);
  let a: ExtensionApi;

  before(async () => {
    a = await api();
    await setSettings({ allowInsecureLoopback: true });
    await identity.registerApp({ clientId: PUBLIC_APP, displayName: 'Security Copilot for VS Code' });
    await identity.registerApp({ clientId: SECRET_APP, displayName: 'SOC automation', secret: SECRET });
  });

  beforeEach(async () => {
    await emulator.reset();
    await emulator.seed({ sessions: 3, promptsPerSession: 0 });
    await identity.clearRequests();
  });

  afterEach(async () => {
    await emulator.configure({ requiredAcrs: null });
    await identity.claimsPolicy({ satisfiable: true, refreshSatisfies: true });
  });

  after(async () => {
    await setSettings({ 'auth.method': undefined, 'auth.authorityHost': undefined, 'auth.clientId': undefined, 'auth.tenantId': undefined, allowInsecureLoopback: undefined });
    await setSettings({ challenges: undefined }, 'securityCopilotTestAuth');
    await a.copilot.secrets?.setClientSecret(undefined);
    a.copilot.engine.reset();
  });

  /** A fresh sign-in with the stand-in provider (a token of an earlier test may carry an authentication context). */
  async function freshVsCodeSignIn(): Promise<void> {
    await waitFor('the default method', () => a.copilot.auth.method === 'vscode');
    await vscode.commands.executeCommand('securityCopilotTestAuth.signOutAll');
    await waitFor('signed out', () => !a.copilot.auth.account);
    assert.equal(await vscode.commands.executeCommand('securityCopilot.signIn'), 'analyst@contoso.test');
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.status, 'loaded');
    assert.equal(a.copilot.engine.list.sessions.length, 3);
  }

  /** Graph starts asking for c1; a reload of the list fails and the tree says what is asked. */
  async function challengeStopsTheList(): Promise<void> {
    await emulator.configure({ requiredAcrs: 'c1' });
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.status, 'error');
    assert.equal(a.copilot.engine.signInNeeded, true, 'background work stopped');
    assert.match(a.copilot.auth.claimsChallenge ?? '', /"acrs".*"c1"/);
    const row = rows(a)[0];
    assert.equal(row.label, 'Your organization asks for an additional sign-in step. Sign in again');
    assert.match(row.tooltip, /Conditional Access policy asks for an additional sign-in step \(authentication context c1\)/);
    assert.ok((await sessionListStatuses()).includes(401), 'Graph answered with the challenge');
  }

  it('default method: the claims go to VS Code\'s challenge-aware getSession; the new token carries the context and Graph accepts it', async () => {
    await setSettings({ challenges: true }, 'securityCopilotTestAuth');
    await freshVsCodeSignIn();
    const before = await providerSessions();

    await challengeStopsTheList();
    // The silent challenge request found no session that satisfied c1: nobody was signed in behind the user's back.
    assert.deepEqual((await providerSessions()).map((s) => s.claims.acrs), before.map((s) => s.claims.acrs));

    await emulator.clearRequests();
    assert.equal(await vscode.commands.executeCommand('securityCopilot.signInAgain'), 'analyst@contoso.test');
    assert.ok((await providerSessions()).some((s) => s.claims.acrs?.includes('c1')), 'the provider got the claims and issued a token with acrs c1');
    await waitFor('the list to reload by itself', () => a.copilot.engine.list.status === 'loaded');
    assert.equal(a.copilot.engine.list.sessions.length, 3);
    assert.equal(a.copilot.auth.claimsChallenge, undefined);
    assert.deepEqual(await sessionListStatuses(), [200], 'Graph accepted the new token at once');
  });

  it('default method, a provider without challenge support: the sign-in falls back to the scopes; Graph still refuses and the user is told why, once', async () => {
    await setSettings({ challenges: false }, 'securityCopilotTestAuth');
    await freshVsCodeSignIn();

    await emulator.configure({ requiredAcrs: 'c1' });
    await reloadSessions(a);
    assert.equal(a.copilot.engine.signInNeeded, true);
    assert.match(rows(a)[0].tooltip, /authentication context c1/);

    assert.equal(await vscode.commands.executeCommand('securityCopilot.signInAgain'), 'analyst@contoso.test', 'the sign-in itself works');
    await waitFor('Graph to refuse the new token', () => a.copilot.auth.claimsMessage?.unsatisfied);
    await waitFor('the list to settle', () => a.copilot.engine.list.status === 'error' && a.copilot.engine.signInNeeded);
    const row = rows(a)[0];
    assert.equal(row.label, 'Conditional Access: your sign-in did not satisfy the policy');
    assert.match(row.tooltip, /sign-in provider "securitycopilot-test" does not accept Conditional Access claims/);
    const sessions = JSON.stringify(await providerSessions());

    // No loop: another reload asks Graph once and stops, and nothing signs in again by itself.
    await emulator.clearRequests();
    await reloadSessions(a);
    assert.deepEqual(await sessionListStatuses(), [401], 'one request, no refresh storm');
    assert.equal(JSON.stringify(await providerSessions()), sessions, 'no new sign-in');
    assert.equal(rows(a)[0].label, 'Conditional Access: your sign-in did not satisfy the policy');
    await setSettings({ challenges: undefined }, 'securityCopilotTestAuth');
  });

  it('a silent token request that never answers does not hold the list forever: it gives up with a message, and the next load works', async () => {
    await setSettings({ challenges: undefined }, 'securityCopilotTestAuth');
    // Tokens that expire within the reuse margin (5 min): every request asks the provider for one, so the
    // provider's silence is what the load meets (a token with longer to live is reused without asking).
    await setSettings({ tokenLifetimeSeconds: 120 }, 'securityCopilotTestAuth');
    const timeout = a.copilot.auth.silentTimeoutMs;
    try {
      await freshVsCodeSignIn();
      a.copilot.auth.silentTimeoutMs = 1_000;
      await setSettings({ silentDelayMs: 6_000 }, 'securityCopilotTestAuth');
      await reloadSessions(a);
      assert.equal(a.copilot.engine.list.status, 'error');
      assert.match(rows(a)[0].label, /did not answer within 1 s/);
    } finally {
      await setSettings({ silentDelayMs: undefined, tokenLifetimeSeconds: undefined }, 'securityCopilotTestAuth');
      a.copilot.auth.silentTimeoutMs = timeout;
    }
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.status, 'loaded', 'nothing stayed stuck on the abandoned request');
    assert.equal(a.copilot.engine.list.sessions.length, 3);
  });

  // Entra's documentation does not say whether a refresh token can satisfy the claims right after the sign-in
  // that met them; the stand-in answers either way, and the sign-in must work in both.
  for (const refreshSatisfies of [true, false]) {
    it(`device code: a background load never starts a sign-in; Sign In sends the claims with the device code, and the token of that sign-in is accepted (a refresh token ${refreshSatisfies ? 'can' : 'cannot'} satisfy claims)`, async () => {
      await identity.claimsPolicy({ refreshSatisfies });
      // A new sign-in for each run: another method in between drops the previous one (tokens live in memory).
      await setSettings({ 'auth.method': undefined });
      await waitFor('another method', () => a.copilot.auth.method === 'vscode');
      await setSettings({ 'auth.method': 'deviceCode', 'auth.authorityHost': identityUrl(), 'auth.clientId': PUBLIC_APP, 'auth.tenantId': TENANT });
      await waitFor('the method to apply', () => a.copilot.auth.method === 'deviceCode');
      const first = vscode.commands.executeCommand('securityCopilot.signIn');
      await identity.approve((await deviceCode()).userCode);
      assert.equal(await first, 'analyst@contoso.test');
      await reloadSessions(a);
      assert.equal(a.copilot.engine.list.sessions.length, 3);

      await identity.clearRequests();
      await challengeStopsTheList();
      assert.deepEqual(await identity.deviceCodes(), [], 'the background load did not start a device code sign-in');
      assert.deepEqual((await identity.requests()).map((r) => [r.grantType, r.status, /"c1"/.test(r.claims ?? '')]), [['refresh_token', 400, true]], 'tried silently with the claims first');

      await emulator.clearRequests();
      await identity.clearRequests();
      const signingIn = vscode.commands.executeCommand('securityCopilot.signInAgain');
      const code = await deviceCode();
      assert.match(code.claims ?? '', /"acrs".*"c1"/, 'the claims went to the device code request');
      await identity.approve(code.userCode);
      assert.equal(await signingIn, 'analyst@contoso.test');
      await waitFor('the list to reload by itself', () => a.copilot.engine.list.status === 'loaded');
      assert.equal(a.copilot.engine.list.sessions.length, 3);
      assert.deepEqual(await sessionListStatuses(), [200]);
      const grants = (await identity.requests()).filter((r) => r.status === 200).map((r) => r.grantType.replace(/.*:/, ''));
      assert.deepEqual(grants, ['device_code'], 'the token of the sign-in itself, no refresh with the claims afterwards');
    });
  }

  it('client secret: the app satisfies the challenge silently (the claims go to the client credentials request)', async () => {
    await a.copilot.secrets?.setClientSecret(SECRET);
    await setSettings({ 'auth.method': 'clientSecret', 'auth.authorityHost': identityUrl(), 'auth.clientId': SECRET_APP, 'auth.tenantId': TENANT });
    await waitFor('the method to apply', () => a.copilot.auth.method === 'clientSecret');
    await vscode.commands.executeCommand('securityCopilot.signIn');
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.sessions.length, 3);

    await emulator.configure({ requiredAcrs: 'c1' });
    await emulator.clearRequests();
    await identity.clearRequests();
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.status, 'loaded', String(a.copilot.engine.list.error));
    assert.equal(a.copilot.engine.signInNeeded, false);
    assert.deepEqual(await sessionListStatuses(), [401, 200], 'one challenge, then the token with the context');
    const requests = await identity.requests();
    assert.deepEqual(requests.map((r) => [r.grantType, r.status, /"c1"/.test(r.claims ?? '')]), [['client_credentials', 200, true]]);

    // The next load uses the token that satisfied the challenge, not the refused one.
    await emulator.clearRequests();
    await reloadSessions(a);
    assert.deepEqual(await sessionListStatuses(), [200]);
  });

  it('client secret, a policy the app cannot meet: one clear message after Sign in again, and no loop of sign-ins', async () => {
    await a.copilot.secrets?.setClientSecret(SECRET);
    await setSettings({ 'auth.method': 'clientSecret', 'auth.authorityHost': identityUrl(), 'auth.clientId': SECRET_APP, 'auth.tenantId': TENANT });
    await waitFor('the method to apply', () => a.copilot.auth.method === 'clientSecret');
    await vscode.commands.executeCommand('securityCopilot.signIn');
    await identity.claimsPolicy({ satisfiable: false });

    await emulator.configure({ requiredAcrs: 'c1' });
    await reloadSessions(a);
    assert.equal(a.copilot.engine.signInNeeded, true);
    assert.match(rows(a)[0].tooltip, /asks for an additional sign-in step \(authentication context c1\)/);

    await identity.clearRequests();
    assert.ok(await vscode.commands.executeCommand('securityCopilot.signInAgain'));
    await waitFor('Graph to refuse the new token', () => a.copilot.auth.claimsMessage?.unsatisfied);
    await waitFor('the list to settle', () => a.copilot.engine.list.status === 'error' && a.copilot.engine.signInNeeded);
    const row = rows(a)[0];
    assert.equal(row.label, 'Conditional Access: your sign-in did not satisfy the policy');
    assert.match(row.tooltip, /the new token does not satisfy your organization's Conditional Access policy/);
    const tokenRequests = (await identity.requests()).length;
    assert.equal(tokenRequests, 1, 'one token request for the one sign-in');

    await emulator.clearRequests();
    await reloadSessions(a);
    assert.deepEqual(await sessionListStatuses(), [401]);
    assert.equal((await identity.requests()).length, tokenRequests, 'no new token request and no new sign-in');
  });
});
