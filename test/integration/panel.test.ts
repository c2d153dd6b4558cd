import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EvaluationResultType } from '../../emulator/index';
import type { ExtensionApi } from '../../src/extension';
import type { SessionPanel } from '../../src/panels/sessionPanel';
import type { PromptView } from '../../src/shared/protocol';
import { api, closeAllEditors, emulator, graphRequests, reloadSessions, signIn, waitFor } from './helpers';

async function createSessionOnServer(name: string): Promise<string> {
  return (await emulator.graph('POST', 'sessions', { displayName: name })).id;
}

/** The prompt's evaluations as the service has them (read directly, not through the extension). */
async function serverEvaluations(sessionId: string, promptId: string): Promise<{ id: string; state: string }[]> {
  return (await emulator.graph<{ value: { id: string; state: string }[] }>('GET', `sessions/${sessionId}/prompts/${promptId}/evaluations`)).value;
}

async function openPanel(a: ExtensionApi, id: string): Promise<SessionPanel> {
  await vscode.commands.executeCommand('securityCopilot.openSession', id);
  const panel = a.panels.get(id);
  assert.ok(panel, 'panel opened');
  await waitFor('the session to load', () => panel.snapshot().session);
  return panel;
}

function promptById(panel: SessionPanel, id: string): PromptView | undefined {
  return panel.snapshot().prompts.find((p) => p.id === id);
}

async function sendAndWait(panel: SessionPanel, content: string, timeoutMs = 15_000): Promise<PromptView> {
  const before = panel.snapshot().prompts.length;
  await panel.receive({ type: 'sendPrompt', content });
  const created = await waitFor('the new prompt', () => panel.snapshot().prompts.length === before + 1 && panel.snapshot().prompts.at(-1));
  return waitFor(
    'the evaluation to finish',
    () => {
      const p = promptById(panel, created.id);
      return p && p.follow === 'idle' && p.evaluations?.at(-1)?.outcome ? p : undefined;
    },
    timeoutMs,
  );
}

