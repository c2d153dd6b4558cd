import * as assert from 'node:assert/strict';
import { API, call, createSession, useEmulator, ws } from './helpers';

type Row = Record<string, unknown>;

describe('emulator: fault injection', () => {
  const ctx = useEmulator();

  it('answers 429 with Retry-After and the Graph throttling body, then serves normally', async () => {
    ctx.emu.addFault({ kind: 'status', status: 429, retryAfter: '0.2' });
    const r = await call(ctx.emu, ws('/sessions'));
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '0.2');
    const error = r.json.error as Row;
    assert.equal(error.code, 'TooManyRequests');
    assert.equal((error.innerError as Row).status, '429');
    assert.ok((error.innerError as Row)['request-id']);
    assert.equal((await call(ctx.emu, ws('/sessions'))).status, 200);
  });

  it('answers 503 serviceNotAvailable (with optional Retry-After) and any other status', async () => {
    ctx.emu.addFault({ kind: 'status', status: 503, retryAfter: '1' });
    ctx.emu.addFault({ kind: 'status', status: 500 });
    const a = await call(ctx.emu, ws('/sessions'));
    assert.equal(a.status, 503);
    assert.equal((a.json.error as Row).code, 'serviceNotAvailable');
    assert.equal(a.headers.get('retry-after'), '1');
    const b = await call(ctx.emu, ws('/sessions'));
    assert.equal(b.status, 500);
    assert.equal((b.json.error as Row).code, 'generalException');
    assert.equal(b.headers.get('retry-after'), null);
  });

  it('honours count, method and path filters', async () => {
    ctx.emu.addFault({ kind: 'status', status: 503, count: 2, method: 'POST', path: '/sessions' });
    assert.equal((await call(ctx.emu, ws('/sessions'))).status, 200, 'GET not matched');
    assert.equal((await call(ctx.emu, ws('/plugins'), { method: 'POST', body: {} })).status, 405, 'path not matched');
    assert.equal((await call(ctx.emu, ws('/sessions'), { body: { displayName: 'a' } })).status, 503);
    assert.equal((await call(ctx.emu, ws('/sessions'), { body: { displayName: 'a' } })).status, 503);
    assert.equal((await call(ctx.emu, ws('/sessions'), { body: { displayName: 'a' } })).status, 201);
    assert.equal(ctx.emu.pendingFaults().length, 0);
  });

  it('delays a request, then serves it normally', async () => {
    ctx.emu.addFault({ kind: 'delay', delayMs: 150 });
    const t0 = Date.now();
    const r = await call(ctx.emu, ws('/sessions'));
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 >= 140);
  });

  it('sends a 200 with truncated JSON for malformed', async () => {
    await createSession(ctx.emu, 'x');
    ctx.emu.addFault({ kind: 'malformed' });
    const r = await call(ctx.emu, ws('/sessions'));
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    assert.ok(r.text.length > 0);
    assert.throws(() => JSON.parse(r.text) as unknown);
  });

  it('drops the connection before processing: the create does not happen', async () => {
    ctx.emu.addFault({ kind: 'drop', method: 'POST' });
    await assert.rejects(call(ctx.emu, ws('/sessions'), { body: { displayName: 'lost' } }));
    const list = await call(ctx.emu, ws('/sessions'));
    assert.equal((list.json.value as Row[]).length, 0);
    const rec = ctx.emu.requests().find((r) => r.method === 'POST');
    assert.equal(rec?.status, 0);
    assert.equal(rec?.fault, 'drop');
  });

  it('drops the connection after processing: the create happened (ambiguous failure)', async () => {
    ctx.emu.addFault({ kind: 'drop', method: 'POST', afterProcessing: true });
    await assert.rejects(call(ctx.emu, ws('/sessions'), { body: { displayName: 'maybe' } }));
    const list = await call(ctx.emu, ws('/sessions'));
    assert.deepEqual((list.json.value as Row[]).map((s) => s.displayName), ['maybe']);
  });

  it('clearing the faults ends a delay in progress: the held request is then processed', async () => {
    ctx.emu.addFault({ kind: 'delay', delayMs: 60_000, method: 'POST' });
    const pending = call(ctx.emu, ws('/sessions'), { body: { displayName: 'held' } });
    const held = () => ctx.emu.requests().find((r) => r.method === 'POST');
    while (!held()) await new Promise((r) => setTimeout(r, 10));
    assert.equal(held()?.endedMs, undefined, 'still held');
    assert.equal(((await call(ctx.emu, ws('/sessions'))).json.value as Row[]).length, 0, 'not processed yet');
    ctx.emu.clearFaults();
    assert.equal((await pending).status, 201);
    assert.deepEqual(((await call(ctx.emu, ws('/sessions'))).json.value as Row[]).map((s) => s.displayName), ['held']);
  });

  it('sends a 429 without any Retry-After when retryAfter is null', async () => {
    ctx.emu.addFault({ kind: 'status', status: 429, retryAfter: null });
    const r = await call(ctx.emu, ws('/sessions'));
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), null);
    assert.equal((r.json.error as Row).code, 'TooManyRequests');
  });

  it('drops the connection mid-response: the create happened, headers and half the body arrived', async () => {
    ctx.emu.addFault({ kind: 'drop', method: 'POST', midResponse: true });
    const res = await fetch(`${ctx.emu.url}${ws('/sessions')}`, {
      method: 'POST',
      headers: { authorization: 'Bearer opaque-test-token', 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'half an answer' }),
    });
    assert.equal(res.status, 201, 'the status line arrived');
    await assert.rejects(res.text(), 'the body breaks off');
    const list = await call(ctx.emu, ws('/sessions'));
    assert.deepEqual((list.json.value as Row[]).map((s) => s.displayName), ['half an answer']);
    const rec = ctx.emu.requests().find((r) => r.method === 'POST');
    assert.equal(rec?.status, 0);
    assert.equal(rec?.fault, 'drop');
  });

  it('answers 401 InvalidAuthenticationToken for an unauthorized fault even with a valid token', async () => {
    ctx.emu.addFault({ kind: 'unauthorized' });
    const r = await call(ctx.emu, ws('/sessions'));
    assert.equal(r.status, 401);
    assert.equal((r.json.error as Row).code, 'InvalidAuthenticationToken');
    assert.equal((await call(ctx.emu, ws('/sessions'))).status, 200);
  });

  it('never applies faults to the control API, and clearFaults removes pending ones', async () => {
    ctx.emu.addFault({ kind: 'status', status: 500, count: 5 });
    const health = await fetch(`${ctx.emu.url}/_emulator/health`);
    assert.equal(health.status, 200);
    assert.equal(ctx.emu.pendingFaults()[0].count, 5);
    ctx.emu.clearFaults();
    assert.equal((await call(ctx.emu, `${API}/workspaces`)).status, 200);
  });

  it('rejects invalid fault specs', () => {
    assert.throws(() => ctx.emu.addFault({ kind: 'status' }));
    // @ts-expect-error deliberately wrong kind
    assert.throws(() => ctx.emu.addFault({ kind: 'explode' }));
    assert.throws(() => ctx.emu.addFault({ kind: 'status', status: 503, midResponse: true }), /midResponse/);
  });
});
