import * as assert from 'node:assert/strict';
import { call, createSession, useEmulator, ws } from './helpers';

type Row = Record<string, unknown>;

describe('emulator: OData query options', () => {
  const ctx = useEmulator();

  async function makeSessions(n: number, name = (i: number) => `Session ${i}`): Promise<Row[]> {
    const out: Row[] = [];
    for (let i = 0; i < n; i++) out.push(await createSession(ctx.emu, name(i)));
    return out;
  }

  it('pages with the default page size of 10 and follows nextLink until exhausted', async () => {
    const created = await makeSessions(23);
    const seen: unknown[] = [];
    let url: string | undefined = ws('/sessions');
    const sizes: number[] = [];
    while (url) {
      const r = await call(ctx.emu, url);
      assert.equal(r.status, 200);
      const value = r.json.value as Row[];
      sizes.push(value.length);
      seen.push(...value.map((v) => v.id));
      const next = r.json['@odata.nextLink'] as string | undefined;
      if (next) {
        assert.ok(next.startsWith(`${ctx.emu.url}/beta/security/securityCopilot/workspaces/default/sessions?`), next);
        assert.match(next, /\$skiptoken=/);
      }
      url = next;
    }
    assert.deepEqual(sizes, [10, 10, 3]);
    assert.deepEqual(seen, created.map((s) => s.id).reverse());
  });

  it('uses $top as the page size and keeps it (and other options) in nextLink', async () => {
    await makeSessions(7);
    const first = await call(ctx.emu, ws('/sessions?$top=3&$select=displayName&$count=true'));
    assert.equal((first.json.value as Row[]).length, 3);
    const next = String(first.json['@odata.nextLink']);
    assert.match(next, /\$top=3/);
    assert.match(next, /\$select=displayName/);
    const second = await call(ctx.emu, next);
    assert.equal((second.json.value as Row[]).length, 3);
    assert.deepEqual(Object.keys((second.json.value as Row[])[0]), ['id', 'displayName']);
    assert.equal(second.json['@odata.count'], 7);
    const third = await call(ctx.emu, String(second.json['@odata.nextLink']));
    assert.equal((third.json.value as Row[]).length, 1);
    assert.equal(third.json['@odata.nextLink'], undefined);
  });

  it('does not repeat or skip items when a session is created between pages', async () => {
    const created = await makeSessions(6);
    const first = await call(ctx.emu, ws('/sessions?$top=3'));
    await createSession(ctx.emu, 'inserted meanwhile');
    const second = await call(ctx.emu, String(first.json['@odata.nextLink']));
    const ids = [...(first.json.value as Row[]), ...(second.json.value as Row[])].map((v) => v.id);
    assert.deepEqual(ids, created.map((s) => s.id).reverse());
  });

  it('honours configure({ pageSize })', async () => {
    await makeSessions(5);
    ctx.emu.configure({ pageSize: 2 });
    const r = await call(ctx.emu, ws('/sessions'));
    assert.equal((r.json.value as Row[]).length, 2);
    assert.ok(r.json['@odata.nextLink']);
  });

  it('rejects bad $top, bad $skiptoken and unsupported options with 400', async () => {
    for (const q of ['$top=-1', '$top=abc', '$skiptoken=nonsense', '$orderby=displayName', '$expand=prompts', '$count=maybe', '$select=nope']) {
      const r = await call(ctx.emu, ws(`/sessions?${q}`));
      assert.equal(r.status, 400, q);
      assert.ok((r.json.error as Row).code);
    }
  });

  it('applies $select (id always included, $ prefix optional) and shows it in @odata.context', async () => {
    const s = await createSession(ctx.emu, 'pick me');
    const r = await call(ctx.emu, ws('/sessions?$select=displayName'));
    assert.deepEqual((r.json.value as Row[])[0], { id: s.id, displayName: 'pick me' });
    assert.match(String(r.json['@odata.context']), /sessions\(displayName\)$/);
    assert.equal(r.json['@microsoft.graph.tips'], undefined);
    const noDollar = await call(ctx.emu, ws('/sessions?select=createdDateTime,displayName'));
    assert.deepEqual(Object.keys((noDollar.json.value as Row[])[0]), ['id', 'createdDateTime', 'displayName']);
    const one = await call(ctx.emu, ws(`/sessions/${String(s.id)}?$select=createdDateTime`));
    assert.equal(one.status, 200);
    assert.deepEqual(Object.keys(one.json), ['@odata.context', 'id', 'createdDateTime']);
    assert.match(String(one.json['@odata.context']), /sessions\(createdDateTime\)\/\$entity$/);
    const bad = await call(ctx.emu, ws(`/sessions/${String(s.id)}?$select=bogus`));
    assert.equal(bad.status, 400);
  });

  it('adds @odata.count with $count=true (the filtered total, on every page)', async () => {
    await makeSessions(12);
    const r = await call(ctx.emu, ws('/sessions?$count=true'));
    assert.equal(r.json['@odata.count'], 12);
    assert.equal((r.json.value as Row[]).length, 10);
    const none = await call(ctx.emu, ws('/sessions'));
    assert.equal(none.json['@odata.count'], undefined);
  });

  it("filters sessions by displayName eq, with '' escaping quotes", async () => {
    await makeSessions(3, (i) => (i === 1 ? "Analyst's notebook" : `Other ${i}`));
    const q = encodeURIComponent("displayName eq 'Analyst''s notebook'");
    const r = await call(ctx.emu, ws(`/sessions?$filter=${q}&$count=true`));
    assert.equal(r.status, 200);
    assert.deepEqual((r.json.value as Row[]).map((v) => v.displayName), ["Analyst's notebook"]);
    assert.equal(r.json['@odata.count'], 1);
    const plus = await call(ctx.emu, ws("/sessions?$filter=displayName+eq+'Other+0'"));
    assert.deepEqual((plus.json.value as Row[]).map((v) => v.displayName), ['Other 0']);
    const contains = await call(ctx.emu, ws(`/sessions?filter=${encodeURIComponent("contains(displayName,'other')")}`));
    assert.equal((contains.json.value as Row[]).length, 2);
  });

  it('filters plugins by name eq, contains(name) and isEnabled eq true', async () => {
    const entra = await call(ctx.emu, ws("/plugins?$filter=name+eq+'Entra'"));
    assert.deepEqual((entra.json.value as Row[]).map((p) => p.name), ['Entra']);
    const contains = await call(ctx.emu, ws(`/plugins?$filter=${encodeURIComponent("contains(name,'Intel')")}`));
    assert.deepEqual((contains.json.value as Row[]).map((p) => p.name), ['ThreatIntelligence']);
    const enabled = await call(ctx.emu, ws('/plugins?$filter=isEnabled eq true'));
    const all = await call(ctx.emu, ws('/plugins'));
    const expected = (all.json.value as Row[]).filter((p) => p.isEnabled === true).map((p) => p.name);
    assert.ok(expected.length > 0 && expected.length < (all.json.value as Row[]).length);
    assert.deepEqual((enabled.json.value as Row[]).map((p) => p.name), expected);
    const sel = await call(ctx.emu, ws('/plugins?$select=displayName&$top=2'));
    assert.deepEqual(Object.keys((sel.json.value as Row[])[0]), ['name', 'displayName']);
    assert.ok(sel.json['@odata.nextLink']);
  });

  it('rejects unsupported or malformed filters with 400', async () => {
    for (const f of [
      "createdDateTime gt '2025-01-01'",
      "description eq 'x'",
      "displayName eq 'unterminated",
      'displayName eq',
      "endswith(name,'a')",
      "contains(displayName,'x'",
    ]) {
      const r = await call(ctx.emu, ws(`/plugins?$filter=${encodeURIComponent(f)}`));
      assert.equal(r.status, 400, f);
      assert.equal((r.json.error as Row).code, 'BadRequest');
    }
    const s = await call(ctx.emu, ws(`/sessions?$filter=${encodeURIComponent("isEnabled eq true")}`));
    assert.equal(s.status, 400);
    const typeMismatch = await call(ctx.emu, ws(`/plugins?$filter=${encodeURIComponent("isEnabled eq 'yes'")}`));
    assert.equal(typeMismatch.status, 400);
  });
});