describe('Session panel (host side, in the extension host)', function () {
  this.timeout(60_000);
  let a: ExtensionApi;

  before(async () => {
    await signIn();
    a = await api();
  });

  beforeEach(async () => {
    await closeAllEditors();
    await emulator.reset();
    await emulator.configure({ evaluation: { createdMs: 150, runningMs: 600 } });
  });

  it('opens one panel per session, titled with its name, with prompts and their latest answers', async () => {
    await emulator.seed({ sessions: 1, promptsPerSession: 3 });
    await reloadSessions(a);
    const session = a.copilot.engine.list.sessions[0];
    const panel = await openPanel(a, session.id);
    assert.equal(panel.panel.title, session.displayName ?? 'Untitled session');
    const prompts = await waitFor('answers', () => {
      const ps = panel.snapshot().prompts;
      return ps.length === 3 && ps.every((p) => p.evaluations?.length) && ps;
    });
    for (const p of prompts) {
      assert.equal(p.evaluations!.at(-1)!.state, 'completed');
      assert.ok(p.evaluations!.at(-1)!.content, 'answer content');
    }
    await vscode.commands.executeCommand('securityCopilot.openSession', session.id);
    assert.equal(a.panels.openSessionIds.filter((id) => id === session.id).length, 1, 'the same panel is revealed');
  });

  it('sends a prompt: one prompt, one evaluation, polled until the answer arrives', async () => {
    const id = await createSessionOnServer('Send path');
    await emulator.answer({ match: 'failed sign-ins', content: '## Findings\n\n| User | Count |\n|---|---|\n| j.doe | 42 |' });
    const panel = await openPanel(a, id);
    await emulator.clearRequests();
    const p = await sendAndWait(panel, '  Summarize failed sign-ins for j.doe  ');
    assert.equal(p.content, 'Summarize failed sign-ins for j.doe', 'trimmed');
    const last = p.evaluations!.at(-1)!;
    assert.equal(last.outcome?.kind, 'success');
    assert.match(last.content ?? '', /j\.doe \| 42/);
    const promptPosts = await graphRequests('POST', /\/prompts$/);
    const evalPosts = await graphRequests('POST', /\/evaluations$/);
    assert.equal(promptPosts.length, 1);
    assert.deepEqual(promptPosts[0].body, { '@odata.type': '#microsoft.graph.security.securityCopilot.prompt', type: 'prompt', content: 'Summarize failed sign-ins for j.doe' });
    assert.equal(evalPosts.length, 1);
    assert.deepEqual(evalPosts[0].body, {});
    const polls = await graphRequests('GET', /\/evaluations\/[^/]+$/);
    assert.ok(polls.length >= 1 && polls.length <= 4, `polled ${polls.length} times for a ~0.75 s evaluation`);
  });

  it('Stop stops following (no more polls); Resume reads it again; Re-run then creates one new evaluation', async () => {
    const id = await createSessionOnServer('Stop and re-run');
    await emulator.answer({ match: 'slow', content: 'done slowly', runningMs: 3000, once: true });
    const panel = await openPanel(a, id);
    await panel.receive({ type: 'sendPrompt', content: 'a slow question' });
    const prompt = await waitFor('following', () => panel.snapshot().prompts.find((p) => p.follow === 'following' && p.evaluations?.length));
    await panel.receive({ type: 'stop', promptId: prompt.id });
    assert.equal(promptById(panel, prompt.id)?.follow, 'stopped');
    await emulator.clearRequests();
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await graphRequests('GET', /\/evaluations/)).length, 0, 'no polling after Stop');

    // Re-run of an evaluation that may still be running does not start a second (billed) run: it resumes.
    await waitFor('the evaluation to end on the service', async () => (await serverEvaluations(id, prompt.id)).every((e) => e.state === 'completed'));
    await panel.receive({ type: 'retryFollow', promptId: prompt.id });
    await waitFor('the first answer', () => promptById(panel, prompt.id)?.evaluations?.at(-1)?.outcome?.kind === 'success');
    assert.equal((await graphRequests('POST', /\/evaluations$/)).length, 0, 'Resume creates nothing');

    await emulator.clearRequests();
    await panel.receive({ type: 'rerun', promptId: prompt.id });
    const rerun = await waitFor('the re-run answer', () => {
      const p = promptById(panel, prompt.id);
      return p && p.evaluations?.length === 2 && p.follow === 'idle' ? p : undefined;
    });
    assert.equal((await graphRequests('POST', /\/prompts$/)).length, 0, 're-run creates no prompt');
    assert.equal((await graphRequests('POST', /\/evaluations$/)).length, 1);
    assert.equal(rerun.evaluations!.at(-1)!.outcome?.kind, 'success');
  });

  it('keeps following when the panel closes, with one follower, and stops reading once the answer arrived', async () => {
    const id = await createSessionOnServer('Closed while running');
    await emulator.answer({ match: 'long', content: 'late answer', runningMs: 2500, once: true });
    const panel = await openPanel(a, id);
    // Followers of other suites' evaluations may still run in this window: count this one's.
    const others = a.copilot.engine.activeFollowers;
    await panel.receive({ type: 'sendPrompt', content: 'a long question' });
    const prompt = await waitFor('following', () => panel.snapshot().prompts.find((p) => p.follow === 'following' && p.evaluations?.length));
    const finished = new Promise<{ awaited: boolean }>((resolve) => {
      const sub = a.copilot.engine.onDidFinish((e) => {
        if (e.promptId === prompt.id) {
          sub.dispose();
          resolve(e);
        }
      });
    });
    panel.panel.dispose();
    assert.equal(a.panels.get(id), undefined);
    // Reopening while it runs must not start a second follower.
    const again = await openPanel(a, id);
    again.panel.dispose();
    assert.ok(a.copilot.engine.activeFollowers <= others + 1, `${a.copilot.engine.activeFollowers - others} followers for one evaluation`);
    const event = await finished;
    assert.equal(event.awaited, false, 'nobody waited: the user is told by a notification');
    assert.equal(a.copilot.engine.prompt(id, prompt.id)?.evaluations?.at(-1)?.result?.content, 'late answer');
    await emulator.clearRequests();
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await graphRequests('GET', /\/evaluations/)).length, 0, 'no reads after the answer arrived');
  });

  it('explains each non-success result and offers the right action', async () => {
    const id = await createSessionOnServer('Outcomes');
    const panel = await openPanel(a, id);
    const expected: Record<string, { message: RegExp; actions: string[] }> = {
      error: { message: /error|failed/i, actions: ['retry'] },
      rejected: { message: /reject|declin|rephrase/i, actions: [] },
      timedOut: { message: /time/i, actions: ['retry'] },
      capacityExceeded: { message: /capacity/i, actions: ['retry'] },
      needAdditionalClaims: { message: /sign in again|claims/i, actions: ['signIn'] },
    };
    for (const [type, want] of Object.entries(expected) as [EvaluationResultType, (typeof expected)[string]][]) {
      await emulator.answer({ match: `case-${type}`, type, content: `emulated ${type}` });
      const p = await sendAndWait(panel, `case-${type}`);
      const outcome = p.evaluations!.at(-1)!.outcome!;
      assert.equal(outcome.kind, type);
      assert.match(outcome.message, want.message, type);
      assert.deepEqual(outcome.actions, want.actions, type);
    }
  });

  it('waits for Retry-After when polling is throttled', async () => {
    const id = await createSessionOnServer('Throttled polling');
    const panel = await openPanel(a, id);
    await emulator.clearRequests();
    await emulator.fault({ kind: 'status', status: 429, retryAfter: '1.5', count: 1, method: 'GET', path: '/evaluations/' });
    const p = await sendAndWait(panel, 'throttle me', 20_000);
    assert.equal(p.evaluations!.at(-1)!.outcome?.kind, 'success');
    const polls = (await emulator.requests()).filter((r) => r.method === 'GET' && /\/evaluations\/[^/]+$/.test(r.path));
    const throttled = polls.findIndex((r) => r.status === 429);
    assert.ok(throttled >= 0, 'the emulator throttled a poll');
    const gap = Date.parse(polls[throttled + 1].time) - Date.parse(polls[throttled].time);
    assert.ok(gap >= 1400, `next poll came ${gap} ms after the 429 (Retry-After 1.5 s)`);
    assert.ok(polls.length <= 6, `${polls.length} polls`);
  });

  it('a failed send says why and never creates a second prompt', async () => {
    const id = await createSessionOnServer('Failed send');
    const panel = await openPanel(a, id);
    await emulator.clearRequests();
    await emulator.fault({ kind: 'status', status: 503, count: 1, method: 'POST', path: '/prompts' });
    await panel.receive({ type: 'sendPrompt', content: 'will this be created twice?' });
    await waitFor('the send error', () => panel.snapshot().sendError);
    assert.equal((await graphRequests('POST', /\/prompts$/)).length, 1, 'no blind retry of a POST');
    assert.equal(panel.snapshot().prompts.length, 0);

    await emulator.clearRequests();
    await emulator.fault({ kind: 'drop', afterProcessing: true, count: 1, method: 'POST', path: '/prompts' });
    await panel.receive({ type: 'sendPrompt', content: 'ambiguous create' });
    // The service created it: the engine finds it by a re-read and continues with it, never a second POST.
    const found = await waitFor('the found prompt answered', () => panel.snapshot().prompts.find((p) => p.content === 'ambiguous create' && p.evaluations?.at(-1)?.outcome));
    assert.equal(found.evaluations!.at(-1)!.outcome!.kind, 'success');
    assert.equal(panel.snapshot().sendError, undefined);
    assert.equal((await graphRequests('POST', /\/prompts$/)).length, 1);
    assert.equal((await graphRequests('POST', /\/evaluations$/)).length, 1);
  });

  it('bad input and malformed messages send nothing', async () => {
    const id = await createSessionOnServer('Bad input');
    const panel = await openPanel(a, id);
    await emulator.clearRequests();
    await panel.receive({ type: 'sendPrompt', content: '   \n  ' });
    assert.match(panel.snapshot().sendError ?? '', /empty/i);
    await panel.receive({ type: 'sendPrompt', content: 'x'.repeat(16_001) });
    assert.match(panel.snapshot().sendError ?? '', /too long/i);
    await panel.receive({ type: 'sendPrompt' });
    await panel.receive({ type: 'rerun', promptId: 42 });
    await panel.receive('sendPrompt');
    assert.equal((await emulator.requests()).length, 0);
  });

  it('shows a clear error for a session that does not exist', async () => {
    await vscode.commands.executeCommand('securityCopilot.openSession', '00000000-0000-4000-8000-000000000000');
    const panel = a.panels.get('00000000-0000-4000-8000-000000000000')!;
    const error = await waitFor('the load error', () => panel.snapshot().loadError);
    assert.match(error, /not found|doesn't exist|does not exist|404/i);
  });

  it('refuses an invalid session id before any request', async () => {
    await emulator.clearRequests();
    await vscode.commands.executeCommand('securityCopilot.openSession', '../sessions?x=1');
    assert.equal(a.panels.get('../sessions?x=1'), undefined);
    assert.equal((await emulator.requests()).length, 0);
  });

  it('opens a KQL block in an editor and copies answers', async () => {
    const id = await createSessionOnServer('Editor hand-off');
    const panel = await openPanel(a, id);
    await panel.receive({ type: 'openInEditor', code: 'SigninLogs | take 10\n', language: 'kql' });
    const editor = await waitFor('the query editor', () => vscode.window.activeTextEditor?.document.getText() === 'SigninLogs | take 10\n' && vscode.window.activeTextEditor);
    assert.equal(editor.document.isUntitled, true);
    await panel.receive({ type: 'copyText', text: '## Answer', what: 'answer' });
    assert.equal(await vscode.env.clipboard.readText(), '## Answer');
  });
});

