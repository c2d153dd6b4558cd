// Faults in the real extension host: one representative row per operation of the fault matrix
// (test/unit/engine/faults.test.ts has every cell), through the real commands, tree and panel, against the
// emulator the runner started. Each row: what the user sees, recovery once the fault clears, exactly one create.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { SessionPanel } from '../../src/panels/sessionPanel';
import type { Node } from '../../src/views/sessionsTree';
import { api, closeAllEditors, emulator, reloadSessions, signIn, waitFor } from './helpers';

interface Listed {
  value: { id: string; displayName?: string | null; content?: string; state?: string }[];
}

/** What the service holds (read directly, not through the extension). */
const sessionsOnServer = async () => (await emulator.graph<Listed>('GET', 'sessions')).value;
const promptsOnServer = async (sessionId: string) => (await emulator.graph<Listed>('GET', `sessions/${sessionId}/prompts`)).value;
const evaluationsOnServer = async (sessionId: string, promptId: string) =>
  (await emulator.graph<Listed>('GET', `sessions/${sessionId}/prompts/${promptId}/evaluations`)).value;

function rowLabels(a: ExtensionApi, nodes: Node[] = a.tree.getChildren()): string[] {
  return nodes.map((n) => String(a.tree.getTreeItem(n).label));
}

/** Runs a command that asks for a name in an input box (pre-filled by the suggestion) and accepts the box. */
async function runAcceptingInput<T>(command: string, ...args: unknown[]): Promise<T | undefined> {
  let done = false;
  const run = Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)).finally(() => {
    done = true;
  });
  await waitFor(`${command} to finish`, async () => {
    if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    return done;
  });
  return run;
}

async function openPanel(a: ExtensionApi, id: string): Promise<SessionPanel> {
  await vscode.commands.executeCommand('securityCopilot.openSession', id);
  const panel = a.panels.get(id);
  assert.ok(panel, 'the panel opened');
  await waitFor('the session to load', () => panel.snapshot().session);
  return panel;
}

/** A session with one answered prompt, made directly in the emulator. */
async function answeredSession(name: string, content: string): Promise<{ sessionId: string; promptId: string }> {
  const sessionId = (await emulator.graph('POST', 'sessions', { displayName: name })).id;
  const promptId = (await emulator.graph('POST', `sessions/${sessionId}/prompts`, { type: 'prompt', content })).id;
  await emulator.graph('POST', `sessions/${sessionId}/prompts/${promptId}/evaluations`, {});
  return { sessionId, promptId };
}

