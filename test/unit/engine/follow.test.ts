import * as assert from 'node:assert/strict';
import { compareInstants, instantOf } from '../../../src/engine';
import { posts, reads, rig, until, type Rig } from './helpers';

const ONE_EVALUATION = /\/evaluations\/[^/]+$/;

describe('engine: following', function () {
  let r: Rig;
  let sessionId: string;
  beforeEach(async () => {
    r = await rig();
    sessionId = (await r.engine.createSession('Following')).id;
    r.emulator.clearRequests();
  });
  afterEach(() => r.close());

  it('pending, deferred and waitingForInput are followed politely with a note, then the answer', async () => {
    r.emulator.addAnswerRule({
      match: 'queued',
      content: 'finally',
      phases: [
        { state: 'pending', ms: 500 },
        { state: 'deferred', ms: 500 },
        { state: 'waitingForInput', ms: 500 },
        { state: 'running', ms: 200 },
      ],
    });
    const notes = new Set<string>();
    const result = await r.engine.ask(sessionId, 'queued question', {
      onUpdate: (e) => {
        if (e.run.kind === 'following' && e.run.note) notes.add(e.run.note);
      },
    });
    assert.equal(result.outcome.content, 'finally');
    assert.ok([...notes].some((n) => /pending/.test(n)), [...notes].join(' | '));
    assert.ok([...notes].some((n) => /deferred/.test(n)));
    assert.ok([...notes].some((n) => /waiting for input/.test(n)));
  });

  it('a state no enum lists is read as unknown, followed, and ends with the answer', async () => {
    r.emulator.addAnswerRule({ match: 'odd', content: 'ok', phases: [{ state: 'brandNewState', ms: 300 }] });
    const result = await r.engine.ask(sessionId, 'odd state');
    assert.equal(result.outcome.kind, 'success');
  });

  it('one follower per evaluation whoever waits, and it stops at completion', async () => {
    r.emulator.configure({ evaluation: { createdMs: 0, runningMs: 600 } });
    const ref = await r.engine.submit(sessionId, 'shared wait');
    const waits = await Promise.all([1, 2, 3].map(() => r.engine.waitForAnswer(sessionId, ref.promptId)));
    assert.ok(waits.every((w) => w.outcome.kind === 'success'));
    assert.equal(r.engine.activeFollowers, 0);
    const before = reads(r.emulator, ONE_EVALUATION);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(reads(r.emulator, ONE_EVALUATION), before, 'no reads after completion');
  });

  it('cancel: PATCH isCancelled, then the follower sees the end (state cancelled)', async () => {
    r.emulator.configure({ evaluation: { createdMs: 0, runningMs: 5000 } });
    const ref = await r.engine.submit(sessionId, 'cancel me');
    await until('following', () => r.engine.prompt(sessionId, ref.promptId)?.run.kind === 'following');
    const result = await r.engine.cancel(sessionId, ref.promptId);
    assert.deepEqual(result, { kind: 'cancelled' });
    const answer = await r.engine.waitForAnswer(sessionId, ref.promptId);
    assert.equal(answer.outcome.kind, 'cancelled');
    const patch = r.emulator.requests().filter((q) => q.method === 'PATCH');
    assert.equal(patch.length, 1);
    assert.deepEqual(patch[0].body, { isCancelled: true });
  });

  it('cancel shown only as isCancelled (state unchanged) is still the end', async () => {
    r.emulator.configure({ evaluation: { createdMs: 0, runningMs: 5000 }, cancel: 'flag' });
    const ref = await r.engine.submit(sessionId, 'flag cancel');
    await until('following', () => r.engine.prompt(sessionId, ref.promptId)?.run.kind === 'following');
    await r.engine.cancel(sessionId, ref.promptId);
    const answer = await r.engine.waitForAnswer(sessionId, ref.promptId);
    assert.equal(answer.outcome.kind, 'cancelled');
    assert.equal(r.engine.activeFollowers, 0);
  });

  it('a refused cancel (405) says so, is remembered for the window, and the evaluation goes on', async () => {
    r.emulator.configure({ evaluation: { createdMs: 0, runningMs: 800 }, cancel: 'refuse' });
    const ref = await r.engine.submit(sessionId, 'cannot cancel');
    await until('following', () => r.engine.prompt(sessionId, ref.promptId)?.run.kind === 'following');
    const first = await r.engine.cancel(sessionId, ref.promptId);
    assert.equal(first.kind, 'unsupported');
    assert.match((first as { message: string }).message, /does not support cancelling/);
    assert.equal(r.engine.cancelSupported, false);
    const again = await r.engine.cancel(sessionId, ref.promptId);
    assert.equal(again.kind, 'unsupported');
    assert.equal(r.emulator.requests().filter((q) => q.method === 'PATCH').length, 1, 'asked once per window');
    const answer = await r.engine.waitForAnswer(sessionId, ref.promptId);
    assert.equal(answer.outcome.kind, 'success');
  });

  it('reads each evaluation about once a second at most, and the answer shows within one interval', async () => {
    await r.close();
    r = await rig({ firstReadsMs: [200], intervalMs: 1000 });
    sessionId = (await r.engine.createSession('Pacing')).id;
    r.emulator.configure({ evaluation: { createdMs: 0, runningMs: 3200 } });
    r.emulator.clearRequests();
    const started = Date.now();
    const result = await r.engine.ask(sessionId, 'paced');
    const took = Date.now() - started;
    const polls = r.emulator.requests().filter((q) => q.method === 'GET' && ONE_EVALUATION.test(q.path));
    const times = polls.map((q) => Date.parse(q.time));
    for (let i = 2; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 950, `gap ${times[i] - times[i - 1]} ms`);
    assert.ok(polls.length <= 6, `${polls.length} reads for a 3.2 s run`);
    assert.ok(took < 3200 + 1300, `answer after ${took} ms`);
    assert.equal(result.outcome.kind, 'success');
  });

  it('reset (account switch) stops every follower and forgets every entity', async () => {
    r.emulator.configure({ evaluation: { createdMs: 0, runningMs: 5000 } });
    const ref = await r.engine.submit(sessionId, 'until reset');
    await until('following', () => r.engine.activeFollowers === 1);
    r.engine.reset();
    assert.equal(r.engine.activeFollowers, 0);
    assert.equal(r.engine.detail(sessionId), undefined);
    assert.equal(r.engine.session(sessionId), undefined);
    assert.equal(r.engine.prompt(sessionId, ref.promptId), undefined);
    const before = reads(r.emulator, ONE_EVALUATION);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(reads(r.emulator, ONE_EVALUATION), before);
  });

  it('a 401 that the silent retry cannot fix stops background work and asks for a new sign-in', async () => {
    r.emulator.configure({ evaluation: { createdMs: 0, runningMs: 5000 } });
    const ref = await r.engine.submit(sessionId, 'until 401');
    await until('following', () => r.engine.activeFollowers === 1);
    const changes: boolean[] = [];
    r.engine.onDidChangeSignInRequired((v) => changes.push(v));
    r.emulator.addFault({ kind: 'unauthorized', count: 10, method: 'GET' });
    await until('sign in required', () => r.engine.signInNeeded);
    assert.deepEqual(changes, [true]);
    assert.equal(r.engine.activeFollowers, 0);
    const run = r.engine.prompt(sessionId, ref.promptId)?.run;
    assert.equal(run?.kind, 'failed');
    assert.equal(run?.kind === 'failed' && run.signIn, true);
    await assert.rejects(r.engine.submit(sessionId, 'blocked'), /Sign in again/);
    r.emulator.clearFaults();
    r.engine.resumeAfterSignIn();
    await until('following again', () => r.engine.prompt(sessionId, ref.promptId)?.run.kind === 'following');
  });

  it('does not write back a load that a refresh replaced', async () => {
    const { promptId } = await r.engine.ask(sessionId, 'first');
    r.emulator.addFault({ kind: 'delay', delayMs: 400, method: 'GET', path: '/prompts' });
    const stale = r.engine.loadSession(sessionId, { session: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await r.engine.refreshAll();
    await r.engine.loadSession(sessionId, { session: false });
    const fresh = r.engine.detail(sessionId);
    await stale;
    assert.equal(r.engine.detail(sessionId)?.prompts.length, fresh?.prompts.length);
    assert.ok(r.engine.prompt(sessionId, promptId));
  });
});

describe('engine: tolerant reading', function () {
  let r: Rig;
  beforeEach(async () => {
    r = await rig();
  });
  afterEach(() => r.close());

  it('an odd item in a page is left out, counted and logged; the rest shows', async () => {
    for (let i = 0; i < 3; i++) await r.engine.createSession(`Session ${i}`);
    r.emulator.addFault({ kind: 'oddItem', method: 'GET', path: '/sessions' });
    await r.engine.reloadList();
    const list = r.engine.list;
    assert.equal(list.status, 'loaded');
    assert.equal(list.sessions.length, 2);
    assert.equal(list.unreadable, 1);
    assert.ok(r.logs.some((l) => /Left out a session \(id [0-9a-f-]+\)/.test(l)), r.logs.join('\n'));
  });

  it('orders mixed fractional digits as instants', async () => {
    assert.ok(compareInstants('2025-10-22T20:12:13.75Z', '2025-10-22T20:12:13.7596Z') < 0);
    assert.ok(compareInstants('2025-10-22T20:12:13Z', '2025-10-22T20:12:13.0000001Z') < 0);
    assert.equal(compareInstants('2025-10-22T20:12:13.5Z', '2025-10-22T20:12:13.5000000Z'), 0);
    assert.ok(compareInstants('2025-10-22T22:12:13+02:00', '2025-10-22T20:12:13.1Z') < 0);
    assert.deepEqual(instantOf('2025-10-22T20:12:13.1234567Z'), { ms: Date.parse('2025-10-22T20:12:13.123Z'), ticks: 4567 });
    r.emulator.configure({ fractionDigits: 'mixed', evaluation: { createdMs: 0, runningMs: 0 } });
    const s = await r.engine.createSession('Mixed digits');
    const asked: string[] = [];
    for (let i = 0; i < 12; i++) {
      const q = `question ${String(i).padStart(2, '0')}`;
      asked.push(q);
      await r.engine.ask(s.id, q);
    }
    r.engine.refreshAll();
    await r.engine.loadSession(s.id, { evaluations: true });
    assert.deepEqual(r.engine.detail(s.id)?.prompts.map((p) => p.prompt.content), asked);
    const digits = new Set(r.engine.detail(s.id)!.prompts.map((p) => /\.(\d*)Z$/.exec(p.prompt.createdDateTime)?.[1].length ?? 0));
    assert.ok(digits.size > 1, 'the emulator sent fractions of several lengths');
  });

  it('ids are case-insensitive: an upper-case id is the same session, prompt and follower', async () => {
    r.emulator.configure({ evaluation: { createdMs: 0, runningMs: 600 } });
    const s = await r.engine.createSession('Case');
    const ref = await r.engine.submit(s.id, 'case question');
    await r.engine.loadSession(s.id.toUpperCase(), { evaluations: true });
    assert.equal(r.engine.detail(s.id.toUpperCase())?.prompts.length, 1);
    await r.engine.waitForAnswer(s.id.toUpperCase(), ref.promptId.toUpperCase());
    assert.equal(posts(r.emulator, /\/evaluations$/), 1);
  });
});

describe('engine: who is told', function () {
  let r: Rig;
  beforeEach(async () => {
    r = await rig();
  });
  afterEach(() => r.close());

  it('an answer somebody waited for is marked awaited (no notification); one nobody waited for is not', async () => {
    r.emulator.configure({ evaluation: { createdMs: 0, runningMs: 300 } });
    const s = await r.engine.createSession('Awaited');
    const events: { promptId: string; awaited: boolean }[] = [];
    r.engine.onDidFinish((e) => events.push({ promptId: e.promptId, awaited: e.awaited }));
    const asked = await r.engine.ask(s.id, 'someone waits');
    const submitted = await r.engine.submit(s.id, 'nobody waits');
    await until('the second answer', () => events.length === 2);
    assert.deepEqual(events, [
      { promptId: asked.promptId, awaited: true },
      { promptId: submitted.promptId, awaited: false },
    ]);
  });
});