describe('Permissions (in the extension host)', function () {
  this.timeout(60_000);

  it('with a read-only token, reading works and a send explains the missing role and permission', async () => {
    await signIn();
    const a = await api();
    await emulator.reset();
    const id = await createSessionOnServer('Read-only analyst');
    const auth = vscode.workspace.getConfiguration('securityCopilotTestAuth');
    await auth.update('tokenScopes', ['SecurityCopilotWorkspaces.Read.All'], vscode.ConfigurationTarget.Global);
    try {
      await new Promise((r) => setTimeout(r, 500)); // the stand-in re-issues its tokens on the setting change
      const panel = await openPanel(a, id);
      await emulator.clearRequests();
      await panel.receive({ type: 'sendPrompt', content: 'Can I write?' });
      const message = await waitFor('the send error', () => panel.snapshot().sendError);
      assert.match(message, /403/);
      assert.match(message, /Security Copilot role/);
      assert.match(message, /SecurityCopilotWorkspaces\.ReadWrite\.All/);
      const posts = await graphRequests('POST', /\/prompts$/);
      assert.deepEqual(posts.map((p) => p.status), [403], 'one attempt, refused, not retried');
      assert.equal(panel.snapshot().session?.displayName, 'Read-only analyst', 'reading still works');
    } finally {
      await auth.update('tokenScopes', undefined, vscode.ConfigurationTarget.Global);
      await closeAllEditors();
    }
  });
});

