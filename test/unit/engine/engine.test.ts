import * as assert from 'node:assert/strict';
import { posts, rig, until, type Rig } from './helpers';

const PROMPTS = /\/prompts$/;
const EVALUATIONS = /\/evaluations$/;

describe('engine: ask exactly once', function () {
  let r: Rig;
  let sessionId: string;
  beforeEach(async () => {
    r = await rig();
    r.emulator.configure({ evaluation: { createdMs: 50, runningMs: 200 } });
    sessionId = (await r.engine.createSession('Exactly once')).id;
    r.emulator.clearRequests();
  });
  afterEach(() => r.close());

  it('asks: one prompt, one evaluation, followed to the answer', async () => {
    r.emulator.addAnswerRule({ match: 'who', content: 'j.doe' });
    const result = await r.engine.ask(sessionId, 'who signed in?');
    assert.equal(result.outcome.kind, 'success');
    assert.equal(result.outcome.content, 'j.doe');
    assert.equal(posts(r.emulator, PROMPTS), 1);
    assert.equal(posts(r.emulator, EVALUATIONS), 1);
    assert.equal(r.engine.activeFollowers, 0);
  });

  it('a listing read before a send does not drop the prompt once its answer is in', async () => {
    r.emulator.configure({ evaluation: { createdMs: 0, runningMs: 0 } });
    // The listing is read at once, its answer held back until the prompt was sent and answered.
    r.emulator.addFault({ kind: 'delay', delayMs: 800, afterProcessing: true, method: 'GET', path: '/prompts', count: 1 });
    const load = r.engine.loadSession(sessionId);
    await until('the listing was read', () => r.emulator.requests().some((q) => q.method === 'GET' && PROMPTS.test(q.path)));
    const result = await r.engine.ask(sessionId, 'sent during a listing');
    assert.equal(result.outcome.kind, 'success');
    await load;
    assert.deepEqual(r.engine.detail(sessionId)!.prompts.map((p) => p.prompt.content), ['sent during a listing']);
  });

  it('a repeated send while the first is in flight is the same create', async () => {
    r.emulator.addFault({ kind: 'delay', delayMs: 200, method: 'POST', path: '/prompts' });
    const [a, b] = await Promise.all([r.engine.submit(sessionId, 'twice?'), r.engine.submit(sessionId, 'twice?')]);
    assert.equal(a.promptId, b.promptId);
    await until('the answer', () => r.engine.prompt(sessionId, a.promptId)?.run.kind === 'idle' && r.engine.prompt(sessionId, a.promptId)?.evaluations?.length);
    assert.equal(posts(r.emulator, PROMPTS), 1);
    assert.equal(posts(r.emulator, EVALUATIONS), 1);
  });

  it('re-run pressed twice at once starts one evaluation', async () => {
    const { promptId } = await r.engine.ask(sessionId, 'rerun me');
    r.emulator.clearRequests();
    r.emulator.addFault({ kind: 'delay', delayMs: 150, method: 'POST', path: '/evaluations' });
    await Promise.all([r.engine.rerun(sessionId, promptId), r.engine.rerun(sessionId, promptId), r.engine.rerun(sessionId, promptId)]);
    await r.engine.waitForAnswer(sessionId, promptId);
    assert.equal(posts(r.emulator, EVALUATIONS), 1);
    assert.equal(r.engine.prompt(sessionId, promptId)?.evaluations?.length, 2);
  });

  it('a lost evaluation response (503 after the work was done) is found by a re-read, never POSTed again', async () => {
    r.emulator.addFault({ kind: 'status', status: 503, afterProcessing: true, method: 'POST', path: '/evaluations' });
    const result = await r.engine.ask(sessionId, 'lost answer');
    assert.equal(result.outcome.kind, 'success');
    assert.equal(posts(r.emulator, EVALUATIONS), 1);
    assert.equal(r.engine.prompt(sessionId, result.promptId)?.evaluations?.length, 1);
    assert.ok(r.logs.some((l) => /found evaluation/.test(l)));
  });

  it('a lost prompt response (connection dropped after the work was done) is matched by content', async () => {
    r.emulator.addFault({ kind: 'drop', afterProcessing: true, method: 'POST', path: '/prompts' });
    const result = await r.engine.ask(sessionId, 'dropped prompt');
    assert.equal(result.outcome.kind, 'success');
    assert.equal(posts(r.emulator, PROMPTS), 1);
    assert.equal(posts(r.emulator, EVALUATIONS), 1);
  });

  it('a 503 before the work was done: the re-read finds nothing and says so; Retry then runs it once', async () => {
    r.emulator.addFault({ kind: 'status', status: 503, method: 'POST', path: '/evaluations' });
    const ref = await r.engine.submit(sessionId, 'not started');
    const failed = await until('the failed start', () => {
      const run = r.engine.prompt(sessionId, ref.promptId)?.run;
      return run?.kind === 'failed' ? run : undefined;
    });
    assert.match(failed.message, /shows no run of this prompt/);
    assert.equal(posts(r.emulator, EVALUATIONS), 1);
    await r.engine.retry(sessionId, ref.promptId);
    await r.engine.waitForAnswer(sessionId, ref.promptId);
    assert.equal(posts(r.emulator, EVALUATIONS), 2, 'one failed POST, one after the re-read showed nothing');
  });

  it('a prompt whose evaluations cannot be listed shows that, and Retry finds its answer without a POST', async () => {
    const { promptId } = await r.engine.ask(sessionId, 'has an answer');
    r.engine.refreshAll();
    r.emulator.clearRequests();
    r.emulator.addFault({ kind: 'status', status: 500, count: 1, method: 'GET', path: '/evaluations' });
    await r.engine.loadSession(sessionId, { evaluations: true });
    const entry = r.engine.prompt(sessionId, promptId);
    assert.match(entry?.evaluationsError ?? '', /Could not load the answers/);
    assert.equal(entry?.evaluations, null);
    await r.engine.rerun(sessionId, promptId); // unknown answers: a re-run re-reads first
    assert.equal(posts(r.emulator, EVALUATIONS), 0);
    assert.equal(r.engine.prompt(sessionId, promptId)?.evaluations?.length, 1);
  });
});

