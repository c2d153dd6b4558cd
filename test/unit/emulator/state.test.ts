import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Emulator, startEmulator } from '../../../emulator';
import { call, createEvaluation, createPrompt, createSession, GUID, TIMESTAMP, ws } from './helpers';

type Row = Record<string, unknown>;

async function allSessions(emu: Emulator): Promise<Row[]> {
  const out: Row[] = [];
  let url: string | undefined = ws('/sessions?$top=50');
  while (url) {
    const r = await call(emu, url);
    out.push(...(r.json.value as Row[]));
    url = r.json['@odata.nextLink'] as string | undefined;
  }
  return out;
}

describe('emulator: seed and state file', () => {
  const baseTime = '2025-11-01T12:00:00Z';

  it('seeds N sessions with M prompts, each with one completed Markdown evaluation', async () => {
    const emu = await startEmulator({ quiet: true, seed: { sessions: 15, promptsPerSession: 3, baseTime } });
    try {
      const sessions = await allSessions(emu);
      assert.equal(sessions.length, 15);
      const nulls = sessions.filter((s) => s.displayName === null);
      assert.ok(nulls.length >= 1 && nulls.length <= 2, `null names: ${nulls.length}`);
      for (const s of sessions) {
        assert.match(String(s.id), GUID);
        assert.match(String(s.createdDateTime), TIMESTAMP);
        assert.ok(String(s.lastModifiedDateTime) >= String(s.createdDateTime));
      }
      const created = sessions.map((s) => String(s.createdDateTime));
      assert.deepEqual([...created].sort().reverse(), created, 'newest first');
      const spanDays = (Date.parse(created[0]) - Date.parse(created[created.length - 1])) / 86_400_000;
      assert.ok(spanDays > 7, `spread over weeks (${spanDays.toFixed(1)} days)`);
      assert.ok(Date.parse(created[0]) < Date.parse(baseTime));

      let kql = 0;
      let tables = 0;
      for (const s of sessions.slice(0, 6)) {
        const prompts = (await call(emu, ws(`/sessions/${String(s.id)}/prompts`))).json.value as Row[];
        assert.equal(prompts.length, 3);
        for (const p of prompts) {
          const evals = (await call(emu, ws(`/sessions/${String(s.id)}/prompts/${String(p.id)}/evaluations`))).json.value as Row[];
          assert.equal(evals.length, 1);
          assert.equal(evals[0].state, 'completed');
          const result = evals[0].result as Row;
          assert.equal(result.type, 'success');
          const content = String(result.content);
          assert.match(content, /^## /);
          if (content.includes('```kql')) kql++;
          if (content.includes('| --- |')) tables++;
          assert.ok(String(p.lastModifiedDateTime) > String(p.createdDateTime));
        }
      }
      assert.ok(kql > 0, 'some answers carry KQL');
      assert.ok(tables > 0, 'some answers carry tables');
    } finally {
      await emu.close();
    }
  });

  it('is deterministic for the same seed and base time', async () => {
    const a = await startEmulator({ quiet: true, seed: { sessions: 5, promptsPerSession: 2, baseTime } });
    const b = await startEmulator({ quiet: true, seed: { sessions: 5, promptsPerSession: 2, baseTime } });
    try {
      assert.deepEqual(await allSessions(a), await allSessions(b));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('saves every change to the state file and loads it on the next start', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-emu-'));
    const stateFile = path.join(dir, 'state.json');
    try {
      const first = await startEmulator({ quiet: true, stateFile, seed: { sessions: 2, promptsPerSession: 1 }, evaluation: { createdMs: 0, runningMs: 0 } });
      const s = await createSession(first, 'persist me');
      const p = await createPrompt(first, String(s.id), 'remember this');
      const e = await createEvaluation(first, String(s.id), String(p.id));
      await call(first, ws(`/sessions/${String(s.id)}`), { method: 'PATCH', body: { displayName: 'persisted' } });
      await first.close();
      assert.ok(fs.existsSync(stateFile));

      // The seed option does not add to a loaded state.
      const second = await startEmulator({ quiet: true, stateFile, seed: { sessions: 2, promptsPerSession: 1 } });
      try {
        const sessions = await allSessions(second);
        assert.equal(sessions.length, 3);
        assert.equal(sessions[0].displayName, 'persisted');
        const ev = await call(second, ws(`/sessions/${String(s.id)}/prompts/${String(p.id)}/evaluations/${String(e.id)}`));
        assert.equal(ev.status, 200);
        assert.equal(ev.json.state, 'completed');
        assert.equal((ev.json.result as Row).type, 'success');
        // debounced save after a change
        await createSession(second, 'later');
        await new Promise((r) => setTimeout(r, 150));
        const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { sessions: Row[] };
        assert.ok(saved.sessions.some((x) => x.displayName === 'later'));
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