describe('Session panel message boundary (in the extension host)', function () {
  this.timeout(60_000);
  let a: ExtensionApi;

  before(async () => {
    await signIn();
    a = await api();
  });

  it('acts on nothing a panel does not show, and on nothing malformed', async () => {
    await closeAllEditors();
    await emulator.reset();
    await emulator.configure({ evaluation: { createdMs: 0, runningMs: 0 } });
    const mine = await createSessionOnServer('Boundary: mine');
    const other = await createSessionOnServer('Boundary: other');
    const otherPrompt = (await emulator.graph('POST', `sessions/${other}/prompts`, { type: 'prompt', content: 'not in this panel' })).id;
    // The other session is known to the engine (as if another panel had opened it).
    await a.copilot.engine.loadSession(other, { evaluations: true });
    const panel = await openPanel(a, mine);
    await emulator.clearRequests();
    const hostile: unknown[] = [
      { type: 'rerun', promptId: otherPrompt }, // a prompt of another session
      { type: 'cancel', promptId: otherPrompt },
      { type: 'retryFollow', promptId: '00000000-0000-0000-0000-000000000000' }, // unknown id
      { type: 'stop', promptId: '../../evaluations' },
      { type: 'rerun', promptId: 42 }, // wrong field type
      { type: 'executeCommand', command: 'workbench.action.terminal.new' }, // not in the protocol
      { type: 'sendPrompt', content: 'x'.repeat(200_001) }, // oversized
      { type: 'copyText', text: 'x', what: 'token' }, // bad enum
      null,
      'rerun',
      { type: 'openInEditor', code: 1, language: 'kql' },
    ];
    for (const m of hostile) await panel.receive(m);
    assert.equal((await emulator.requests()).length, 0, 'no Graph request for any of them');
    assert.equal(a.copilot.engine.prompt(other, otherPrompt)?.evaluations?.length, 0, 'the other session was not touched');
    assert.equal(panel.snapshot().prompts.length, 0);
  });
});
