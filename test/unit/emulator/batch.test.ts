// JSON batching in the emulator (POST /beta/$batch): ids, per-part status/headers/body, the same handlers,
// auth and faults as single requests, the refusal option, and how batches are recorded.
import * as assert from 'node:assert/strict';
import { API, call, createEvaluation, createPrompt, createSession, useEmulator, ws } from './helpers';

interface PartReply {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown> & { value?: unknown[]; error?: { code: string } };
}

describe('emulator: $batch', () => {
  const ctx = useEmulator();

  async function batch(requests: unknown, init: { token?: string | null } = {}) {
    const r = await call(ctx.emu, '/beta/$batch', { method: 'POST', body: { requests }, ...init });
    return { ...r, parts: ((r.json.responses ?? []) as PartReply[]) };
  }

  function byId(parts: PartReply[], id: string): PartReply {
    const p = parts.find((x) => x.id === id);
    assert.ok(p, `no response with id ${id}`);
    return p;
  }

  it('answers each request by id with its own status, headers and body', async () => {
    const s = await createSession(ctx.emu, 'Batched');
    const p = await createPrompt(ctx.emu, s.id as string, 'q1');
    await createEvaluation(ctx.emu, s.id as string, p.id as string);
    const base = `/security/securityCopilot/workspaces/default/sessions/${s.id as string}`;
    const r = await batch([
      { id: 'a', method: 'GET', url: `${base}/prompts/${p.id as string}/evaluations` },
      { id: 'b', method: 'GET', url: `${base}/prompts/00000000-0000-4000-8000-000000000000/evaluations` },
      { id: 'c', method: 'GET', url: `security/securityCopilot/workspaces/default/sessions?$top=1` },
    ]);
    assert.equal(r.status, 200);
    assert.deepEqual(r.parts.map((x) => x.id), ['c', 'b', 'a'], 'responses in a different order (reverse by default)');
    const a = byId(r.parts, 'a');
    assert.equal(a.status, 200);
    assert.equal(a.body.value?.length, 1);
    assert.match(a.headers['Content-Type'], /^application\/json/);
    assert.equal(byId(r.parts, 'b').status, 404);
    assert.equal(byId(r.parts, 'b').body.error?.code, 'itemNotFound');
    assert.equal(byId(r.parts, 'c').body.value?.length, 1);
  });

  it('rejects a malformed batch as a whole (400): duplicate ids, too many, not relative', async () => {
    const get = (id: string) => ({ id, method: 'GET', url: '/security/securityCopilot/workspaces' });
    assert.equal((await batch([get('1'), get('1')])).status, 400);
    assert.equal((await batch([get('x'), get('X')])).status, 400, 'ids are not case-sensitive');
    assert.equal((await batch(Array.from({ length: 21 }, (_, i) => get(String(i))))).status, 400);
    assert.equal((await batch([])).status, 400);
    assert.equal((await call(ctx.emu, '/beta/$batch', { method: 'POST', body: { nope: [] } })).status, 400);
    const abs = await batch([{ id: '1', method: 'GET', url: 'https://graph.microsoft.com/beta/security/securityCopilot/workspaces' }]);
    assert.equal(abs.status, 200);
    assert.equal(byId(abs.parts, '1').status, 400, 'an absolute URL fails its own part');
  });

  it('applies auth to every part with the batch token, and writes need the write scope', async () => {
    const noToken = await batch([{ id: '1', method: 'GET', url: '/security/securityCopilot/workspaces' }], { token: null });
    // The batch request itself is answered; each part is refused like the same request alone.
    assert.equal(byId(noToken.parts, '1').status, 401);
  });

  it('lets a fault hit one part only, with its Retry-After in that part', async () => {
    const s = await createSession(ctx.emu, 'Faulty');
    const p1 = await createPrompt(ctx.emu, s.id as string, 'one');
    const p2 = await createPrompt(ctx.emu, s.id as string, 'two');
    ctx.emu.addFault({ kind: 'status', status: 429, retryAfter: '2.5', method: 'GET', path: `/prompts/${p2.id as string}/evaluations` });
    const base = `/security/securityCopilot/workspaces/default/sessions/${s.id as string}/prompts`;
    const r = await batch([
      { id: '1', method: 'GET', url: `${base}/${p1.id as string}/evaluations` },
      { id: '2', method: 'GET', url: `${base}/${p2.id as string}/evaluations` },
    ]);
    assert.equal(r.status, 200, 'a parseable batch is 200 by default');
    assert.equal(byId(r.parts, '1').status, 200);
    assert.equal(byId(r.parts, '2').status, 429);
    assert.equal(byId(r.parts, '2').headers['Retry-After'], '2.5');
    ctx.emu.configure({ batch: { throttledStatus: 424 } });
    ctx.emu.addFault({ kind: 'status', status: 429, method: 'GET', path: `/prompts/${p2.id as string}/evaluations` });
    assert.equal((await batch([{ id: '1', method: 'GET', url: `${base}/${p2.id as string}/evaluations` }])).status, 424);
  });

  it('records the batch and each part distinguishably (round trips = records without batchId)', async () => {
    const s = await createSession(ctx.emu, 'Recorded');
    ctx.emu.clearRequests();
    await batch([
      { id: '1', method: 'GET', url: `/security/securityCopilot/workspaces/default/sessions/${s.id as string}` },
      { id: '2', method: 'GET', url: `/security/securityCopilot/workspaces/default/sessions/${s.id as string}/prompts` },
    ]);
    const recorded = ctx.emu.requests();
    const outer = recorded.filter((r) => r.batchId === undefined);
    assert.deepEqual(outer.map((r) => `${r.method} ${r.path} ${r.status} ${r.batchSize}`), ['POST /beta/$batch 200 2']);
    const parts = recorded.filter((r) => r.batchId === outer[0].requestId);
    assert.deepEqual(parts.map((r) => `${r.method} ${r.path.replace(API, '')} ${r.batchItemId} ${r.status}`), [
      `GET /workspaces/default/sessions/${s.id as string} 1 200`,
      `GET /workspaces/default/sessions/${s.id as string}/prompts 2 200`,
    ]);
  });

  it('runs dependsOn in order and fails dependents of a failed request with 424', async () => {
    const r = await batch([
      { id: '1', method: 'GET', url: '/security/securityCopilot/workspaces/default/sessions/00000000-0000-4000-8000-000000000000' },
      { id: '2', method: 'GET', url: '/security/securityCopilot/workspaces', dependsOn: ['1'] },
    ]);
    assert.equal(byId(r.parts, '1').status, 404);
    assert.equal(byId(r.parts, '2').status, 424);
  });

  for (const refuseStatus of [404, 400]) {
    it(`can refuse $batch altogether (${refuseStatus}) for testing a client's fallback`, async () => {
      ctx.emu.configure({ batch: { enabled: false, refuseStatus } });
      const r = await batch([{ id: '1', method: 'GET', url: '/security/securityCopilot/workspaces' }]);
      assert.equal(r.status, refuseStatus);
      assert.ok(!('responses' in r.json));
      assert.equal((await call(ctx.emu, ws('/sessions'))).status, 200, 'single requests still work');
    });
  }

  it('adds the configured latency once per HTTP request, not per part', async () => {
    ctx.emu.configure({ latencyMs: 150 });
    const started = Date.now();
    await batch(Array.from({ length: 5 }, (_, i) => ({ id: String(i), method: 'GET', url: '/security/securityCopilot/workspaces' })));
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 150 && elapsed < 700, `one round trip of latency (${elapsed} ms)`);
  });
});
