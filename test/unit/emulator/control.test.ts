import * as assert from 'node:assert/strict';
import { call, createEvaluation, createPrompt, createSession, useEmulator, ws } from './helpers';

type Row = Record<string, unknown>;

describe('emulator: control API over HTTP', () => {
  const ctx = useEmulator();

  async function control(method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${ctx.emu.url}/_emulator${route}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }

  it('reports health without auth', async () => {
    assert.deepEqual(await control('GET', '/health'), { status: 200, json: { ok: true } });
  });

  it('adds and clears faults', async () => {
    assert.equal((await control('POST', '/faults', { kind: 'status', status: 503, count: 3 })).status, 200);
    assert.equal((await call(ctx.emu, ws('/sessions'))).status, 503);
    assert.equal((await control('DELETE', '/faults')).status, 200);
    assert.equal((await call(ctx.emu, ws('/sessions'))).status, 200);
    assert.equal((await control('POST', '/faults', { kind: 'nope' })).status, 400);
  });

  it('adds and clears answer rules', async () => {
    assert.equal((await control('POST', '/answers', { match: 'q', content: '<b>scripted</b>', createdMs: 0, runningMs: 0 })).status, 200);
    const s = await createSession(ctx.emu);
    const p = await createPrompt(ctx.emu, String(s.id), 'a q');
    const e = await createEvaluation(ctx.emu, String(s.id), String(p.id));
    assert.equal(e.state, 'completed');
    assert.equal((e.result as Row).content, '<b>scripted</b>');
    assert.equal((await control('DELETE', '/answers')).status, 200);
    assert.equal((await control('POST', '/answers', { type: 'bogus' })).status, 400);
  });

  it('records Graph requests (not control requests) and clears them', async () => {
    await call(ctx.emu, ws('/sessions?$top=2'));
    await call(ctx.emu, ws('/sessions'), { body: { displayName: 'rec' } });
    const r = await control('GET', '/requests');
    const recs = r.json as Row[];
    assert.equal(recs.length, 2);
    assert.equal(recs[0].method, 'GET');
    assert.equal(recs[0].path, ws('/sessions'));
    assert.equal(recs[0].query, '$top=2');
    assert.equal(recs[0].status, 200);
    assert.equal(recs[0].authorization, 'bearer');
    assert.equal(typeof recs[0].time, 'string');
    assert.deepEqual(recs[1].body, { displayName: 'rec' });
    assert.equal(recs[1].status, 201);
    assert.equal((await control('DELETE', '/requests')).status, 200);
    assert.deepEqual((await control('GET', '/requests')).json, []);
  });

  it('configures page size and evaluation timing', async () => {
    assert.equal((await control('POST', '/config', { pageSize: 1, evaluation: { createdMs: 0, runningMs: 0 } })).status, 200);
    await createSession(ctx.emu, 'a');
    await createSession(ctx.emu, 'b');
    const list = await call(ctx.emu, ws('/sessions'));
    assert.equal((list.json.value as Row[]).length, 1);
    assert.deepEqual((await control('GET', '/config')).json, {
      pageSize: 1,
      evaluation: { createdMs: 0, runningMs: 0 },
      cancel: 'both',
      cancelRefuseStatus: 405,
      fractionDigits: 'full',
      latencyMs: 0,
      batch: { enabled: true, refuseStatus: 404, maxRequests: 20, throttledStatus: 200, order: 'reverse' },
    });
    assert.equal((await control('POST', '/config', { pageSize: 0 })).status, 400);
    assert.equal((await control('POST', '/config', { cancel: 'maybe' })).status, 400);
    assert.equal((await control('POST', '/config', { fractionDigits: 3 })).status, 400);
    assert.equal((await control('POST', '/config', { cancel: 'refuse', cancelRefuseStatus: 501, fractionDigits: 'mixed' })).status, 200);
    assert.equal(((await control('GET', '/config')).json as { cancelRefuseStatus: number }).cancelRefuseStatus, 501);
  });

  it('seeds and resets', async () => {
    assert.equal((await control('POST', '/seed', { sessions: 4, promptsPerSession: 1 })).status, 200);
    assert.equal(((await call(ctx.emu, ws('/sessions'))).json.value as Row[]).length, 4);
    assert.equal((await control('POST', '/seed', { sessions: -1 })).status, 400);
    // A named session with many prompts, in one call (the scale tests' 1,000-prompt session).
    assert.equal((await control('POST', '/seed', { sessions: 1, promptsPerSession: 30, displayName: 'Long investigation' })).status, 200);
    const named = ((await call(ctx.emu, ws('/sessions'))).json.value as Row[]).filter((r) => r.displayName === 'Long investigation');
    assert.equal(named.length, 1);
    const prompts = await call(ctx.emu, ws(`/sessions/${String(named[0].id)}/prompts?$top=100`));
    assert.equal((prompts.json.value as Row[]).length, 30);
    // Even the last of many prompts was asked and answered in the past.
    const last = (prompts.json.value as Row[]).sort((a, b) => String(a.createdDateTime).localeCompare(String(b.createdDateTime))).at(-1)!;
    assert.ok(Date.parse(String(last.createdDateTime)) < Date.now());
    const evaluations = await call(ctx.emu, ws(`/sessions/${String(named[0].id)}/prompts/${String(last.id)}/evaluations`));
    assert.equal((evaluations.json.value as Row[])[0].state, 'completed');
    assert.equal((await control('POST', '/seed', { sessions: 1, promptsPerSession: 0, displayName: 7 })).status, 400);
    ctx.emu.addFault({ kind: 'status', status: 500 });
    assert.equal((await control('POST', '/reset')).status, 200);
    const after = await call(ctx.emu, ws('/sessions'));
    assert.equal(after.status, 200, 'faults cleared');
    assert.equal((after.json.value as Row[]).length, 0);
  });

  it('answers unknown control routes and bad JSON', async () => {
    assert.equal((await control('GET', '/nope')).status, 404);
    const res = await fetch(`${ctx.emu.url}/_emulator/faults`, { method: 'POST', body: '{bad', headers: { 'Content-Type': 'application/json' } });
    assert.equal(res.status, 400);
  });
});
