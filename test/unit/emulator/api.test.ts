import * as assert from 'node:assert/strict';
import { API, call, createEvaluation, createPrompt, createSession, GUID, NEVER, TIMESTAMP, useEmulator, ws } from './helpers';

function keys(o: Record<string, unknown>): string[] {
  return Object.keys(o).sort();
}

function assertErrorShape(json: Record<string, unknown>, code?: string): void {
  const error = json.error as Record<string, unknown>;
  assert.ok(error, 'has error');
  assert.deepEqual(keys(error), ['code', 'innerError', 'message']);
  assert.equal(typeof error.code, 'string');
  assert.equal(typeof error.message, 'string');
  if (code) assert.equal(error.code, code);
  const inner = error.innerError as Record<string, unknown>;
  assert.deepEqual(keys(inner), ['client-request-id', 'date', 'request-id']);
  assert.match(String(inner['request-id']), GUID);
}

describe('emulator: Graph API shapes', () => {
  const ctx = useEmulator({ evaluation: { createdMs: 60, runningMs: 120 } });

  it('lists the one workspace and carries the Graph response headers', async () => {
    const r = await call(ctx.emu, `${API}/workspaces`, { headers: { 'client-request-id': 'my-id-1' } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(r.headers.get('request-id') ?? '', GUID);
    assert.equal(r.headers.get('client-request-id'), 'my-id-1');
    assert.ok(r.headers.get('date'));
    assert.doesNotThrow(() => JSON.parse(r.headers.get('x-ms-ags-diagnostic') ?? ''));
    assert.equal(r.json['@odata.context'], `${ctx.emu.url}/beta/$metadata#security/securityCopilot/workspaces`);
    assert.equal(typeof r.json['@microsoft.graph.tips'], 'string');
    const value = r.json.value as Array<Record<string, unknown>>;
    assert.equal(value.length, 1);
    assert.deepEqual(keys(value[0]), ['@odata.type', 'displayName', 'id']);
    assert.equal(value[0]['@odata.type'], '#microsoft.graph.security.securityCopilot.workspace');
    assert.match(String(value[0].id), GUID);
    assert.equal(typeof value[0].displayName, 'string');
  });

  it('generates a client-request-id when the request has none', async () => {
    const r = await call(ctx.emu, `${API}/workspaces`);
    assert.match(r.headers.get('client-request-id') ?? '', GUID);
  });

  it('resolves the default alias and the workspace GUID alike; unknown workspaces are 404', async () => {
    const list = await call(ctx.emu, `${API}/workspaces`);
    const id = String((list.json.value as Array<Record<string, unknown>>)[0].id);
    const s = await createSession(ctx.emu, 'alias');
    const byGuid = await call(ctx.emu, `${API}/workspaces/${id}/sessions/${String(s.id)}`);
    assert.equal(byGuid.status, 200);
    assert.equal(byGuid.json.displayName, 'alias');
    assert.match(String(byGuid.json['@odata.context']), new RegExp(`workspaces\\('${id}'\\)/sessions/\\$entity$`));
    const unknown = await call(ctx.emu, `${API}/workspaces/00000000-0000-0000-0000-000000000000/sessions`);
    assert.equal(unknown.status, 404);
    assertErrorShape(unknown.json, 'itemNotFound');
  });

  it('creates a session (201) in the documented shape', async () => {
    const r = await call(ctx.emu, ws('/sessions'), {
      body: { '@odata.type': '#microsoft.graph.security.securityCopilot.session', displayName: 'Who am I' },
    });
    assert.equal(r.status, 201);
    assert.equal(
      r.json['@odata.context'],
      `${ctx.emu.url}/beta/$metadata#security/securityCopilot/workspaces('default')/sessions/$entity`,
    );
    assert.deepEqual(keys(r.json), ['@odata.context', 'createdDateTime', 'displayName', 'id', 'lastModifiedDateTime']);
    assert.match(String(r.json.id), GUID);
    assert.match(String(r.json.createdDateTime), TIMESTAMP);
    assert.equal(r.json.createdDateTime, r.json.lastModifiedDateTime);
    assert.equal(r.json.displayName, 'Who am I');
    assert.equal(r.headers.get('location'), `${ctx.emu.url}${ws(`/sessions/${String(r.json.id)}`)}`);
  });

  it('rejects session bodies without displayName, non-JSON bodies and unknown properties with 400', async () => {
    for (const init of [{ body: {} }, { body: { displayName: '' } }, { body: { displayName: 5 } }, { rawBody: '{"displayName": "x",' }, { rawBody: '[]' }, { body: { displayName: 'x', color: 'red' } }]) {
      const r = await call(ctx.emu, ws('/sessions'), { method: 'POST', ...init });
      assert.equal(r.status, 400, JSON.stringify(init));
      assertErrorShape(r.json);
    }
  });

  it('gets and renames a session (PATCH -> 200 with body, bumps lastModifiedDateTime)', async () => {
    const s = await createSession(ctx.emu, 'API: who am I');
    const got = await call(ctx.emu, ws(`/sessions/${String(s.id)}`));
    assert.equal(got.status, 200);
    assert.deepEqual(keys(got.json).filter((k) => !k.startsWith('@')), ['createdDateTime', 'displayName', 'id', 'lastModifiedDateTime']);
    const patched = await call(ctx.emu, ws(`/sessions/${String(s.id)}`), { method: 'PATCH', body: { displayName: 'API Test: Who am I?' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.json.displayName, 'API Test: Who am I?');
    assert.equal(patched.json.createdDateTime, s.createdDateTime);
    assert.ok(String(patched.json.lastModifiedDateTime) > String(s.lastModifiedDateTime));
    assert.match(String(patched.json['@odata.context']), /sessions\/\$entity$/);
    const again = await call(ctx.emu, ws(`/sessions/${String(s.id)}`));
    assert.equal(again.json.displayName, 'API Test: Who am I?');
  });

  it('lists sessions newest first with a tips annotation', async () => {
    const a = await createSession(ctx.emu, 'older');
    const b = await createSession(ctx.emu, 'newer');
    const r = await call(ctx.emu, ws('/sessions'));
    assert.equal(r.status, 200);
    assert.equal(r.json['@odata.context'], `${ctx.emu.url}/beta/$metadata#security/securityCopilot/workspaces('default')/sessions`);
    assert.match(String(r.json['@microsoft.graph.tips']), /\$select/);
    const ids = (r.json.value as Array<Record<string, unknown>>).map((v) => v.id);
    assert.deepEqual(ids, [b.id, a.id]);
    assert.equal(r.json['@odata.nextLink'], undefined);
  });

  it('creates, lists and gets prompts in the documented shape', async () => {
    const s = await createSession(ctx.emu);
    const r = await call(ctx.emu, ws(`/sessions/${String(s.id)}/prompts`), {
      body: { '@odata.type': '#microsoft.graph.security.securityCopilot.prompt', type: 'prompt', content: 'who am I' },
    });
    assert.equal(r.status, 201);
    assert.equal(r.json['@odata.context'], `${ctx.emu.url}/beta/$metadata#security/securityCopilot/workspaces('default')/sessions('${String(s.id)}')/prompts/$entity`);
    assert.deepEqual(keys(r.json), ['@odata.context', 'content', 'createdDateTime', 'id', 'inputs', 'lastModifiedDateTime', 'skillInputDescriptors', 'skillName', 'type']);
    assert.equal(r.json.type, 'prompt');
    assert.equal(r.json.skillName, null);
    assert.deepEqual(r.json.inputs, { keyValuePairs: [] });
    assert.deepEqual(r.json.skillInputDescriptors, []);
    assert.match(String(r.json.createdDateTime), TIMESTAMP);
    const list = await call(ctx.emu, ws(`/sessions/${String(s.id)}/prompts`));
    assert.equal(list.json['@odata.context'], `${ctx.emu.url}/beta/$metadata#security/securityCopilot/workspaces('default')/sessions('${String(s.id)}')/prompts`);
    assert.deepEqual((list.json.value as Array<Record<string, unknown>>).map((p) => p.id), [r.json.id]);
    const got = await call(ctx.emu, ws(`/sessions/${String(s.id)}/prompts/${String(r.json.id)}`));
    assert.equal(got.status, 200);
    assert.equal(got.json.content, 'who am I');
  });

  it('rejects prompt types other than prompt, and empty content, with 400', async () => {
    const s = await createSession(ctx.emu);
    for (const type of ['skill', 'context', 'feedback', 'unknown']) {
      const r = await call(ctx.emu, ws(`/sessions/${String(s.id)}/prompts`), { body: { type, content: 'x' } });
      assert.equal(r.status, 400);
      assertErrorShape(r.json);
      assert.match(String((r.json.error as Record<string, unknown>).message), /only the prompt type 'prompt' is supported/i);
    }
    for (const body of [{ type: 'prompt' }, { type: 'prompt', content: '' }, { type: 'prompt', content: '   ' }, { content: 'x' }, { type: 'bogus', content: 'x' }]) {
      const r = await call(ctx.emu, ws(`/sessions/${String(s.id)}/prompts`), { body });
      assert.equal(r.status, 400, JSON.stringify(body));
    }
  });

  it('creates an evaluation (201, state created) and bumps the prompt lastModifiedDateTime', async () => {
    const s = await createSession(ctx.emu);
    const p = await createPrompt(ctx.emu, String(s.id));
    const r = await call(ctx.emu, ws(`/sessions/${String(s.id)}/prompts/${String(p.id)}/evaluations`), { body: {} });
    assert.equal(r.status, 201);
    assert.equal(
      r.json['@odata.context'],
      `${ctx.emu.url}/beta/$metadata#security/securityCopilot/workspaces('default')/sessions('${String(s.id)}')/prompts('${String(p.id)}')/evaluations/$entity`,
    );
    assert.deepEqual(keys(r.json), [
      '@odata.context',
      'completedDateTime',
      'createdDateTime',
      'executionCount',
      'id',
      'isCancelled',
      'lastModifiedDateTime',
      'result',
      'runStartDateTime',
      'state',
    ]);
    assert.equal(r.json.state, 'created');
    assert.equal(r.json.result, null);
    assert.equal(r.json.runStartDateTime, NEVER);
    assert.equal(r.json.completedDateTime, NEVER);
    assert.equal(r.json.executionCount, 0);
    assert.equal(r.json.isCancelled, false);
    assert.match(String(r.json.createdDateTime), TIMESTAMP);
    const prompt = await call(ctx.emu, ws(`/sessions/${String(s.id)}/prompts/${String(p.id)}`));
    assert.ok(String(prompt.json.lastModifiedDateTime) > String(r.json.createdDateTime));
    assert.equal(prompt.json.createdDateTime, p.createdDateTime);
  });

  it('accepts an empty body for evaluation create, and lists evaluations as a value collection', async () => {
    const s = await createSession(ctx.emu);
    const p = await createPrompt(ctx.emu, String(s.id));
    const r = await call(ctx.emu, ws(`/sessions/${String(s.id)}/prompts/${String(p.id)}/evaluations`), { method: 'POST' });
    assert.equal(r.status, 201);
    const e2 = await createEvaluation(ctx.emu, String(s.id), String(p.id));
    const list = await call(ctx.emu, ws(`/sessions/${String(s.id)}/prompts/${String(p.id)}/evaluations/`));
    assert.equal(list.status, 200);
    assert.match(String(list.json['@odata.context']), /prompts\('[^']+'\)\/evaluations$/);
    assert.deepEqual((list.json.value as Array<Record<string, unknown>>).map((e) => e.id), [r.json.id, e2.id]);
  });

  it('lists plugins with the documented properties and the Entra docs example', async () => {
    const r = await call(ctx.emu, ws('/plugins'));
    assert.equal(r.status, 200);
    assert.equal(r.json['@odata.context'], `${ctx.emu.url}/beta/$metadata#security/securityCopilot/workspaces('default')/plugins`);
    const plugins = r.json.value as Array<Record<string, unknown>>;
    const names = plugins.map((p) => p.name);
    for (const n of ['Entra', 'Defender', 'Sentinel', 'ThreatIntelligence']) assert.ok(names.includes(n), n);
    for (const p of plugins) {
      assert.deepEqual(keys(p), ['authorization', 'catalogScope', 'category', 'description', 'displayName', 'isEnabled', 'name', 'previewState', 'settings']);
      assert.equal(typeof p.isEnabled, 'boolean');
      assert.ok(Array.isArray(p.settings));
    }
    const entra = plugins.find((p) => p.name === 'Entra');
    assert.deepEqual(entra, {
      name: 'Entra',
      displayName: 'Microsoft Entra',
      description: 'Skills that interact with the Microsoft Graph APIs.',
      category: 'microsoft',
      catalogScope: 'global',
      previewState: 'ga',
      isEnabled: true,
      authorization: null,
      settings: [],
    });
  });

  it('answers unknown ids with 404 itemNotFound', async () => {
    const s = await createSession(ctx.emu);
    const p = await createPrompt(ctx.emu, String(s.id));
    const missing = '11111111-2222-4333-8444-555555555555';
    for (const path of [
      ws(`/sessions/${missing}`),
      ws(`/sessions/${missing}/prompts`),
      ws(`/sessions/${String(s.id)}/prompts/${missing}`),
      ws(`/sessions/${String(s.id)}/prompts/${missing}/evaluations`),
      ws(`/sessions/${String(s.id)}/prompts/${String(p.id)}/evaluations/${missing}`),
    ]) {
      const r = await call(ctx.emu, path);
      assert.equal(r.status, 404, path);
      assertErrorShape(r.json, 'itemNotFound');
    }
  });

  it('answers unknown routes with 404 and undocumented methods with 405', async () => {
    for (const path of [`${API}/nothing`, ws('/sessionz'), '/v1.0/security/securityCopilot/workspaces', ws('/sessions/x/prompts/y/evaluations/z/more')]) {
      const r = await call(ctx.emu, path);
      assert.equal(r.status, 404, path);
      assertErrorShape(r.json);
    }
    const s = await createSession(ctx.emu);
    const p = await createPrompt(ctx.emu, String(s.id));
    const cases: Array<[string, string]> = [
      ['DELETE', ws(`/sessions/${String(s.id)}`)],
      ['PUT', ws(`/sessions/${String(s.id)}`)],
      ['PUT', ws('/sessions')],
      ['PATCH', ws(`/sessions/${String(s.id)}/prompts/${String(p.id)}`)],
      ['DELETE', ws(`/sessions/${String(s.id)}/prompts/${String(p.id)}`)],
      ['POST', `${API}/workspaces`],
      ['POST', ws('/plugins')],
      ['GET', ws('')],
    ];
    for (const [method, path] of cases) {
      const r = await call(ctx.emu, path, { method, body: method === 'GET' || method === 'DELETE' ? undefined : { displayName: 'x' } });
      assert.equal(r.status, 405, `${method} ${path}`);
      assertErrorShape(r.json);
    }
    // the session survives the refused DELETE
    assert.equal((await call(ctx.emu, ws(`/sessions/${String(s.id)}`))).status, 200);
  });

  it('accepts OData key syntax in paths', async () => {
    const s = await createSession(ctx.emu, 'keyed');
    const r = await call(ctx.emu, `${API}/workspaces('default')/sessions('${String(s.id)}')`);
    assert.equal(r.status, 200);
    assert.equal(r.json.displayName, 'keyed');
  });
});
