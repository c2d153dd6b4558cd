// The request pipeline against a stubbed fetch: headers, URLs, error mapping, retries, auth, timeouts,
// cancellation, logging and paging safety.
import * as assert from 'node:assert/strict';
import {
  type GraphAuthError,
  type GraphError,
  type GraphNetworkError,
  type GraphThrottledError,
  type GraphTimeoutError,
  type GraphClientOptions,
  SecurityCopilotClient,
  isAuthError,
  isGraphError,
  mayHaveBeenProcessed,
  parseRetryAfter,
} from '../../../src/graph';
import {
  EVAL_CREATED,
  PROMPT,
  SESSION,
  Tokens,
  collect,
  graphError,
  hang,
  json,
  logSink,
  netError,
  rejectsWith,
  stubFetch,
  type StubHandler,
} from './helpers';

const WS = 'default';
const S = SESSION.id;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SESSIONS_URL = 'https://graph.microsoft.com/beta/security/securityCopilot/workspaces/default/sessions';

function setup(handlers: StubHandler | StubHandler[], options: Partial<GraphClientOptions> = {}) {
  const stub = stubFetch(handlers);
  const tokens = new Tokens();
  const sink = logSink();
  const client = new SecurityCopilotClient({
    getToken: tokens.provider,
    fetch: stub.fetch,
    log: sink.log,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
  return { client, calls: stub.calls, tokens, entries: sink.entries };
}

const ok = (body: unknown = SESSION, status = 200): StubHandler => () => json(status, body);

describe('graph/http pipeline', () => {
  describe('requests', () => {
    it('sends the bearer token, Accept, a fresh GUID client-request-id, and JSON bodies', async () => {
      const { client, calls } = setup([() => graphError(429, 'TooManyRequests', '', 'r1', { 'retry-after': '0' }), ok(SESSION, 201)]);
      await client.createSession(WS, '  Who am I  ');
      assert.equal(calls.length, 2);
      for (const c of calls) {
        assert.equal(c.method, 'POST');
        assert.equal(c.url, SESSIONS_URL);
        assert.equal(c.headers.authorization, 'Bearer tok-0');
        assert.equal(c.headers.accept, 'application/json');
        assert.equal(c.headers['content-type'], 'application/json');
        assert.match(c.headers['client-request-id'], GUID);
        assert.deepEqual(c.body, { '@odata.type': '#microsoft.graph.security.securityCopilot.session', displayName: 'Who am I' });
      }
      assert.notEqual(calls[0].headers['client-request-id'], calls[1].headers['client-request-id']);
    });

    it('sends no Content-Type without a body, and the documented bodies for prompts and evaluations', async () => {
      const { client, calls } = setup([ok(SESSION), ok(PROMPT, 201), ok(EVAL_CREATED, 201)]);
      await client.getSession(WS, S);
      await client.createPrompt(WS, S, ' who am I ');
      await client.createEvaluation(WS, S, PROMPT.id);
      assert.equal(calls[0].headers['content-type'], undefined);
      assert.equal(calls[0].body, undefined);
      assert.deepEqual(calls[1].body, { '@odata.type': '#microsoft.graph.security.securityCopilot.prompt', type: 'prompt', content: 'who am I' });
      assert.equal(calls[1].url, `${SESSIONS_URL}/${S}/prompts`);
      assert.deepEqual(calls[2].body, {});
      assert.equal(calls[2].url, `${SESSIONS_URL}/${S}/prompts/${PROMPT.id}/evaluations`);
    });

    it('percent-encodes every path segment and uses the configured origin and version', async () => {
      const { client, calls } = setup(ok(SESSION), { baseUrl: 'http://127.0.0.1:8787/', version: 'v9' });
      assert.equal(client.endpoint, 'http://127.0.0.1:8787');
      await client.getSession('ws@1+2', "s'1:é");
      assert.equal(
        calls[0].url,
        `http://127.0.0.1:8787/v9/security/securityCopilot/workspaces/ws%401%2B2/sessions/s'1%3A%C3%A9`,
      );
    });

    it('rejects a base URL that is not a plain origin', () => {
      const getToken = async () => 't';
      assert.throws(() => new SecurityCopilotClient({ getToken, baseUrl: 'https://graph.microsoft.com/beta' }), /just an origin/);
      assert.throws(() => new SecurityCopilotClient({ getToken, baseUrl: 'ftp://x' }), /http\(s\)/);
      assert.throws(() => new SecurityCopilotClient({ getToken, baseUrl: 'https://u:p@graph.microsoft.com' }), /just an origin/);
      assert.equal(new SecurityCopilotClient({ getToken }).endpoint, 'https://graph.microsoft.com');
    });

    it('builds $top, $select, $filter and $count, percent-encoding values', async () => {
      const { client, calls } = setup([ok({ value: [] }), ok({ value: [] }), ok(SESSION)]);
      await client.listSessionsPage(WS, { top: 5, select: ['displayName'], filter: "displayName eq 'a&b'", count: true });
      const u = new URL(calls[0].url);
      assert.equal(
        u.search,
        "?$top=5&$select=id,createdDateTime,lastModifiedDateTime,displayName&$filter=displayName%20eq%20%27a%26b%27&$count=true",
      );
      assert.equal(u.searchParams.get('$filter'), "displayName eq 'a&b'");
      await client.listWorkspaces({ top: 3, select: ['displayName'] });
      assert.equal(new URL(calls[1].url).search, '?$select=id,displayName', '$top is not documented for workspaces');
      await client.getSession(WS, S, { select: ['displayName'] });
      assert.equal(new URL(calls[2].url).search, '?$select=id,createdDateTime,lastModifiedDateTime,displayName');
    });

    it('reads globalThis.fetch at call time when none is injected', async () => {
      const stub = stubFetch(ok(SESSION));
      const client = new SecurityCopilotClient({ getToken: async () => 't' });
      const original = globalThis.fetch;
      globalThis.fetch = stub.fetch;
      try {
        await client.getSession(WS, S);
      } finally {
        globalThis.fetch = original;
      }
      assert.equal(stub.calls.length, 1);
    });
  });

  describe('input validation', () => {
    it('throws GraphValidationError before any request', async () => {
      const { client, calls } = setup(ok());
      await rejectsWith(client.createSession(WS, '   '), 'GraphValidationError');
      await rejectsWith(client.createSession(WS, 'x'.repeat(201)), 'GraphValidationError');
      await rejectsWith(client.createSession(WS, 'bad\u0007name'), 'GraphValidationError');
      await rejectsWith(client.renameSession(WS, S, ''), 'GraphValidationError');
      await rejectsWith(client.renameSession(WS, '../x', 'ok'), 'GraphValidationError');
      await rejectsWith(client.getSession('de fault', S), 'GraphValidationError');
      await rejectsWith(client.getSession(WS, 'a/b'), 'GraphValidationError');
      await rejectsWith(client.getPrompt(WS, S, '..'), 'GraphValidationError');
      await rejectsWith(client.createPrompt(WS, S, ' \n '), 'GraphValidationError');
      await rejectsWith(client.createPrompt(WS, S, 'q'.repeat(16_001)), 'GraphValidationError');
      await rejectsWith(client.createEvaluation(WS, S, 'p?x'), 'GraphValidationError');
      await rejectsWith(client.getEvaluation(WS, S, PROMPT.id, 'e#1'), 'GraphValidationError');
      await rejectsWith(client.listEvaluations(WS, S, ''), 'GraphValidationError');
      await rejectsWith(client.listPlugins('a%2fb'), 'GraphValidationError');
      await rejectsWith(client.listSessionsPage(WS, { top: 0 }), 'GraphValidationError');
      await rejectsWith(client.listSessionsPage(WS, { select: ['a,b'] }), 'GraphValidationError');
      await rejectsWith(client.waitForEvaluation({ workspaceId: WS, sessionId: S, promptId: PROMPT.id, evaluationId: '' }), 'GraphValidationError');
      assert.throws(() => client.listSessions('a/b'), { name: 'GraphValidationError' });
      assert.equal(calls.length, 0);
    });
  });

  describe('error mapping', () => {
    it('gives a useful message when Graph sends an empty message (UnknownError)', async () => {
      const { client, calls } = setup(() => graphError(500, 'UnknownError', '', '7e735704-aaaa'));
      const err = await rejectsWith<GraphError>(client.listSessionsPage(WS), 'GraphError');
      assert.equal(
        err.message,
        'Graph returned HTTP 500 (UnknownError) for GET /beta/security/securityCopilot/workspaces/default/sessions, request id 7e735704-aaaa.',
      );
      assert.equal(err.status, 500);
      assert.equal(err.code, 'UnknownError');
      assert.equal(err.requestId, '7e735704-aaaa');
      assert.equal(err.date, '2026-07-31T05:11:26');
      assert.equal(err.clientRequestId, calls[0].headers['client-request-id']);
      assert.equal(calls.length, 1, '500 on GET is not retried');
      assert.ok(isGraphError(err));
    });

    it('includes Graph’s message when there is one, and takes the request id from the body if no header', async () => {
      const { client } = setup(() =>
        json(400, { error: { code: 'BadRequest', message: 'Invalid filter clause.', innerError: { 'request-id': 'body-rid', date: 'd' } } }),
      );
      const err = await rejectsWith<GraphError>(client.listSessionsPage(WS), 'GraphError');
      assert.match(err.message, /HTTP 400 \(BadRequest\) for GET \/beta\/.*sessions: Invalid filter clause\. Request id body-rid\.$/);
      assert.equal(err.requestId, 'body-rid');
    });

    it('maps 404 to GraphNotFoundError', async () => {
      const { client } = setup(() => graphError(404, 'itemNotFound', 'Session not found'));
      const err = await rejectsWith<GraphError>(client.getSession(WS, S), 'GraphNotFoundError');
      assert.equal(err.status, 404);
    });

    it('maps 403 to GraphAuthError at once, mentioning the Security Copilot role', async () => {
      const { client, calls, tokens } = setup(() => graphError(403, 'Forbidden', ''));
      const err = await rejectsWith<GraphAuthError>(client.listSessionsPage(WS), 'GraphAuthError');
      assert.match(err.message, /Security Copilot role \(Contributor\) and the SecurityCopilotWorkspaces permission/);
      assert.equal(err.status, 403);
      assert.equal(calls.length, 1);
      assert.equal(tokens.forced, 0);
      assert.ok(isAuthError(err));
    });

    it('gives a clear error for non-JSON and empty bodies', async () => {
      const html = () => new Response('<html>oops</html>', { status: 200, headers: { 'content-type': 'text/html' } });
      let err = await rejectsWith<GraphError>(setup(html).client.getSession(WS, S), 'GraphMalformedResponseError');
      assert.match(err.message, /isn't JSON \(text\/html\) for GET/);
      err = await rejectsWith<GraphError>(setup(() => new Response('', { status: 201 })).client.createSession(WS, 'n'), 'GraphMalformedResponseError');
      assert.match(err.message, /empty response for POST .* \(HTTP 201\)/);
      err = await rejectsWith<GraphError>(setup(() => new Response('{"value": [', { status: 200 })).client.listSessionsPage(WS), 'GraphMalformedResponseError');
      assert.match(err.message, /isn't JSON/);
      err = await rejectsWith<GraphError>(setup(() => new Response('Bad gateway', { status: 502 })).client.getSession(WS, S), 'GraphError');
      assert.match(err.message, /HTTP 502 for GET .* \(the body wasn't JSON\)/);
      err = await rejectsWith<GraphError>(setup(() => new Response(null, { status: 500 })).client.getSession(WS, S), 'GraphError');
      assert.match(err.message, /HTTP 500 for GET .* \(empty body\)/);
    });

    it('does not follow redirects', async () => {
      const { client, calls } = setup(() => new Response(null, { status: 302, headers: { location: 'https://evil.example/' } }));
      const err = await rejectsWith<GraphError>(client.getSession(WS, S), 'GraphError');
      assert.match(err.message, /Redirects aren't followed/);
      assert.equal(calls.length, 1);
    });

    it('lets token provider errors through unchanged', async () => {
      const client = new SecurityCopilotClient({
        getToken: () => Promise.reject(new Error('Not signed in')),
        fetch: stubFetch(ok()).fetch,
      });
      await assert.rejects(client.getSession(WS, S), /Not signed in/);
    });
  });

  describe('401 refresh', () => {
    it('retries once with a forced token refresh', async () => {
      const { client, calls, tokens } = setup([() => graphError(401, 'InvalidAuthenticationToken', 'expired'), ok(SESSION)]);
      const s = await client.getSession(WS, S);
      assert.equal(s.id, S);
      assert.equal(calls.length, 2);
      assert.equal(tokens.forced, 1);
      assert.deepEqual(tokens.requests, [{}, { forceRefresh: true }]);
      assert.equal(calls[0].headers.authorization, 'Bearer tok-0');
      assert.equal(calls[1].headers.authorization, 'Bearer tok-1');
    });

    it('gives GraphAuthError after the second 401, even for a POST and with maxAttempts 1', async () => {
      const { client, calls, tokens } = setup(
        () => graphError(401, 'InvalidAuthenticationToken', '', 'r', { 'www-authenticate': 'Bearer error="insufficient_claims", claims="eyJhIjoxfQ=="' }),
        { retry: { maxAttempts: 1 } },
      );
      const err = await rejectsWith<GraphAuthError>(client.createSession(WS, 'x'), 'GraphAuthError');
      assert.equal(calls.length, 2);
      assert.equal(tokens.forced, 1);
      assert.equal(err.status, 401);
      assert.equal(err.claims, '{"a":1}');
      assert.match(err.message, /Sign in again/);
    });

    it('passes the claims of a challenge (WWW-Authenticate claims=) to the refresh, and only to it', async () => {
      const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
      const header = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`;
      const { client, tokens } = setup([() => graphError(401, 'InvalidAuthenticationToken', 'challenge', 'r', { 'www-authenticate': header }), ok(SESSION), ok(SESSION)]);
      await client.getSession(WS, S);
      await client.getSession(WS, S);
      assert.deepEqual(tokens.requests, [{}, { forceRefresh: true, claims }, {}]);
    });

    it('a 401 without a claims challenge refreshes without claims', async () => {
      const { client, tokens } = setup([() => graphError(401, 'InvalidAuthenticationToken', 'expired', 'r', { 'www-authenticate': 'Bearer realm="", error="invalid_token"' }), ok(SESSION)]);
      await client.getSession(WS, S);
      assert.deepEqual(tokens.requests, [{}, { forceRefresh: true }]);
    });
  });

  describe('retries', () => {
    it('honours a fractional Retry-After on 429', async () => {
      const { client, calls, entries } = setup([() => graphError(429, 'TooManyRequests', 'Please retry again later.', 'r', { 'retry-after': '0.08' }), ok()]);
      const t0 = Date.now();
      await client.getSession(WS, S);
      assert.ok(Date.now() - t0 >= 70, `waited ${Date.now() - t0} ms`);
      assert.equal(calls.length, 2);
      assert.deepEqual(entries.map((e) => [e.attempt, e.status]), [[1, 429], [2, 200]]);
    });

    it('accepts Retry-After as an HTTP date', async () => {
      const past = new Date(Date.now() - 5_000).toUTCString(); // already due: retry at once
      const { client, calls } = setup([() => graphError(503, 'serviceNotAvailable', '', 'r', { 'retry-after': past }), ok()]);
      await client.getSession(WS, S);
      assert.equal(calls.length, 2);
      assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:58 GMT')), 2000);
      assert.equal(parseRetryAfter('2.128'), 2128);
      assert.equal(parseRetryAfter('0'), 0);
      assert.equal(parseRetryAfter('-1'), undefined);
      assert.equal(parseRetryAfter('soon'), undefined);
      assert.equal(parseRetryAfter(null), undefined);
    });

    it('backs off without Retry-After and retries GET on 503 and 504', async () => {
      const { client, calls } = setup([
        () => graphError(503, 'serviceNotAvailable', ''),
        () => graphError(504, 'gatewayTimeout', ''),
        ok(),
      ]);
      await client.getSession(WS, S);
      assert.equal(calls.length, 3);
    });

    it('gives GraphThrottledError when attempts run out', async () => {
      const { client, calls } = setup(() => graphError(429, 'TooManyRequests', '', 'r9', { 'retry-after': '0.01' }), {
        retry: { maxAttempts: 3, baseDelayMs: 1 },
      });
      const err = await rejectsWith<GraphThrottledError>(client.listSessionsPage(WS), 'GraphThrottledError');
      assert.equal(calls.length, 3);
      assert.equal(err.retryAfterMs, 10);
      assert.equal(err.requestId, 'r9');
      assert.match(err.message, /throttling requests\. Gave up after 3 attempts\./);
    });

    it('does not wait when Retry-After exceeds the total time budget', async () => {
      const { client, calls } = setup(() => graphError(429, 'TooManyRequests', '', 'r', { 'retry-after': '120' }));
      const t0 = Date.now();
      const err = await rejectsWith<GraphThrottledError>(client.getSession(WS, S), 'GraphThrottledError');
      assert.equal(calls.length, 1);
      assert.equal(err.retryAfterMs, 120_000);
      assert.ok(Date.now() - t0 < 5_000);
    });

    it('retries a POST after 429', async () => {
      const { client, calls } = setup([() => graphError(429, 'TooManyRequests', '', 'r', { 'retry-after': '0.01' }), ok(PROMPT, 201)]);
      const p = await client.createPrompt(WS, S, 'who am I');
      assert.equal(p.id, PROMPT.id);
      assert.equal(calls.length, 2);
    });

    it('never retries a POST after 503 or 500, and says it may have been processed', async () => {
      for (const status of [503, 500, 502, 504]) {
        const { client, calls } = setup([() => graphError(status, 'UnknownError', '', 'r', { 'retry-after': '0' }), ok(SESSION, 201)]);
        const err = await rejectsWith<GraphError>(client.createSession(WS, 'x'), status === 503 ? 'GraphThrottledError' : 'GraphError');
        assert.equal(calls.length, 1, `HTTP ${status}`);
        assert.equal(err.mayHaveBeenProcessed, true);
        assert.ok(mayHaveBeenProcessed(err));
        assert.match(err.message, /may have processed the request/);
      }
    });

    it('retries a POST when the connection was refused (never sent)', async () => {
      const { client, calls } = setup([netError('ECONNREFUSED'), ok(SESSION, 201)]);
      await client.createSession(WS, 'x');
      assert.equal(calls.length, 2);
    });

    it('never retries a POST after a reset connection, and flags it', async () => {
      const { client, calls, entries } = setup([netError('ECONNRESET'), ok(SESSION, 201)]);
      const err = await rejectsWith<GraphNetworkError>(client.createEvaluation(WS, S, PROMPT.id), 'GraphNetworkError');
      assert.equal(calls.length, 1);
      assert.equal(err.mayHaveBeenProcessed, true);
      assert.match(err.message, /ECONNRESET/);
      assert.equal(entries[0].error, 'network error (ECONNRESET)');
    });

    it('retries GET after network errors; a refused connection that never recovers is not flagged', async () => {
      const { client, calls } = setup([netError('ECONNRESET'), ok()]);
      await client.getSession(WS, S);
      assert.equal(calls.length, 2);
      const bad = setup(netError('ECONNREFUSED'), { retry: { maxAttempts: 2, baseDelayMs: 1 } });
      const err = await rejectsWith<GraphNetworkError>(bad.client.createSession(WS, 'x'), 'GraphNetworkError');
      assert.equal(bad.calls.length, 2);
      assert.equal(err.mayHaveBeenProcessed, false);
      assert.match(err.message, /Couldn't connect/);
    });

    it('PATCH (rename) retries on 429 only', async () => {
      const a = setup([() => graphError(429, 'TooManyRequests', '', 'r', { 'retry-after': '0' }), ok()]);
      await a.client.renameSession(WS, S, 'New name');
      assert.equal(a.calls.length, 2);
      assert.equal(a.calls[1].method, 'PATCH');
      assert.equal(a.calls[1].url, `${SESSIONS_URL}/${S}`);
      const b = setup([() => graphError(503, 'x', ''), ok()]);
      const err = await rejectsWith<GraphError>(b.client.renameSession(WS, S, 'New name'), 'GraphThrottledError');
      assert.equal(b.calls.length, 1);
      assert.equal(err.mayHaveBeenProcessed, true);
    });
  });

  describe('timeouts and cancellation', () => {
    it('times out a GET per attempt, retries it, then gives GraphTimeoutError', async () => {
      const { client, calls } = setup(hang, { timeoutMs: 40, retry: { maxAttempts: 2, baseDelayMs: 1 } });
      const err = await rejectsWith<GraphTimeoutError>(client.getSession(WS, S), 'GraphTimeoutError');
      assert.equal(calls.length, 2);
      assert.notEqual(err.mayHaveBeenProcessed, true);
    });

    it('never retries a POST that timed out', async () => {
      const { client, calls } = setup(hang, { timeoutMs: 40 });
      const err = await rejectsWith<GraphTimeoutError>(client.createSession(WS, 'x'), 'GraphTimeoutError');
      assert.equal(calls.length, 1);
      assert.equal(err.mayHaveBeenProcessed, true);
      assert.match(err.message, /didn't answer POST/);
    });

    it('times out even when the fetch implementation ignores the signal', async () => {
      const { client } = setup(() => new Promise<Response>(() => undefined), { timeoutMs: 30, retry: { maxAttempts: 1 } });
      await rejectsWith(client.getSession(WS, S), 'GraphTimeoutError');
    });

    it('cancels an in-flight request (distinct from a timeout)', async () => {
      const { client, calls, entries } = setup(hang);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 30);
      await rejectsWith(client.getSession(WS, S, { signal: ac.signal }), 'GraphCancelledError');
      assert.equal(calls.length, 1);
      assert.equal(entries[0].error, 'cancelled');
    });

    it('ends a Retry-After wait at once when cancelled', async () => {
      const { client, calls } = setup(() => graphError(429, 'TooManyRequests', '', 'r', { 'retry-after': '20' }));
      const ac = new AbortController();
      const t0 = Date.now();
      setTimeout(() => ac.abort(), 50);
      await rejectsWith(client.getSession(WS, S, { signal: ac.signal }), 'GraphCancelledError');
      assert.ok(Date.now() - t0 < 5_000);
      assert.equal(calls.length, 1);
    });

    it('sends nothing with an already aborted signal', async () => {
      const { client, calls } = setup(ok());
      await rejectsWith(client.getSession(WS, S, { signal: AbortSignal.abort() }), 'GraphCancelledError');
      assert.equal(calls.length, 0);
    });
  });

  describe('logging', () => {
    it('logs each attempt with ids and never the token or headers', async () => {
      const { client, entries } = setup([
        () => graphError(401, 'InvalidAuthenticationToken', '', 'rid-1'),
        () => json(200, SESSION, { 'request-id': 'rid-2' }),
      ]);
      await client.getSession(WS, S);
      assert.equal(entries.length, 2);
      assert.equal(entries[0].status, 401);
      assert.equal(entries[0].requestId, 'rid-1');
      assert.equal(entries[0].error, 'InvalidAuthenticationToken');
      assert.equal(entries[1].requestId, 'rid-2');
      assert.equal(entries[1].path, `/beta/security/securityCopilot/workspaces/default/sessions/${S}`);
      for (const e of entries) {
        assert.match(e.clientRequestId, GUID);
        assert.equal(e.method, 'GET');
        assert.ok(e.durationMs >= 0);
        const text = JSON.stringify(e);
        assert.doesNotMatch(text, /tok-|Bearer|authorization/i);
        assert.deepEqual(Object.keys(e).sort().filter((k) => !['method', 'path', 'status', 'requestId', 'clientRequestId', 'durationMs', 'attempt', 'error'].includes(k)), []);
      }
      assert.deepEqual(entries.map((e) => e.attempt), [1, 2]);
    });

    it('survives a throwing logger', async () => {
      const { client } = setup(ok(), {
        log: () => {
          throw new Error('logger broke');
        },
      });
      assert.equal((await client.getSession(WS, S)).id, S);
    });
  });

  describe('paging', () => {
    const page = (ids: string[], nextLink?: string) => ({
      value: ids.map((id) => ({ ...SESSION, id })),
      ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
    });

    it('follows nextLinks opaquely, including relative ones', async () => {
      const next1 = `${SESSIONS_URL}?$top=2&$skiptoken=abc%3D%3D`;
      const { client, calls } = setup([
        ok(page(['a', 'b'], next1)),
        ok(page(['c', 'd'], '/beta/security/securityCopilot/workspaces/default/sessions?$skiptoken=def')),
        ok(page([])),
      ]);
      const all = await collect(client.listSessions(WS, { top: 2 }));
      assert.deepEqual(all.map((s) => s.id), ['a', 'b', 'c', 'd']);
      assert.equal(calls[1].url, next1);
      assert.equal(calls[2].url, `${SESSIONS_URL}?$skiptoken=def`);
    });

    it('the page call returns the nextLink and follows one it is given', async () => {
      const next = `${SESSIONS_URL}?$skiptoken=xyz`;
      const { client, calls } = setup([ok(page(['a'], next)), ok(page(['b']))]);
      const p1 = await client.listSessionsPage(WS, { top: 1 });
      assert.equal(p1.nextLink, next);
      const p2 = await client.listSessionsPage(WS, { nextLink: p1.nextLink });
      assert.deepEqual(p2, { items: [{ ...p2.items[0], id: 'b' }] });
      assert.equal(calls[1].url, next);
    });

    it('refuses a nextLink to another origin and sends it nothing', async () => {
      const { client, calls } = setup([ok(page(['a'], 'https://graph.microsoft.com.evil.example/beta/x?$skiptoken=1'))]);
      const seen: string[] = [];
      const err = await rejectsWith<GraphError>(
        (async () => {
          for await (const s of client.listSessions(WS)) seen.push(s.id);
        })(),
        'GraphError',
      );
      assert.deepEqual(seen, ['a']);
      assert.match(err.message, /Refused to follow a nextLink to https:\/\/graph\.microsoft\.com\.evil\.example/);
      assert.equal(calls.length, 1);
      await rejectsWith(client.listSessionsPage(WS, { nextLink: 'http://graph.microsoft.com/beta/x' }), 'GraphError');
      await rejectsWith(client.listPromptsPage(WS, S, { nextLink: 'https://user@graph.microsoft.com/beta/x' }), 'GraphError');
      assert.equal(calls.length, 1);
    });

    it('stops when Graph repeats a nextLink', async () => {
      const next = `${SESSIONS_URL}?$skiptoken=same`;
      const { client, calls } = setup(ok(page(['a'], next)));
      await rejectsWith(collect(client.listSessions(WS)), 'GraphMalformedResponseError');
      assert.equal(calls.length, 2);
    });

    it('listEvaluations follows every page', async () => {
      const url = `${SESSIONS_URL}/${S}/prompts/${PROMPT.id}/evaluations`;
      const { client, calls } = setup([
        ok({ value: [EVAL_CREATED], '@odata.nextLink': `${url}?$skiptoken=2` }),
        ok({ value: [{ ...EVAL_CREATED, id: 'e2' }] }),
      ]);
      const all = await client.listEvaluations(WS, S, PROMPT.id);
      assert.deepEqual(all.map((e) => e.id), [EVAL_CREATED.id, 'e2']);
      assert.equal(calls.length, 2);
    });
  });
});