describe('Faults (in the extension host)', function () {
  this.timeout(60_000);
  let a: ExtensionApi;

  before(async () => {
    await signIn();
    a = await api();
  });

  beforeEach(async () => {
    await closeAllEditors();
    await emulator.reset();
    await emulator.configure({ evaluation: { createdMs: 0, runningMs: 0 } });
  });

  afterEach(() => emulator.clearFaults());

  it('list: a 503 burst shows the error row with retry; Refresh recovers', async () => {
    await emulator.seed({ sessions: 2, promptsPerSession: 0 });
    await emulator.fault({ kind: 'status', status: 503, count: 1000, method: 'GET', path: '/sessions?' });
    await reloadSessions(a);
    const rows = a.tree.getChildren();
    assert.equal(rows.length, 1);
    const item = a.tree.getTreeItem(rows[0]);
    assert.match(String(item.label), /temporarily unavailable \(HTTP 503\).*Gave up after 4 attempts.*\(click to retry\)$/);
    assert.equal(item.contextValue, 'error');
    assert.equal(item.command?.command, 'securityCopilot.retryTreeLoad');
    assert.ok((await emulator.requestsMatching('GET', /\/sessions$/)).length >= 4, 'the reads were retried first');

    await emulator.clearFaults();
    await vscode.commands.executeCommand('securityCopilot.refreshSessions');
    await waitFor('the sessions', () => a.copilot.engine.list.status === 'loaded' && a.tree.getChildren().length === 2);
    assert.ok(rowLabels(a).every((l) => !/unavailable/.test(l)));
    assert.equal((await sessionsOnServer()).length, 2, 'nothing created');
  });

  it('list: 403 gives the clear permission message', async () => {
    await emulator.seed({ sessions: 1, promptsPerSession: 0 });
    await emulator.fault({ kind: 'status', status: 403, count: 1000, method: 'GET', path: '/sessions?' });
    await reloadSessions(a);
    const [label] = rowLabels(a);
    assert.match(label, /^Graph refused access \(403\)\. Your account needs a Security Copilot role \(at least Contributor\)/);
    assert.match(label, /SecurityCopilotWorkspaces\.ReadWrite\.All/);
    assert.equal((await emulator.requestsMatching('GET', /\/sessions$/)).length, 1, 'a 403 is not retried');
    await emulator.clearFaults();
    await vscode.commands.executeCommand('securityCopilot.refreshSessions');
    await waitFor('the session', () => a.copilot.engine.list.status === 'loaded' && a.tree.getChildren().length === 1);
  });

  it('open: answers throttled past the retries say so on the prompt; Retry shows them, nothing is started', async () => {
    const { sessionId, promptId } = await answeredSession('Throttled answers', 'Who signed in from 203.0.113.7?');
    await emulator.fault({ kind: 'status', status: 429, retryAfter: '0.1', count: 1000, method: 'GET', path: '/evaluations' });
    await vscode.commands.executeCommand('securityCopilot.openSession', sessionId);
    const panel = a.panels.get(sessionId)!;
    const failed = await waitFor('the prompt to say its answers could not be loaded', () => panel.snapshot().prompts.find((p) => p.error));
    assert.match(failed.error!, /^Could not load the answers: Microsoft Graph is throttling requests\. Gave up after 4 attempts\. Try again in 0\.1 s\./);
    assert.equal(failed.evaluations, null, 'never "Not evaluated yet"');

    await emulator.clearFaults();
    await panel.receive({ type: 'retryFollow', promptId });
    const shown = await waitFor('the answer', () => panel.snapshot().prompts.find((p) => p.evaluations?.length === 1 && !p.error));
    assert.equal(shown.evaluations![0].outcome?.kind, 'success');
    assert.equal((await evaluationsOnServer(sessionId, promptId)).length, 1, 'no evaluation started');
  });

  it('create session: a lost response creates exactly one session, and the tree and a panel show it', async () => {
    await reloadSessions(a);
    await emulator.fault({ kind: 'status', status: 504, afterProcessing: true, method: 'POST', path: '/sessions' });
    const id = await runAcceptingInput<string>('securityCopilot.createSession', 'Lost create response');
    assert.ok(id, 'the command ended with the session (no error)');
    assert.deepEqual((await sessionsOnServer()).map((s) => s.displayName), ['Lost create response'], 'exactly one session');
    assert.equal((await emulator.requestsMatching('POST', /\/sessions$/)).length, 1, 'one POST');
    assert.deepEqual(rowLabels(a), ['Lost create response']);
    assert.ok(a.panels.get(id), 'its panel opened');
    await waitFor('the panel to show it', () => a.panels.get(id)?.snapshot().session?.displayName === 'Lost create response');
  });

  it('create session: a connection dropped before the work is reported; creating again makes exactly one', async () => {
    await reloadSessions(a);
    await emulator.fault({ kind: 'drop', method: 'POST', path: '/sessions' });
    assert.equal(await runAcceptingInput<string>('securityCopilot.createSession', 'Dropped create'), undefined, 'the command failed (with an error notification)');
    assert.deepEqual(await sessionsOnServer(), []);
    const id = await runAcceptingInput<string>('securityCopilot.createSession', 'Dropped create');
    assert.ok(id);
    assert.deepEqual((await sessionsOnServer()).map((s) => s.displayName), ['Dropped create'], 'exactly one session');
    assert.deepEqual(rowLabels(a), ['Dropped create']);
  });

  it('rename: a lost response is checked on the session; the tree and the panel show the new name', async () => {
    const id = (await emulator.graph('POST', 'sessions', { displayName: 'Before the rename' })).id;
    await reloadSessions(a);
    const panel = await openPanel(a, id);
    await emulator.fault({ kind: 'drop', midResponse: true, method: 'PATCH', path: `/sessions/${id}` });
    assert.equal(await runAcceptingInput<string>('securityCopilot.renameSession', id, 'After the rename'), id, 'the rename succeeded');
    assert.deepEqual((await sessionsOnServer()).map((s) => s.displayName), ['After the rename']);
    assert.equal(String(a.tree.getTreeItem(a.tree.nodeFor(id)).label), 'After the rename');
    await waitFor('the panel title', () => panel.panel.title === 'After the rename');
    assert.equal((await emulator.requestsMatching('PATCH', /\/sessions\//)).length, 1, 'one PATCH');
  });

  it('submit: malformed JSON from the prompt POST (created anyway) gives exactly one prompt and one evaluation', async () => {
    const id = (await emulator.graph('POST', 'sessions', { displayName: 'Garbled send' })).id;
    const panel = await openPanel(a, id);
    await emulator.fault({ kind: 'malformed', method: 'POST', path: '/prompts' });
    await panel.receive({ type: 'sendPrompt', content: 'Which hosts ran the script?' });
    const answered = await waitFor('the answer', () => panel.snapshot().prompts.find((p) => p.evaluations?.at(-1)?.outcome && p.follow === 'idle'));
    assert.equal(answered.evaluations!.at(-1)!.outcome!.kind, 'success');
    assert.equal(panel.snapshot().sendError, undefined, 'no send error');
    const prompts = await promptsOnServer(id);
    assert.deepEqual(prompts.map((p) => p.content), ['Which hosts ran the script?'], 'exactly one prompt');
    assert.equal((await evaluationsOnServer(id, prompts[0].id)).length, 1, 'exactly one evaluation');
    assert.equal((await emulator.requestsMatching('POST', /\/prompts$/)).length, 1);
  });

  it('create evaluation: a 503 before the work says so with Retry; Retry starts exactly one', async () => {
    const { sessionId, promptId } = await answeredSession('Re-run outage', 'Summarize the alert');
    const panel = await openPanel(a, sessionId);
    await waitFor('the answer', () => panel.snapshot().prompts[0]?.evaluations?.length === 1);
    await emulator.fault({ kind: 'status', status: 503, count: 1000, method: 'POST', path: '/evaluations' });
    await panel.receive({ type: 'rerun', promptId });
    const failed = await waitFor('the prompt error', () => panel.snapshot().prompts[0]?.error);
    assert.match(failed, /shows no run of this prompt after the failure \(.*HTTP 503.*\)\. Retry checks again and starts it only if there is none\./);
    assert.equal(String(a.tree.getTreeItem(a.tree.getChildren(a.tree.nodeFor(sessionId))[0]).description), 'Needs attention');

    await emulator.clearFaults();
    await panel.receive({ type: 'retryFollow', promptId });
    await waitFor('the second answer', () => panel.snapshot().prompts[0]?.evaluations?.length === 2 && panel.snapshot().prompts[0].follow === 'idle');
    assert.equal(panel.snapshot().prompts[0].error, undefined);
    assert.equal((await evaluationsOnServer(sessionId, promptId)).length, 2, 'the first answer and exactly one re-run');
  });

  it('polling: failing reads show a note on the running prompt; the answer arrives once they recover', async () => {
    const id = (await emulator.graph('POST', 'sessions', { displayName: 'Polling outage' })).id;
    await emulator.answer({ content: 'Two hosts ran it.', createdMs: 0, runningMs: 1000 });
    const panel = await openPanel(a, id);
    await emulator.fault({ kind: 'status', status: 504, count: 1000, method: 'GET', path: '/evaluations/' });
    await panel.receive({ type: 'sendPrompt', content: 'Which hosts ran the script?' });
    const following = await waitFor('the note', () => panel.snapshot().prompts.find((p) => p.follow === 'following' && p.note));
    assert.match(following.note!, /^Could not read the evaluation \(Graph returned HTTP 504\); checking again in \d+ s\.$/);

    await emulator.clearFaults();
    const done = await waitFor('the answer', () => panel.snapshot().prompts.find((p) => p.follow === 'idle' && p.evaluations?.at(-1)?.outcome), 30_000);
    assert.equal(done.evaluations!.at(-1)!.content, 'Two hosts ran it.');
    assert.equal(done.note, undefined, 'the note is gone');
    const prompts = await promptsOnServer(id);
    assert.equal(prompts.length, 1);
    assert.equal((await evaluationsOnServer(id, prompts[0].id)).length, 1, 'polling never starts an evaluation');
  });
});
