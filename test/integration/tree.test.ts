import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Node } from '../../src/views/sessionsTree';
import { api, emulator, graphRequests, reloadSessions, signIn, waitFor } from './helpers';

function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : item.label?.label ?? '';
}

describe('Sessions tree (in the extension host, against the emulator)', function () {
  this.timeout(60_000);

  before(async () => {
    await signIn();
  });

  beforeEach(async () => {
    await emulator.reset();
  });

  it('lists sessions newest first with names, relative times and tooltips; "Load more" follows nextLink', async () => {
    await emulator.seed({ sessions: 30, promptsPerSession: 1 });
    const a = await api();
    await reloadSessions(a);
    const state = a.copilot.engine.list;
    assert.equal(state.status, 'loaded');
    const pageSize = a.copilot.settings.pageSize;
    assert.equal(state.sessions.length, Math.min(30, pageSize));
    const created = state.sessions.map((s) => s.createdDateTime);
    assert.deepEqual(created, [...created].sort().reverse(), 'newest first');

    const rows = a.tree.getChildren();
    assert.equal(rows.at(-1)?.kind, 'loadMore');
    const first = a.tree.getTreeItem(rows[0]);
    assert.ok(label(first).length > 0);
    assert.match(String(first.tooltip), /ID: [0-9a-f-]{36}\nCreated: \d{4}-\d\d-\d\d/);
    assert.ok(first.description, 'relative time shown');
    assert.equal(first.contextValue, 'session');
    assert.deepEqual(first.command?.arguments, [(rows[0] as Node & { kind: 'session' }).sessionId]);

    // "Load more" uses the opaque nextLink Graph gave us.
    await emulator.clearRequests();
    await vscode.commands.executeCommand('securityCopilot.loadMoreSessions');
    await waitFor('the next page', () => a.copilot.engine.list.sessions.length === 30);
    const listCalls = await graphRequests('GET', /\/sessions$/);
    assert.equal(listCalls.length, 1);
    assert.match(listCalls[0].query, /skiptoken/i);
    assert.notEqual(a.tree.getChildren().at(-1)?.kind, 'loadMore', 'no more pages');
  });

  it('Refresh while "Load more" is reading: the replaced read stops, and "Load more" then reads the next page', async () => {
    await emulator.seed({ sessions: 30, promptsPerSession: 0 });
    const a = await api();
    await reloadSessions(a);
    const pageSize = a.copilot.settings.pageSize;
    assert.equal(a.copilot.engine.list.sessions.length, pageSize);
    await emulator.fault({ kind: 'delay', delayMs: 1500, count: 1, method: 'GET', path: 'skiptoken' });
    const more = Promise.resolve(vscode.commands.executeCommand('securityCopilot.loadMoreSessions'));
    await waitFor('the Load more read', async () => (await graphRequests('GET', /\/sessions$/)).some((r) => /skiptoken/i.test(r.query)));
    await vscode.commands.executeCommand('securityCopilot.refreshSessions');
    await more;
    assert.equal(a.copilot.engine.list.sessions.length, pageSize, 'the replaced Load more added nothing');
    assert.equal(a.tree.getChildren().at(-1)?.kind, 'loadMore');
    await vscode.commands.executeCommand('securityCopilot.loadMoreSessions');
    await waitFor('the next page', () => a.copilot.engine.list.sessions.length === 30);
    assert.notEqual(a.tree.getChildren().at(-1)?.kind, 'loadMore', 'no more pages');
  });

  it('shows sessions without a name as "Untitled session"', async () => {
    const a = await api();
    await emulator.seed({ sessions: 12, promptsPerSession: 0 });
    await reloadSessions(a);
    const untitled = a.copilot.engine.list.sessions.filter((s) => s.displayName === null);
    assert.ok(untitled.length > 0, 'the seed has sessions without a name');
    const node = a.tree.nodeFor(untitled[0].id);
    assert.equal(label(a.tree.getTreeItem(node)), 'Untitled session');
  });

  it('expands a session to its prompts, lazily', async () => {
    await emulator.seed({ sessions: 1, promptsPerSession: 3 });
    const a = await api();
    await reloadSessions(a);
    const session = a.copilot.engine.list.sessions[0];
    await emulator.clearRequests();
    const node = a.tree.nodeFor(session.id);
    const loading = a.tree.getChildren(node);
    assert.equal(loading.length, 1);
    assert.match(label(a.tree.getTreeItem(loading[0])), /Loading prompts/);
    const prompts = await waitFor('prompts', () => {
      const rows = a.tree.getChildren(node);
      return rows.every((r) => r.kind === 'prompt') && rows;
    });
    assert.equal(prompts.length, 3);
    assert.equal((await graphRequests('GET', /\/prompts$/)).length, 1);
  });

  it('turns a failing list into an error row with a retry action, never a thrown error', async () => {
    await emulator.seed({ sessions: 3, promptsPerSession: 0 });
    const a = await api();
    await emulator.fault({ kind: 'status', status: 500, count: 1, method: 'GET', path: '/sessions' });
    await reloadSessions(a);
    const rows = a.tree.getChildren();
    assert.equal(rows.length, 1);
    const item = a.tree.getTreeItem(rows[0]);
    assert.equal(item.contextValue, 'error');
    assert.match(label(item), /500|UnknownError|error/i);
    assert.match(label(item), /click to retry/);
    assert.equal(item.command?.command, 'securityCopilot.retryTreeLoad');

    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    await waitFor('the retried list', () => a.copilot.engine.list.status === 'loaded');
    assert.equal(a.tree.getChildren().length, 3);
  });

  it('retries a throttled list after Retry-After and shows the sessions', async () => {
    await emulator.seed({ sessions: 2, promptsPerSession: 0 });
    const a = await api();
    await emulator.clearRequests();
    await emulator.fault({ kind: 'status', status: 429, retryAfter: '0.3', count: 1, method: 'GET', path: '/sessions' });
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.status, 'loaded');
    assert.equal(a.copilot.engine.list.sessions.length, 2);
    const calls = await graphRequests('GET', /\/sessions$/);
    assert.deepEqual(calls.map((c) => c.status), [429, 200]);
  });

  it('a refused endpoint setting sends nothing', async () => {
    const a = await api();
    const config = vscode.workspace.getConfiguration('securityCopilot');
    const before = config.inspect<string>('graphEndpoint')?.globalValue;
    await emulator.clearRequests();
    try {
      await config.update('graphEndpoint', 'https://graph.evil.example', vscode.ConfigurationTarget.Global);
      await waitFor('settings to apply', () => !a.copilot.settings.endpoint.ok);
      assert.deepEqual(a.tree.getChildren(), []);
      await assert.rejects(async () => a.copilot.client, /not a Microsoft Graph host/);
    } finally {
      await config.update('graphEndpoint', before, vscode.ConfigurationTarget.Global);
      await waitFor('settings to be restored', () => a.copilot.settings.endpoint.ok);
    }
    assert.equal((await emulator.requests()).length, 0);
  });

  it('ignores a workspace-level endpoint: only user settings decide where tokens go', async () => {
    const a = await api();
    const config = vscode.workspace.getConfiguration('securityCopilot');
    // VS Code refuses to write an application-scoped setting to the workspace; either way it must not apply.
    try {
      await config.update('graphEndpoint', 'https://graph.evil.example', vscode.ConfigurationTarget.Workspace);
    } catch {
      // expected: "Unable to write ... application setting to workspace settings"
    }
    assert.equal(a.copilot.settings.endpoint.ok, true);
    assert.equal((a.copilot.settings.endpoint as { origin: string }).origin, new URL(emulator.url).origin);
  });
});

