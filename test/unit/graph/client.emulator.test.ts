// The Graph client against the local emulator over real HTTP.
import * as assert from 'node:assert/strict';
import { type Emulator, type RecordedRequest, startEmulator } from '../../../emulator';
import {
  type GraphAuthError,
  type GraphError,
  type GraphNetworkError,
  type GraphClientOptions,
  type GraphThrottledError,
  type RequestLogEntry,
  SecurityCopilotClient,
} from '../../../src/graph';
import { Tokens, collect, recordingServer, rejectsWith } from './helpers';

const WS = 'default';

function unsignedJwt(payload: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

describe('graph client against the emulator', function () {
  let emulator: Emulator;
  let tokens: Tokens;
  let log: RequestLogEntry[];

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
    log = [];
  });

  function client(options: Partial<GraphClientOptions> = {}): SecurityCopilotClient {
    return new SecurityCopilotClient({
      baseUrl: emulator.url,
      getToken: tokens.provider,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      log: (e) => log.push(e),
      ...options,
    });
  }

  function graphRequests(method?: string, pathPart?: string): RecordedRequest[] {
    return emulator
      .requests()
      .filter((r) => (method === undefined || r.method === method) && (pathPart === undefined || r.path.includes(pathPart)));
  }

  function lastSegmentIs(name: string): (r: RecordedRequest) => boolean {
    return (r) => r.path.endsWith(`/${name}`);
  }

  describe('endpoints', () => {
    it('lists workspaces and plugins', async () => {
      const c = client();
      const ws = await c.listWorkspaces({ count: true });
      assert.equal(ws.items.length, 1);
      assert.equal(typeof ws.items[0].id, 'string');
      assert.equal(ws.count, 1);
      const plugins = await c.listPlugins(WS, { filter: "name eq 'Entra'" });
      assert.deepEqual(plugins.items.map((p) => p.name), ['Entra']);
      assert.equal(plugins.items[0].displayName, 'Microsoft Entra');
      assert.equal(typeof plugins.items[0].isEnabled, 'boolean');
    });

    it('creates, gets, renames and lists sessions', async () => {
      const c = client();
      const created = await c.createSession(WS, '  Who am I  ');
      assert.equal(created.displayName, 'Who am I');
      const got = await c.getSession(WS, created.id);
      assert.deepEqual(got, created);
      const renamed = await c.renameSession(WS, created.id, 'API Test: Who am I?');
      assert.equal(renamed.displayName, 'API Test: Who am I?');
      assert.ok(renamed.lastModifiedDateTime > created.lastModifiedDateTime);
      const all = await collect(c.listSessions(WS));
      assert.deepEqual(all.map((s) => s.id), [created.id]);
      const post = graphRequests('POST')[0];
      assert.deepEqual(post.body, { '@odata.type': '#microsoft.graph.security.securityCopilot.session', displayName: 'Who am I' });
      assert.equal(post.authorization, 'bearer');
    });

    it('creates and reads prompts and evaluations', async () => {
      const c = client();
      const s = await c.createSession(WS, 'Prompts');
      const p = await c.createPrompt(WS, s.id, 'who am I');
      assert.equal(p.type, 'prompt');
      assert.equal(p.content, 'who am I');
      assert.deepEqual(await c.getPrompt(WS, s.id, p.id), p);
      assert.deepEqual((await collect(c.listPrompts(WS, s.id))).map((x) => x.id), [p.id]);
      assert.equal((await c.listPromptsPage(WS, s.id, { top: 1 })).items.length, 1);

      emulator.configure({ evaluation: { createdMs: 60_000, runningMs: 0 } });
      const e = await c.createEvaluation(WS, s.id, p.id);
      assert.equal(e.state, 'created');
      assert.equal(e.result, null);
      assert.equal(e.runStartDateTime, null, 'sentinel mapped to null');
      assert.equal(e.completedDateTime, null);
      const got = await c.getEvaluation(WS, s.id, p.id, e.id);
      assert.equal(got.id, e.id);
      const list = await c.listEvaluations(WS, s.id, p.id);
      assert.deepEqual(list.map((x) => x.id), [e.id]);
      const post = graphRequests('POST').find(lastSegmentIs('evaluations'));
      assert.deepEqual(post?.body, {});
      const promptPost = graphRequests('POST').find(lastSegmentIs('prompts'));
      assert.deepEqual(promptPost?.body, { '@odata.type': '#microsoft.graph.security.securityCopilot.prompt', type: 'prompt', content: 'who am I' });
    });

    it('pages through sessions over several pages and with the page call', async () => {
      emulator.configure({ pageSize: 3 });
      const c = client();
      const ids = new Set<string>();
      for (let i = 0; i < 8; i++) ids.add((await c.createSession(WS, `Session ${i}`)).id);
      emulator.clearRequests();
      const all = await collect(c.listSessions(WS));
      assert.equal(all.length, 8);
      assert.deepEqual(new Set(all.map((s) => s.id)), ids);
      assert.equal(graphRequests('GET', '/sessions').length, 3);

      const p1 = await c.listSessionsPage(WS, { top: 5, count: true });
      assert.equal(p1.items.length, 5);
      assert.equal(p1.count, 8);
      assert.ok(p1.nextLink?.startsWith(emulator.url));
      const p2 = await c.listSessionsPage(WS, { nextLink: p1.nextLink });
      assert.equal(p2.items.length, 3);
      assert.equal(p2.nextLink, undefined);
      assert.equal(new Set([...p1.items, ...p2.items].map((s) => s.id)).size, 8);
    });

    it('reads seeded data, including sessions whose displayName is null', async () => {
      emulator.seed({ sessions: 5, promptsPerSession: 1 });
      const c = client();
      const sessions = await collect(c.listSessions(WS, { top: 2 }));
      assert.equal(sessions.length, 5);
      assert.ok(sessions.some((s) => s.displayName === null), 'the docs show sessions without a name');
      const prompts = await collect(c.listPrompts(WS, sessions[0].id));
      assert.equal(prompts.length, 1);
    });

    it('sends $select (with the required fields) and validates the result', async () => {
      const c = client();
      const s = await c.createSession(WS, 'Selected');
      const got = await c.getSession(WS, s.id, { select: ['displayName'] });
      assert.deepEqual(got, s);
      const page = await c.listSessionsPage(WS, { select: ['displayName'], top: 2 });
      assert.equal(page.items[0].displayName, 'Selected');
      const reqs = graphRequests('GET', '/sessions');
      assert.ok(reqs.every((r) => r.query.includes('$select=id,createdDateTime,lastModifiedDateTime,displayName')), JSON.stringify(reqs.map((r) => r.query)));
    });

    it('rejects invalid names and ids without sending anything', async () => {
      const c = client();
      await rejectsWith(c.createSession(WS, ' '), 'GraphValidationError');
      await rejectsWith(c.createSession(WS, 'n'.repeat(312)), 'GraphValidationError');
      await rejectsWith(c.renameSession(WS, '..', 'x'), 'GraphValidationError');
      await rejectsWith(c.getSession(WS, 'a/b'), 'GraphValidationError');
      await rejectsWith(c.createPrompt(WS, 'id with space', 'q'), 'GraphValidationError');
      await rejectsWith(c.createPrompt(WS, 'sid', ''), 'GraphValidationError');
      assert.equal(emulator.requests().length, 0);
    });
  });

  describe('errors', () => {
    it('maps 404 with the request ids', async () => {
      const err = await rejectsWith<GraphError>(client().getSession(WS, '00000000-0000-4000-8000-000000000000'), 'GraphNotFoundError');
      const rec = graphRequests('GET')[0];
      assert.equal(err.status, 404);
      assert.equal(err.code, 'itemNotFound');
      assert.equal(err.requestId, rec.requestId);
      assert.equal(err.clientRequestId, rec.clientRequestId);
      assert.ok(err.date);
      assert.ok(err.message.includes(`request id ${rec.requestId}`) || err.message.includes(`Request id ${rec.requestId}`));
      assert.equal(log[0].requestId, rec.requestId);
      assert.equal(log[0].clientRequestId, rec.clientRequestId);
    });

    it('maps a 500 to GraphError naming the request', async () => {
      emulator.addFault({ kind: 'status', status: 500, method: 'GET', path: '/sessions' });
      const err = await rejectsWith<GraphError>(client().listSessionsPage(WS), 'GraphError');
      assert.match(err.message, /^Graph returned HTTP 500 \(\w+\) for GET \/beta\/security\/securityCopilot\/workspaces\/default\/sessions/);
      assert.equal(err.requestId, graphRequests()[0].requestId);
      assert.equal(graphRequests().length, 1);
    });

    it('reports malformed JSON clearly', async () => {
      emulator.addFault({ kind: 'malformed', method: 'GET', path: '/sessions' });
      const err = await rejectsWith<GraphError>(client().listSessionsPage(WS), 'GraphMalformedResponseError');
      assert.match(err.message, /isn't JSON/);
      assert.equal(err.requestId, graphRequests()[0].requestId);
    });

    it('refreshes the token once after a 401', async () => {
      emulator.addFault({ kind: 'unauthorized', count: 1 });
      const page = await client().listSessionsPage(WS);
      assert.deepEqual(page.items, []);
      assert.equal(tokens.forced, 1);
      assert.deepEqual(graphRequests().map((r) => r.status), [401, 200]);
    });

    it('gives GraphAuthError after a second 401', async () => {
      emulator.addFault({ kind: 'unauthorized', count: 2 });
      const err = await rejectsWith<GraphAuthError>(client().createSession(WS, 'x'), 'GraphAuthError');
      assert.equal(err.status, 401);
      assert.equal(tokens.forced, 1);
      assert.equal(graphRequests().length, 2);
    });

    it('maps 403 (missing permission) to GraphAuthError without retrying', async () => {
      const readOnly = unsignedJwt({ scp: 'SecurityCopilotWorkspaces.Read.All', exp: Math.floor(Date.now() / 1000) + 3600 });
      const c = client({ getToken: async () => readOnly });
      assert.equal((await c.listSessionsPage(WS)).items.length, 0);
      const err = await rejectsWith<GraphAuthError>(c.createSession(WS, 'x'), 'GraphAuthError');
      assert.equal(err.status, 403);
      assert.match(err.message, /Security Copilot role \(Contributor\)/);
      assert.equal(graphRequests('POST').length, 1);
    });
  });

  describe('retries', () => {
    it('honours Retry-After on 429', async () => {
      emulator.addFault({ kind: 'status', status: 429, retryAfter: '0.15', method: 'GET', path: '/sessions' });
      const t0 = Date.now();
      await client().listSessionsPage(WS);
      assert.ok(Date.now() - t0 >= 140, `waited ${Date.now() - t0} ms`);
      assert.deepEqual(graphRequests('GET').map((r) => r.status), [429, 200]);
    });

    it('retries a GET after 503 and a dropped connection', async () => {
      emulator.addFault({ kind: 'status', status: 503, retryAfter: '0.01', method: 'GET' });
      emulator.addFault({ kind: 'drop', method: 'GET' });
      await client().listSessionsPage(WS);
      assert.deepEqual(graphRequests('GET').map((r) => r.status), [503, 0, 200]);
    });

    it('retries a POST after 429 and creates exactly one prompt', async () => {
      const c = client();
      const s = await c.createSession(WS, 'Retry');
      emulator.addFault({ kind: 'status', status: 429, retryAfter: '0.02', method: 'POST', path: '/prompts' });
      await c.createPrompt(WS, s.id, 'hello');
      assert.deepEqual(graphRequests('POST', '/prompts').map((r) => r.status), [429, 201]);
      assert.equal((await collect(c.listPrompts(WS, s.id))).length, 1);
    });

    it('never retries a POST whose connection dropped after processing', async () => {
      emulator.addFault({ kind: 'drop', method: 'POST', path: '/sessions', afterProcessing: true });
      const c = client();
      const err = await rejectsWith<GraphNetworkError>(c.createSession(WS, 'Once'), 'GraphNetworkError');
      assert.equal(err.mayHaveBeenProcessed, true);
      assert.match(err.message, /may have processed the request/);
      assert.equal(graphRequests('POST', '/sessions').length, 1);
      const sessions = await collect(c.listSessions(WS));
      assert.deepEqual(sessions.map((s) => s.displayName), ['Once'], 'the server did create it: exactly one');
    });

    it('never retries a POST answered with 503', async () => {
      emulator.addFault({ kind: 'status', status: 503, retryAfter: '0', method: 'POST', path: '/sessions' });
      const err = await rejectsWith<GraphThrottledError>(client().createSession(WS, 'x'), 'GraphThrottledError');
      assert.equal(err.status, 503);
      assert.equal(err.mayHaveBeenProcessed, true);
      assert.match(err.message, /may have processed the request/);
      assert.equal(graphRequests('POST', '/sessions').length, 1);
    });

    it('retries a POST whose connection was refused before sending', async () => {
      const closed = await recordingServer();
      const closedUrl = closed.url;
      await closed.close(); // nothing listens there any more: a real ECONNREFUSED
      let n = 0;
      const c = client({
        fetch: (input, init) => {
          const url = String(input);
          return fetch(n++ === 0 ? url.replace(emulator.url, closedUrl) : url, init);
        },
      });
      const s = await c.createSession(WS, 'Refused first');
      assert.equal(s.displayName, 'Refused first');
      assert.equal(n, 2);
      assert.equal(graphRequests('POST', '/sessions').length, 1);
      assert.match(log[0].error ?? '', /ECONNREFUSED/);
    });
  });

  describe('paging safety', () => {
    it('refuses a nextLink to another origin; the other host gets nothing', async () => {
      const other = await recordingServer();
      try {
        emulator.configure({ pageSize: 2 });
        const c0 = client();
        for (let i = 0; i < 3; i++) await c0.createSession(WS, `S${i}`);
        // Pass responses through, pointing their nextLinks at the other host (a hostile or broken service).
        const c = client({
          fetch: async (input, init) => {
            const res = await fetch(input, init);
            const text = await res.text();
            const rewritten = text.split(emulator.url).join(other.url);
            return new Response(rewritten, { status: res.status, headers: res.headers });
          },
        });
        const seen: string[] = [];
        const err = await rejectsWith<GraphError>(
          (async () => {
            for await (const s of c.listSessions(WS)) seen.push(s.id);
          })(),
          'GraphError',
        );
        assert.equal(seen.length, 2);
        assert.match(err.message, /Refused to follow a nextLink/);
        const page = await c.listSessionsPage(WS);
        assert.ok(page.nextLink?.startsWith(other.url));
        await rejectsWith(c.listSessionsPage(WS, { nextLink: page.nextLink }), 'GraphError');
        assert.deepEqual(other.received, []);
      } finally {
        await other.close();
      }
    });
  });

  describe('timeouts and cancellation', () => {
    it('cancels a request held by a delay fault', async () => {
      emulator.addFault({ kind: 'delay', delayMs: 10_000, method: 'GET' });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      const t0 = Date.now();
      await rejectsWith(client().listSessionsPage(WS, { signal: ac.signal }), 'GraphCancelledError');
      assert.ok(Date.now() - t0 < 8_000, 'ended long before the 10 s delay');
      assert.equal(graphRequests('GET').length, 1);
    });

    it('times out a slow GET, then retries it', async () => {
      emulator.addFault({ kind: 'delay', delayMs: 1_000, method: 'GET' });
      const page = await client({ timeoutMs: 150 }).listSessionsPage(WS);
      assert.deepEqual(page.items, []);
      assert.equal(graphRequests('GET').length, 2);
      assert.equal(log[0].error, 'timeout');
    });

    it('gives GraphTimeoutError for a slow POST without retrying', async () => {
      emulator.addFault({ kind: 'delay', delayMs: 1_000, method: 'POST' });
      const err = await rejectsWith<GraphError>(client({ timeoutMs: 150 }).createSession(WS, 'slow'), 'GraphTimeoutError');
      assert.equal(err.mayHaveBeenProcessed, true);
      assert.equal(graphRequests('POST').length, 1);
    });
  });

  describe('waitForEvaluation', () => {
    async function start(c: SecurityCopilotClient, question: string) {
      const s = await c.createSession(WS, 'Eval');
      const p = await c.createPrompt(WS, s.id, question);
      const e = await c.createEvaluation(WS, s.id, p.id);
      return { workspaceId: WS, sessionId: s.id, promptId: p.id, evaluationId: e.id };
    }

    it('follows created -> running -> completed, reporting each state', async () => {
      emulator.configure({ evaluation: { createdMs: 500, runningMs: 1_000 } });
      const c = client();
      const ref = await start(c, 'who am I');
      const updates: string[] = [];
      const outcome = await c.waitForEvaluation(ref, { initialDelayMs: 0, maxDelayMs: 1_000, onUpdate: (e) => updates.push(e.state) });
      assert.deepEqual(updates, ['created', 'running', 'completed']);
      assert.equal(outcome.kind, 'success');
      assert.ok(outcome.content && outcome.content.length > 0);
      assert.equal(outcome.evaluation.state, 'completed');
      assert.notEqual(outcome.evaluation.completedDateTime, null);
      assert.equal(graphRequests('GET', `/evaluations/${ref.evaluationId}`).length, 3);
    });

    it('maps every non-success result type', async () => {
      const c = client();
      const kinds = ['error', 'rejected', 'timedOut', 'capacityExceeded', 'needAdditionalClaims'] as const;
      for (const type of kinds) emulator.addAnswerRule({ match: `case-${type}`, type, createdMs: 0, runningMs: 0 });
      for (const type of kinds) {
        const outcome = await c.waitForEvaluation(await start(c, `case-${type}`), { initialDelayMs: 0 });
        assert.equal(outcome.kind, type);
        assert.ok(outcome.message.length > 20);
        assert.ok(outcome.content, 'the service text is kept');
      }
      emulator.addAnswerRule({ content: '**Custom** answer', createdMs: 0, runningMs: 0 });
      const ok = await c.waitForEvaluation(await start(c, 'anything'), { initialDelayMs: 0 });
      assert.deepEqual([ok.kind, ok.content], ['success', '**Custom** answer']);
    });

    it('honours Retry-After during polling without adding polls', async () => {
      const c = client();
      emulator.addAnswerRule({ createdMs: 0, runningMs: 1_200 });
      const ref = await start(c, 'slow one');
      emulator.addFault({ kind: 'status', status: 429, retryAfter: '0.3', method: 'GET', path: '/evaluations/' });
      const outcome = await c.waitForEvaluation(ref, { initialDelayMs: 0 });
      assert.equal(outcome.kind, 'success');
      const polls = graphRequests('GET', '/evaluations/');
      assert.deepEqual(polls.map((r) => r.status), [429, 200, 200]);
      const at = polls.map((r) => Date.parse(r.time));
      assert.ok(at[1] - at[0] >= 280, `Retry-After wait ${at[1] - at[0]} ms`);
      assert.ok(at[2] - at[1] >= 950, `poll gap ${at[2] - at[1]} ms`);
    });

    it('can be cancelled while waiting', async () => {
      const c = client();
      emulator.addAnswerRule({ createdMs: 0, runningMs: 60_000 });
      const ref = await start(c, 'never ends');
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 200);
      await rejectsWith(c.waitForEvaluation(ref, { initialDelayMs: 0, signal: ac.signal }), 'GraphCancelledError');
      assert.equal(graphRequests('GET', '/evaluations/').length, 1);
    });
  });
});
