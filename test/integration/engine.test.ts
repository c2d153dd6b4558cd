// The engine's promises inside the real extension host: views stay current, sign-in never surprises, odd data
// never blanks a view, ids are case-insensitive.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { Node } from '../../src/views/sessionsTree';
import { api, closeAllEditors, emulator, graphRequests, reloadSessions, signIn, waitFor } from './helpers';

const createSession = (name: string) => emulator.graph('POST', 'sessions', { displayName: name });
const createPrompt = (sessionId: string, content: string) => emulator.graph('POST', `sessions/${sessionId}/prompts`, { type: 'prompt', content });

async function testAuthSessions(): Promise<number> {
  const list = await vscode.commands.executeCommand<unknown[]>('securityCopilotTestAuth.listSessions');
  return list.length;
}

function labels(a: ExtensionApi, nodes: Node[]): string[] {
  return nodes.map((n) => String(a.tree.getTreeItem(n).label));
}

function sessionNode(a: ExtensionApi, id: string): Node {
  return a.tree.nodeFor(id);
}

describe('Engine in the extension host', function () {
  this.timeout(60_000);
  let a: ExtensionApi;

  before(async () => {
    await signIn();
    a = await api();
  });

  beforeEach(async () => {
    await closeAllEditors();
    await emulator.reset();
    await emulator.configure({ evaluation: { createdMs: 100, runningMs: 500 } });
  });

  it('the tree shows a prompt sent from a panel without Refresh, running then answered', async () => {
    const { id } = await createSession('Tree follows the panel');
    await reloadSessions(a);
    const node = sessionNode(a, id);
    a.tree.getChildren(node);
    await waitFor('the empty prompt list', () => labels(a, a.tree.getChildren(node)).includes('No prompts yet'));
    await emulator.answer({ match: 'visible', content: 'ok', runningMs: 1500, once: true });
    await vscode.commands.executeCommand('securityCopilot.openSession', id);
    const panel = a.panels.get(id)!;
    await waitFor('the panel', () => panel.snapshot().session);
    await panel.receive({ type: 'sendPrompt', content: 'visible in the tree?' });
    const row = await waitFor('the prompt row', () => a.tree.getChildren(node).find((n) => n.kind === 'prompt'));
    const running = a.tree.getTreeItem(row);
    assert.equal(running.label, 'visible in the tree?');
    assert.match(String((running.iconPath as vscode.ThemeIcon).id), /loading/);
    await waitFor('the answered row', () => !/loading/.test(String((a.tree.getTreeItem(row).iconPath as vscode.ThemeIcon).id)));
  });

  it('Refresh during a prompt load: the load it replaced does not write old data back', async () => {
    const { id } = await createSession('Refresh race');
    await createPrompt(id, 'first prompt');
    await reloadSessions(a);
    const node = sessionNode(a, id);
    // The first load's answer is computed now but arrives late; a prompt is added meanwhile; Refresh reloads.
    await emulator.fault({ kind: 'delay', afterProcessing: true, delayMs: 1500, method: 'GET', path: `/sessions/${id}/prompts` });
    a.tree.getChildren(node);
    await waitFor('the slow load to be on its way', async () => (await graphRequests('GET', /\/prompts$/)).length === 1);
    await createPrompt(id, 'second prompt');
    await a.tree.refresh();
    a.tree.getChildren(sessionNode(a, id));
    await waitFor('both prompts', () => labels(a, a.tree.getChildren(sessionNode(a, id))).includes('second prompt'));
    // Let the stale answer land, then check it changed nothing.
    await waitFor('the stale answer to arrive', async () => (await emulator.requests()).some((r) => r.fault === 'delay' && r.status === 200));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(labels(a, a.tree.getChildren(sessionNode(a, id))), ['first prompt', 'second prompt']);
  });

  it('one unreadable session in a page is left out and counted; the others show', async () => {
    await createSession('Readable one');
    await createSession('Readable two');
    await createSession('Odd one');
    await emulator.fault({ kind: 'oddItem', method: 'GET', path: '/sessions' });
    await reloadSessions(a);
    const rows = labels(a, a.tree.getChildren());
    assert.equal(a.copilot.engine.list.sessions.length, 2);
    assert.ok(rows.includes('1 session could not be read'), rows.join(' | '));
  });

  it('an upper-case session id opens the same panel (one panel, one follower)', async () => {
    const { id } = await createSession('Case of the id');
    await vscode.commands.executeCommand('securityCopilot.openSession', id);
    await vscode.commands.executeCommand('securityCopilot.openSession', id.toUpperCase());
    assert.equal(a.panels.openSessionIds.length, 1);
    assert.equal(a.panels.get(id.toUpperCase()), a.panels.get(id));
  });

  it('a 401 in the background never prompts: everything stops and says "Sign in again"; the button resumes', async () => {
    await emulator.seed({ sessions: 2, promptsPerSession: 0 });
    await reloadSessions(a);
    const before = await testAuthSessions();
    await emulator.fault({ kind: 'unauthorized', count: 50 });
    await reloadSessions(a);
    assert.equal(a.copilot.engine.signInNeeded, true);
    assert.equal(await testAuthSessions(), before, 'no interactive sign-in happened');
    const rows = labels(a, a.tree.getChildren());
    assert.ok(rows.some((l) => /Sign in again/.test(l)), rows.join(' | '));
    await emulator.clearFaults();
    await vscode.commands.executeCommand('securityCopilot.signInAgain');
    await waitFor('work to resume', () => !a.copilot.engine.signInNeeded);
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.status, 'loaded');
    assert.equal(a.copilot.engine.list.sessions.length, 2);
  });

  it('after an account change, nothing of the previous account stays: followers stop, panels reload', async () => {
    const { id } = await createSession('Account switch');
    await emulator.answer({ match: 'long', content: 'late', runningMs: 10_000, once: true });
    await vscode.commands.executeCommand('securityCopilot.openSession', id);
    const panel = a.panels.get(id)!;
    await waitFor('the panel', () => panel.snapshot().session);
    await panel.receive({ type: 'sendPrompt', content: 'a long question' });
    await waitFor('following', () => a.copilot.engine.activeFollowers === 1);
    const config = vscode.workspace.getConfiguration('securityCopilotTestAuth');
    await vscode.commands.executeCommand('securityCopilotTestAuth.signOutAll');
    await waitFor('signed out', () => !a.copilot.auth.account);
    assert.equal(a.copilot.engine.activeFollowers, 0, 'sign-out stops every follower');
    assert.deepEqual(a.copilot.engine.detail(id)?.prompts ?? [], [], 'the old prompts are gone');
    await waitFor('the panel to say sign-in is needed', () => panel.snapshot().loadError && panel.snapshot().prompts.length === 0);
    await config.update('defaultAccount', 'responder@contoso.test', vscode.ConfigurationTarget.Global);
    try {
      await signIn();
      assert.equal(a.copilot.auth.account?.label, 'responder@contoso.test');
      await waitFor('the panel reloaded for the new account', () => panel.snapshot().prompts.length === 1 && !panel.snapshot().loadError);
    } finally {
      await config.update('defaultAccount', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('securityCopilotTestAuth.signOutAll');
      await signIn();
    }
  });
});