describe('Sign-in edge cases (in the extension host)', function () {
  this.timeout(60_000);

  beforeEach(async () => {
    await emulator.reset();
  });

  it('a 401 from Graph gets one fresh token, then the request succeeds', async () => {
    await signIn();
    await emulator.seed({ sessions: 2, promptsPerSession: 0 });
    const a = await api();
    await emulator.clearRequests();
    await emulator.fault({ kind: 'unauthorized', count: 1, method: 'GET', path: '/sessions' });
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.status, 'loaded', String(a.copilot.engine.list.error));
    const calls = await graphRequests('GET', /\/sessions$/);
    assert.deepEqual(calls.map((c) => c.status), [401, 200]);
  });

  it('Graph requests reuse the signed-in token instead of asking the sign-in provider for every request', async () => {
    // A new sign-in: a token with an hour to live (one issued by an earlier test may be about to expire).
    const a = await api();
    await vscode.commands.executeCommand('securityCopilotTestAuth.signOutAll');
    await waitFor('signed out', () => !a.copilot.auth.account);
    await signIn();
    await emulator.seed({ sessions: 2, promptsPerSession: 0 });
    await reloadSessions(a);
    const calls = () => vscode.commands.executeCommand<number>('securityCopilotTestAuth.getSessionsCalls');
    const before = await calls();
    await emulator.clearRequests();
    for (let i = 0; i < 5; i++) await reloadSessions(a);
    assert.equal(a.copilot.engine.list.status, 'loaded');
    const reads = await graphRequests('GET', /\/sessions$/);
    assert.equal(reads.length, 5);
    assert.ok(reads.every((r) => r.authorization === 'bearer' && r.status === 200));
    // One stray re-check (a session event of an earlier test) is allowed; asked per request it was 5 or more.
    assert.ok((await calls()) - before <= 1, `the provider was asked ${(await calls()) - before} times for 5 requests`);
  });

  it('signed out: the tree is empty (the welcome view offers Sign In) and nothing is sent', async () => {
    const a = await api();
    await vscode.commands.executeCommand('securityCopilotTestAuth.signOutAll');
    await waitFor('the sign-out to reach the extension', () => !a.copilot.auth.account);
    await emulator.clearRequests();
    await reloadSessions(a);
    assert.deepEqual(a.tree.getChildren(), []);
    assert.equal((a.copilot.engine.list.error as Error | undefined)?.name, 'SignedOutError');
    assert.equal((await emulator.requests()).length, 0);
    await signIn();
    await waitFor('the list after signing in again', () => a.copilot.engine.list.status === 'loaded');
  });
});