describe('engine: failed sends', function () {
  let r: Rig;
  let sessionId: string;
  beforeEach(async () => {
    r = await rig();
    sessionId = (await r.engine.createSession('Failed sends')).id;
    r.emulator.clearRequests();
  });
  afterEach(() => r.close());

  it('a 503 on the prompt POST: re-read, nothing was created, say so; one POST', async () => {
    r.emulator.addFault({ kind: 'status', status: 503, method: 'POST', path: '/prompts' });
    await assert.rejects(r.engine.submit(sessionId, 'will this be created twice?'), /not in the session after the failure.*never created twice/);
    assert.equal(posts(r.emulator, PROMPTS), 1);
    assert.equal(r.engine.detail(sessionId)?.sending?.phase, 'failed');
  });
});

describe('engine: creating sessions', function () {
  let r: Rig;
  beforeEach(async () => {
    r = await rig();
  });
  afterEach(() => r.close());

  it('a lost create response is looked up, not POSTed again; the same name at once is one create', async () => {
    r.emulator.addFault({ kind: 'drop', afterProcessing: true, method: 'POST', path: '/sessions' });
    const [a, b] = await Promise.all([r.engine.createSession('Lost create'), r.engine.createSession('Lost create')]);
    assert.equal(a.id, b.id);
    assert.equal(posts(r.emulator, /\/sessions$/), 1);
    assert.equal(r.engine.list.sessions[0]?.id, a.id);
  });

  it('a create that failed before the work was done is reported (nothing to find)', async () => {
    r.emulator.addFault({ kind: 'status', status: 503, method: 'POST', path: '/sessions' });
    await assert.rejects(r.engine.createSession('Not created'), /503/);
    assert.equal(posts(r.emulator, /\/sessions$/), 1);
  });
});

