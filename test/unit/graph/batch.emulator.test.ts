// listEvaluationsMany (JSON batching) against the local emulator over real HTTP: round trips, per-part 429s,
// exact errors, the fallback when the service refuses `$batch`, and token confinement of batched URLs.
import * as assert from 'node:assert/strict';
import { type Emulator, type RecordedRequest, startEmulator } from '../../../emulator';
import { type Evaluation, SecurityCopilotClient, checkBatchUrl, toBatchUrl } from '../../../src/graph';
import { Tokens } from './helpers';

const WS = 'default';

describe('graph client: listEvaluationsMany ($batch) against the emulator', function () {
  let emulator: Emulator;
  let tokens: Tokens;

  before(async () => {
    emulator = await startEmulator({ port: 0, quiet: true });
  });
  after(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    emulator.configure({ evaluation: { createdMs: 0, runningMs: 0 } });
    tokens = new Tokens();
  });

  function client(): SecurityCopilotClient {
    return new SecurityCopilotClient({ baseUrl: emulator.url, getToken: tokens.provider, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  }

  /** A session with `n` prompts, each with one completed evaluation; returns ids oldest first. */
  async function session(c: SecurityCopilotClient, n: number): Promise<{ sessionId: string; promptIds: string[] }> {
    const s = await c.createSession(WS, 'Batch test');
    const promptIds: string[] = [];
    for (let i = 0; i < n; i++) {
      const p = await c.createPrompt(WS, s.id, `Question ${i + 1}`);
      await c.createEvaluation(WS, s.id, p.id);
      promptIds.push(p.id);
    }
    emulator.clearRequests();
    return { sessionId: s.id, promptIds };
  }

  /** HTTP round trips (a batch and its sub-requests are one). */
  function roundTrips(): RecordedRequest[] {
    return emulator.requests().filter((r) => r.batchId === undefined);
  }

  function evaluationsOf(result: Evaluation[] | Error | undefined): Evaluation[] {
    assert.ok(Array.isArray(result), `expected evaluations, got ${result instanceof Error ? result.message : String(result)}`);
    return result;
  }

  it('reads 45 prompts in 3 batches (20 + 20 + 5) with the same evaluations as one by one', async () => {
    const c = client();
    const { sessionId, promptIds } = await session(c, 45);
    const many = await c.listEvaluationsMany(WS, sessionId, promptIds);
    const trips = roundTrips();
    assert.deepEqual(trips.map((r) => `${r.method} ${r.path}`), Array(3).fill('POST /beta/$batch'));
    assert.deepEqual(trips.map((r) => r.batchSize).sort(), [20, 20, 5]);
    const parts = emulator.requests().filter((r) => r.batchId !== undefined);
    assert.equal(parts.length, 45);
    assert.ok(parts.every((r) => r.method === 'GET' && /\/prompts\/[^/]+\/evaluations$/.test(r.path) && r.status === 200));
    assert.equal(many.size, 45);
    for (const id of [promptIds[0], promptIds[44]]) {
      assert.deepEqual(evaluationsOf(many.get(id)), await c.listEvaluations(WS, sessionId, id));
    }
  });

  it('sends only relative, version-rooted URLs in the batch body, and the token only to the endpoint', async () => {
    const c = client();
    const { sessionId, promptIds } = await session(c, 3);
    await c.listEvaluationsMany(WS, sessionId, promptIds);
    const batch = roundTrips()[0];
    assert.equal(batch.authorization, 'bearer');
    const body = batch.body as { requests: { id: string; method: string; url: string }[] };
    assert.equal(body.requests.length, 3);
    for (const r of body.requests) {
      assert.equal(r.method, 'GET');
      assert.match(r.url, /^\/security\/securityCopilot\/workspaces\/default\/sessions\/[^/]+\/prompts\/[^/]+\/evaluations$/);
    }
  });

  it('re-sends only the throttled part, after its own Retry-After', async () => {
    const c = client();
    const { sessionId, promptIds } = await session(c, 5);
    emulator.addFault({ kind: 'status', status: 429, retryAfter: '0.3', method: 'GET', path: `/prompts/${promptIds[2]}/evaluations` });
    emulator.addFault({ kind: 'status', status: 429, retryAfter: '0.3', method: 'GET', path: `/prompts/${promptIds[4]}/evaluations` });
    const started = Date.now();
    const many = await c.listEvaluationsMany(WS, sessionId, promptIds);
    const elapsed = Date.now() - started;
    const trips = roundTrips();
    assert.deepEqual(trips.map((r) => r.batchSize), [5, 2]);
    const second = emulator.requests().filter((r) => r.batchId === trips[1].requestId).map((r) => r.path.split('/prompts/')[1]);
    assert.deepEqual(second.sort(), [`${promptIds[2]}/evaluations`, `${promptIds[4]}/evaluations`].sort());
    assert.ok(elapsed >= 300, `the retry waited the part's Retry-After (${elapsed} ms)`);
    for (const id of promptIds) assert.equal(evaluationsOf(many.get(id)).length, 1);
  });

  it('re-sends throttled parts in a batch even when the wall clock reads earlier after the wait (never an empty $batch)', async () => {
    // Timers run on a monotonic clock and Date.now() on the wall clock: after a Retry-After sleep the wall clock
    // can read a little before the due time (by a millisecond, or more when NTP steps it back). Simulated here:
    // from 150 ms after the first batch was answered (well inside its 500 ms Retry-After), Date.now() reads
    // 50 ms behind.
    const c = client();
    const { sessionId, promptIds } = await session(c, 4);
    emulator.addFault({ kind: 'status', status: 429, retryAfter: '0.5', method: 'GET', path: `/prompts/${promptIds[1]}/evaluations` });
    emulator.addFault({ kind: 'status', status: 429, retryAfter: '0.5', method: 'GET', path: `/prompts/${promptIds[3]}/evaluations` });
    const realNow = Date.now.bind(Date);
    let behindFrom: number | undefined;
    Date.now = () => {
      const t = realNow();
      behindFrom ??= emulator.requests().find((r) => r.method === 'POST' && r.endedMs !== undefined)?.endedMs;
      return behindFrom !== undefined && t >= behindFrom + 150 ? t - 50 : t;
    };
    let many: Map<string, Evaluation[] | Error>;
    try {
      many = await c.listEvaluationsMany(WS, sessionId, promptIds);
    } finally {
      Date.now = realNow;
    }
    assert.deepEqual(roundTrips().map((r) => `${r.method} ${r.status} ${r.batchSize}`), ['POST 200 4', 'POST 200 2']);
    assert.equal(c.batchingRefused, false, 'batching is still on');
    for (const id of promptIds) assert.equal(evaluationsOf(many.get(id)).length, 1);
  });

  it('accepts a batch answered 424 when a part was throttled', async () => {
    emulator.configure({ batch: { throttledStatus: 424 } });
    const c = client();
    const { sessionId, promptIds } = await session(c, 3);
    emulator.addFault({ kind: 'status', status: 429, retryAfter: '0.05', method: 'GET', path: `/prompts/${promptIds[0]}/evaluations` });
    const many = await c.listEvaluationsMany(WS, sessionId, promptIds);
    // The one throttled part left is read alone (one read costs one round trip either way).
    assert.deepEqual(roundTrips().map((r) => `${r.method} ${r.status}`), ['POST 424', 'GET 200']);
    for (const id of promptIds) assert.equal(evaluationsOf(many.get(id)).length, 1);
    assert.equal(c.batchingRefused, false);
  });

  it('gives a failed part exactly the error the single call gives, and the others their answers', async () => {
    const c = client();
    const { sessionId, promptIds } = await session(c, 3);
    const missing = '00000000-0000-4000-8000-000000000000';
    const many = await c.listEvaluationsMany(WS, sessionId, [promptIds[0], missing, promptIds[1], 'bad id/..']);
    const single = await c.listEvaluations(WS, sessionId, missing).then(() => assert.fail('expected a 404'), (e: unknown) => e as Error);
    const got = many.get(missing);
    assert.ok(got instanceof Error);
    assert.equal(got.name, 'GraphNotFoundError');
    assert.equal(got.message.replace(/request id [0-9a-f-]+/i, 'request id X'), single.message.replace(/request id [0-9a-f-]+/i, 'request id X'));
    const invalid = many.get('bad id/..');
    assert.ok(invalid instanceof Error);
    assert.equal(invalid.name, 'GraphValidationError');
    assert.equal(evaluationsOf(many.get(promptIds[0])).length, 1);
    assert.equal(evaluationsOf(many.get(promptIds[1])).length, 1);
  });

  for (const refuseStatus of [404, 400]) {
    it(`falls back to single reads when the service refuses $batch (${refuseStatus}), and remembers it`, async () => {
      emulator.configure({ batch: { enabled: false, refuseStatus } });
      const c = client();
      const { sessionId, promptIds } = await session(c, 4);
      const first = await c.listEvaluationsMany(WS, sessionId, promptIds);
      assert.equal(c.batchingRefused, true);
      for (const id of promptIds) assert.equal(evaluationsOf(first.get(id)).length, 1);
      assert.deepEqual(roundTrips().map((r) => `${r.method} ${r.status}`), ['POST ' + refuseStatus, 'GET 200', 'GET 200', 'GET 200', 'GET 200']);
      emulator.clearRequests();
      await c.listEvaluationsMany(WS, sessionId, promptIds);
      assert.deepEqual(roundTrips().map((r) => r.method), ['GET', 'GET', 'GET', 'GET'], 'no second $batch attempt');
    });
  }

  it('falls back for one batch that fails as a whole (500) without giving up batching', async () => {
    const c = client();
    const { sessionId, promptIds } = await session(c, 3);
    emulator.addFault({ kind: 'status', status: 500, method: 'POST', path: '$batch' });
    const many = await c.listEvaluationsMany(WS, sessionId, promptIds);
    for (const id of promptIds) assert.equal(evaluationsOf(many.get(id)).length, 1);
    assert.deepEqual(roundTrips().map((r) => `${r.method} ${r.status}`), ['POST 500', 'GET 200', 'GET 200', 'GET 200']);
    assert.equal(c.batchingRefused, false);
    emulator.clearRequests();
    await c.listEvaluationsMany(WS, sessionId, promptIds);
    assert.deepEqual(roundTrips().map((r) => r.method), ['POST']);
  });

  it('reports each prompt through onResult and reads them in the order given', async () => {
    const c = client();
    const { sessionId, promptIds } = await session(c, 25);
    const newestFirst = [...promptIds].reverse();
    const seen: string[] = [];
    await c.listEvaluationsMany(WS, sessionId, newestFirst, { concurrency: 1, onResult: (id) => seen.push(id) });
    assert.deepEqual(new Set(seen), new Set(promptIds));
    const batches = roundTrips();
    const firstBatch = emulator.requests().filter((r) => r.batchId === batches[0].requestId).map((r) => r.path.split('/prompts/')[1].split('/')[0]);
    assert.deepEqual(new Set(firstBatch), new Set(newestFirst.slice(0, 20)));
  });

  it('never batches a single read, and rejects a bad session id before any request', async () => {
    const c = client();
    const { sessionId, promptIds } = await session(c, 1);
    await c.listEvaluationsMany(WS, sessionId, promptIds);
    assert.deepEqual(roundTrips().map((r) => r.method), ['GET']);
    emulator.clearRequests();
    await assert.rejects(c.listEvaluationsMany(WS, 'bad/id', promptIds), { name: 'GraphValidationError' });
    assert.equal(emulator.requests().length, 0);
  });

  it('is cancelled by its signal', async () => {
    const c = client();
    const { sessionId, promptIds } = await session(c, 3);
    emulator.addFault({ kind: 'delay', delayMs: 2000, method: 'POST', path: '$batch' });
    const controller = new AbortController();
    const pending = c.listEvaluationsMany(WS, sessionId, promptIds, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, { name: 'GraphCancelledError' });
  });

  it('only batches relative URLs on the configured endpoint', () => {
    const c = client();
    assert.equal(toBatchUrl(c.http, `${emulator.url}/beta/security/x?$top=5`), '/security/x?$top=5');
    assert.throws(() => toBatchUrl(c.http, 'https://evil.example/beta/security/x'), /Refused to batch/);
    assert.throws(() => toBatchUrl(c.http, `${emulator.url}/v1.0/security/x`), /Refused to batch/);
    for (const bad of ['//evil.example/x', 'https://evil.example/x', '/a/../b', '/a/%2e%2e/b', '/a\\b', 'security/x', '/a b']) {
      assert.throws(() => checkBatchUrl(bad), /Refused to batch/, bad);
    }
  });
});
