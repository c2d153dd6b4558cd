import * as assert from 'node:assert/strict';
import { defaultAnswer, type Emulator, startEmulator } from '../../../emulator';
import { call, createEvaluation, createPrompt, createSession, NEVER, sleep, TIMESTAMP, useEmulator, ws } from './helpers';

type Row = Record<string, unknown>;

describe('emulator: evaluation lifecycle and answers', () => {
  let clock = Date.parse('2025-10-22T20:12:57.000Z');
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ quiet: true, now: () => clock, evaluation: { createdMs: 300, runningMs: 1000 } });
  });
  beforeEach(() => emu.reset());
  after(() => emu.close());

  async function start(content: string): Promise<{ path: string; created: Row }> {
    const s = await createSession(emu);
    const p = await createPrompt(emu, String(s.id), content);
    const e = await createEvaluation(emu, String(s.id), String(p.id));
    return { path: ws(`/sessions/${String(s.id)}/prompts/${String(p.id)}/evaluations/${String(e.id)}`), created: e };
  }

  it('moves created -> running -> completed from elapsed time on each read', async () => {
    const { path, created } = await start('who am I');
    assert.equal(created.state, 'created');

    clock += 100;
    let r = await call(emu, path);
    assert.equal(r.json.state, 'created');
    assert.equal(r.json.result, null);
    assert.equal(r.json.runStartDateTime, NEVER);

    clock += 250; // 350 ms: running
    r = await call(emu, path);
    assert.equal(r.json.state, 'running');
    assert.match(String(r.json.runStartDateTime), TIMESTAMP);
    assert.ok(String(r.json.runStartDateTime) > String(created.createdDateTime));
    assert.equal(r.json.completedDateTime, NEVER);
    assert.deepEqual(r.json.result, { content: null, type: 'unknown', previewState: 'ga' });
    assert.equal(r.json.lastModifiedDateTime, r.json.runStartDateTime);
    const runStart = r.json.runStartDateTime;

    clock += 1000; // 1350 ms: completed
    r = await call(emu, path);
    assert.equal(r.json.state, 'completed');
    assert.equal(r.json.runStartDateTime, runStart, 'stable across reads');
    assert.match(String(r.json.completedDateTime), TIMESTAMP);
    assert.ok(String(r.json.completedDateTime) > String(runStart));
    assert.equal(r.json.lastModifiedDateTime, r.json.completedDateTime);
    assert.equal(r.json.executionCount, 0);
    assert.equal(r.json.isCancelled, false);
    const result = r.json.result as Row;
    assert.equal(result.type, 'success');
    assert.equal(result.previewState, 'ga');
    assert.equal(result.content, defaultAnswer('who am I'));
  });

  it('follows configure({ evaluation }) for new evaluations only', async () => {
    const first = await start('one');
    emu.configure({ evaluation: { createdMs: 0, runningMs: 0 } });
    const second = await start('two');
    assert.equal(second.created.state, 'completed');
    assert.equal((await call(emu, first.path)).json.state, 'created');
  });

  it('uses answer rules: substring match (case-insensitive), content verbatim, per-rule durations', async () => {
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script> **bold** <a href="javascript:alert(3)">x</a>';
    emu.addAnswerRule({ match: 'XSS', content: hostile, createdMs: 10, runningMs: 20 });
    const { path } = await start('please test xss handling');
    clock += 15;
    assert.equal((await call(emu, path)).json.state, 'running');
    clock += 20;
    const r = await call(emu, path);
    assert.equal(r.json.state, 'completed');
    assert.equal((r.json.result as Row).content, hostile);
    // the rule keeps applying (not once) and does not apply to other prompts
    const again = await start('More XSS');
    clock += 100;
    assert.equal(((await call(emu, again.path)).json.result as Row).content, hostile);
    const other = await start('who am I');
    clock += 2000;
    assert.notEqual(((await call(emu, other.path)).json.result as Row).content, hostile);
  });

  it('applies a once rule a single time and a rule without match to every prompt', async () => {
    emu.addAnswerRule({ content: 'first only', once: true });
    emu.addAnswerRule({ content: 'everything else' });
    const a = await start('a');
    const b = await start('b');
    clock += 5000;
    assert.equal(((await call(emu, a.path)).json.result as Row).content, 'first only');
    assert.equal(((await call(emu, b.path)).json.result as Row).content, 'everything else');
    emu.clearAnswerRules();
    const c = await start('c');
    clock += 5000;
    assert.equal(((await call(emu, c.path)).json.result as Row).content, defaultAnswer('c'));
  });

  it('completes non-success result types with state completed and an explanatory message', async () => {
    for (const type of ['error', 'rejected', 'timedOut', 'capacityExceeded', 'needAdditionalClaims'] as const) {
      emu.addAnswerRule({ match: `case-${type}`, type });
      const { path } = await start(`case-${type}`);
      clock += 5000;
      const r = await call(emu, path);
      assert.equal(r.json.state, 'completed', type);
      const result = r.json.result as Row;
      assert.equal(result.type, type);
      assert.equal(typeof result.content, 'string');
      assert.ok(String(result.content).length > 10);
    }
    emu.addAnswerRule({ match: 'custom', type: 'error', content: 'Custom failure' });
    const { path } = await start('custom');
    clock += 5000;
    assert.deepEqual((await call(emu, path)).json.result, { content: 'Custom failure', type: 'error', previewState: 'ga' });
  });

  it('writes a deterministic Markdown default answer with a table, and KQL for hunting questions', () => {
    const plain = defaultAnswer('Summarize incident 4821');
    assert.equal(plain, defaultAnswer('Summarize incident 4821'));
    assert.match(plain, /^## /);
    assert.match(plain, /\n- /);
    assert.match(plain, /\n\| --- \|/);
    assert.doesNotMatch(plain, /```kql/);
    const hunting = defaultAnswer('Write a KQL query to hunt for password spray');
    assert.match(hunting, /```kql\n[\s\S]+\n```/);
  });

  it('filters evaluations by state', async () => {
    const s = await createSession(emu);
    const p = await createPrompt(emu, String(s.id));
    await createEvaluation(emu, String(s.id), String(p.id));
    clock += 5000;
    await createEvaluation(emu, String(s.id), String(p.id));
    const r = await call(emu, ws(`/sessions/${String(s.id)}/prompts/${String(p.id)}/evaluations?$filter=state eq 'completed'`));
    assert.equal((r.json.value as Row[]).length, 1);
  });
});

describe('emulator: lifecycle on the real clock', () => {
  const ctx = useEmulator({ evaluation: { createdMs: 40, runningMs: 80 } });

  it('completes within the configured durations', async () => {
    const s = await createSession(ctx.emu);
    const p = await createPrompt(ctx.emu, String(s.id), 'hunt for encoded powershell');
    const e = await createEvaluation(ctx.emu, String(s.id), String(p.id));
    const path = ws(`/sessions/${String(s.id)}/prompts/${String(p.id)}/evaluations/${String(e.id)}`);
    const states = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = await call(ctx.emu, path);
      states.add(String(r.json.state));
      if (r.json.state === 'completed') break;
      await sleep(10);
    }
    assert.ok(states.has('completed'));
    assert.ok(states.has('running'));
  });
});