describe('engine: writes refused by the host (read-only access)', function () {
  let r: Rig;
  let refused: string | undefined;
  beforeEach(async () => {
    refused = undefined;
    r = await rig({}, { writesRefused: () => refused });
  });
  afterEach(() => r.close());

  it('create, rename, send and re-run reject with the host’s reason and send nothing; reads still work', async () => {
    const session = await r.engine.createSession('Before read-only');
    const sent = await r.engine.submit(session.id, 'answered before read-only');
    await r.engine.waitForAnswer(sent.sessionId, sent.promptId);
    await r.engine.reloadList();
    r.emulator.clearRequests();
    refused = 'Read-only mode: nothing was sent.';
    await assert.rejects(r.engine.createSession('Refused'), /Read-only mode: nothing was sent/);
    await assert.rejects(r.engine.rename(session.id, 'Refused'), /Read-only mode/);
    await assert.rejects(r.engine.submit(session.id, 'refused'), /Read-only mode/);
    await assert.rejects(r.engine.rerun(session.id, sent.promptId), /Read-only mode/);
    await r.engine.loadSession(session.id, { force: true });
    assert.deepEqual(r.emulator.requests().filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`), [], 'no write reached Graph');
    assert.equal(r.engine.detail(session.id)?.prompts.length, 1, 'reading still works');
  });
});

describe('engine: opening a long session', function () {
  let r: Rig;
  beforeEach(async () => {
    r = await rig();
    r.emulator.configure({ evaluation: { createdMs: 0, runningMs: 0 } });
  });
  afterEach(() => r.close());

  it('reads 45 prompts\' answers in a few batched round trips, newest prompts first', async () => {
    const s = await r.engine.createSession('Long session');
    for (let i = 0; i < 45; i++) await r.engine.ask(s.id, `question ${i}`);
    await r.engine.refreshAll();
    r.emulator.clearRequests();
    const order: string[] = [];
    r.engine.onDidChangePrompt((ref) => order.push(ref.promptId));
    await r.engine.loadSession(s.id, { evaluations: true });
    const roundTrips = r.emulator.requests().filter((q) => q.batchId === undefined);
    const batches = roundTrips.filter((q) => q.path.endsWith('/$batch'));
    assert.equal(batches.length, 3, '45 reads in batches of 20');
    // The session, one page of prompts, three batches.
    assert.equal(roundTrips.length, 5, roundTrips.map((q) => `${q.method} ${q.path}`).join('\n'));
    const prompts = r.engine.detail(s.id)!.prompts;
    assert.ok(prompts.every((p) => p.evaluations?.length === 1));
    assert.equal(order[0], prompts.at(-1)!.prompt.id, 'the newest prompt is answered first');
  });

  it('a Refresh stops the session load it replaces: its reads are not retried in the background', async () => {
    const s = await r.engine.createSession('Replaced load');
    await r.engine.ask(s.id, 'one question');
    await r.engine.refreshAll();
    r.emulator.clearRequests();
    r.emulator.addFault({ kind: 'status', status: 503, retryAfter: '0.3', count: 1000, method: 'GET', path: '/prompts?' });
    const first = r.engine.loadSession(s.id, { evaluations: true });
    await until('the first read', () => r.emulator.requests().some((q) => q.status === 503));
    r.emulator.clearFaults();
    await r.engine.refreshAll();
    await r.engine.loadSession(s.id, { evaluations: true });
    await first; // settles once the replaced load stopped (before: after its retry, 0.3 s later)
    const reads = r.emulator.requests().filter((q) => q.method === 'GET' && PROMPTS.test(q.path));
    assert.deepEqual(reads.map((q) => q.status), [503, 200], 'the 503, then the new load; no retry of the replaced one');
    assert.equal(r.engine.detail(s.id)?.prompts[0].evaluations?.length, 1);
  });

  it('falls back to single reads where $batch is refused, and remembers it', async () => {
    r.emulator.configure({ batch: { enabled: false } });
    const s = await r.engine.createSession('No batching');
    for (let i = 0; i < 3; i++) await r.engine.ask(s.id, `q ${i}`);
    r.engine.refreshAll();
    await r.engine.loadSession(s.id, { evaluations: true });
    assert.ok(r.engine.detail(s.id)!.prompts.every((p) => p.evaluations?.length === 1));
  });
});

describe('engine: the session list', function () {
  let r: Rig;
  beforeEach(async () => {
    r = await rig();
  });
  afterEach(() => r.close());

  it('stays newest first across pages and added sessions, each session once', async () => {
    r.emulator.seed({ sessions: 60, promptsPerSession: 0 });
    await r.engine.reloadList();
    while (r.engine.list.hasMore) await r.engine.loadMore();
    const created = () => r.engine.list.sessions.map((s) => Date.parse(s.createdDateTime));
    const newestFirst = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1] >= x);
    assert.equal(r.engine.list.sessions.length, 60);
    assert.ok(newestFirst(created()));
    // A session created between two listed ones goes between them; one older than all goes last; again: no copy.
    const list = r.engine.list.sessions;
    const between = new Date((Date.parse(list[10].createdDateTime) + Date.parse(list[11].createdDateTime)) / 2).toISOString();
    const oldest = new Date(Date.parse(list[59].createdDateTime) - 60_000).toISOString();
    const session = (id: string, at: string) => ({ id, displayName: id, createdDateTime: at, lastModifiedDateTime: at });
    r.engine.upsertSession(session('00000000-0000-4000-8000-000000000001', between), { addToList: true });
    r.engine.upsertSession(session('00000000-0000-4000-8000-000000000002', oldest), { addToList: true });
    r.engine.upsertSession(session('00000000-0000-4000-8000-000000000001', between), { addToList: true });
    const ids = r.engine.list.sessions.map((s) => s.id);
    assert.equal(ids.length, 62);
    assert.equal(ids[11], '00000000-0000-4000-8000-000000000001');
    assert.equal(ids[61], '00000000-0000-4000-8000-000000000002');
    assert.ok(newestFirst(created()));
    // Reading the list again without a change is the same list; a rename shows in it.
    assert.equal(r.engine.list.sessions, r.engine.list.sessions);
    r.engine.upsertSession({ ...session('00000000-0000-4000-8000-000000000002', oldest), displayName: 'Renamed' });
    assert.equal(r.engine.list.sessions[61].displayName, 'Renamed');
    assert.equal(r.engine.list.sessions.length, 62);
  });

  it('a Refresh stops the read it replaces: a superseded read is not retried in the background', async () => {
    r.emulator.seed({ sessions: 3, promptsPerSession: 0 });
    r.emulator.addFault({ kind: 'status', status: 503, retryAfter: '0.3', count: 1000, method: 'GET', path: '/sessions?' });
    const first = r.engine.reloadList();
    await until('the first read', () => r.emulator.requests().some((q) => q.status === 503));
    r.emulator.clearFaults();
    await r.engine.refreshAll();
    await first; // settles once the replaced read stopped (before: after its retry, 0.3 s later)
    assert.equal(r.engine.list.status, 'loaded');
    assert.equal(r.engine.list.sessions.length, 3);
    const reads = r.emulator.requests().filter((q) => q.method === 'GET' && /\/sessions$/.test(q.path));
    assert.deepEqual(reads.map((q) => q.status), [503, 200], 'the 503, then the refresh; no retry of the replaced read');
  });

  it('a Refresh during a Load more: the next Load more reads the next page (it is not stuck on the replaced one)', async () => {
    r.emulator.seed({ sessions: 60, promptsPerSession: 0 });
    await r.engine.reloadList();
    assert.equal(r.engine.list.sessions.length, 25);
    r.emulator.addFault({ kind: 'delay', delayMs: 300, count: 1, method: 'GET', path: 'skiptoken' });
    const more = r.engine.loadMore();
    await until('the Load more read', () => r.emulator.requests().some((q) => /skiptoken/i.test(q.query)));
    await r.engine.refreshAll();
    await more;
    assert.equal(r.engine.list.sessions.length, 25, 'the replaced Load more wrote nothing');
    await r.engine.loadMore();
    assert.equal(r.engine.list.sessions.length, 50);
  });
});
