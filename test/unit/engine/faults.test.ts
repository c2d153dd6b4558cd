// The fault matrix: every operation a user starts × every fault the emulator injects, through the real Graph
// client and engine over HTTP. Each cell checks three things:
//   1. what the user reads (the text the tree row, the panel or the notification shows, through the same
//      describeFailure the extension uses), or that the operation simply worked;
//   2. recovery once the fault clears, through the action the user is offered (Retry, Refresh, send again…);
//   3. exactly one create in the emulator for each create the user asked for (none for reads).
// Client timeout and backoffs are made short through the client's and engine's options, not by waiting.
import * as assert from 'node:assert/strict';
import { type Emulator, type FaultSpec, startEmulator } from '../../../emulator';
import type { StateSnapshot } from '../../../emulator/types';
import { describeFailure } from '../../../src/core/errorView';
import { CopilotEngine } from '../../../src/engine';
import { SecurityCopilotClient, type TokenRequestOptions } from '../../../src/graph';
import { until, WS } from './helpers';

/** Per-attempt client timeout in this file. */
const TIMEOUT_MS = 400;
/** A slow fault holds its request this long at most: clearing the faults lets it go (after the client gave up). */
const SLOW_MS = 30_000;
/** A fault that lasts until the test clears it (an outage, throttling, a missing role). */
const UNTIL_CLEARED = 1000;

interface Cell {
  emulator: Emulator;
  client: SecurityCopilotClient;
  engine: CopilotEngine;
  /** Token requests with forceRefresh (the silent refresh after a 401). */
  refreshes: number;
  /** What the operation works on (set up before the fault). */
  sessionId: string;
  promptId: string;
  /** Everything the user was shown while the operation ran (messages, notes). */
  shown: string[];
}

type Kind = 'read' | 'write' | 'poll';

interface Operation {
  name: string;
  kind: Kind;
  /** Every fault is absorbed (the $batch falls back to single reads): the user never sees it. */
  absorbsEveryFault?: boolean;
  /** Reads in a $batch. */
  batched?: boolean;
  /** The requests the fault hits. */
  target(c: Cell): { method: string; path: string };
  setup(c: Cell): Promise<void>;
  /** The user's action, until it settled; the error message the user reads, or undefined when it worked. */
  act(c: Cell): Promise<string | undefined>;
  /** The recovery the user is offered after `message`, once the fault cleared. */
  recover(c: Cell, message: string): Promise<void>;
  /** What the user sees afterwards, and what the emulator holds. */
  check(c: Cell, state: StateSnapshot): void;
}

const NAME = 'Matrix session';
const PROMPT = 'Which accounts signed in from 203.0.113.7?';

async function state(emulator: Emulator): Promise<StateSnapshot> {
  const res = await fetch(`${emulator.url}/_emulator/state`);
  return (await res.json()) as StateSnapshot;
}

async function graph<T = { id: string }>(emulator: Emulator, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emulator.url}/beta/security/securityCopilot/workspaces/${WS}/${route}`, {
    method,
    headers: { authorization: 'Bearer test-setup', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`setup ${method} ${route} -> ${res.status}`);
  return (await res.json()) as T;
}

/** What the user reads for a failure, as the tree row / panel / notification shows it. */
const read = (e: unknown): string => describeFailure(e).message;

async function answered(c: Cell): Promise<void> {
  await c.engine.waitForAnswer(c.sessionId, c.promptId);
}

/** A session with one prompt answered once, made directly in the emulator. */
async function answeredPrompt(c: Cell): Promise<void> {
  c.sessionId = (await graph(c.emulator, 'POST', 'sessions', { displayName: NAME })).id;
  c.promptId = (await graph(c.emulator, 'POST', `sessions/${c.sessionId}/prompts`, { type: 'prompt', content: PROMPT })).id;
  await graph(c.emulator, 'POST', `sessions/${c.sessionId}/prompts/${c.promptId}/evaluations`, {});
}

const OPERATIONS: Operation[] = [
  {
    name: 'list sessions',
    kind: 'read',
    target: () => ({ method: 'GET', path: '/sessions?' }),
    setup: async (c) => c.emulator.seed({ sessions: 3, promptsPerSession: 0 }),
    act: async (c) => {
      await c.engine.reloadList();
      const list = c.engine.list;
      return list.status === 'error' ? read(list.error) : undefined;
    },
    recover: (c) => c.engine.reloadList(), // the error row's "click to retry"
    check: (c, s) => {
      assert.equal(c.engine.list.status, 'loaded');
      assert.equal(c.engine.list.sessions.length, 3);
      assert.equal(s.sessions.length, 3, 'nothing created');
    },
  },
  {
    name: 'open session (prompts)',
    kind: 'read',
    target: (c) => ({ method: 'GET', path: `/sessions/${c.sessionId}/prompts?` }),
    setup: answeredPrompt,
    act: async (c) => {
      await c.engine.loadSession(c.sessionId, { evaluations: true });
      const d = c.engine.detail(c.sessionId)!;
      return d.status === 'error' ? read(d.error) : undefined;
    },
    recover: (c) => c.engine.loadSession(c.sessionId, { evaluations: true, force: true }), // the panel's Refresh
    check: (c, s) => {
      const d = c.engine.detail(c.sessionId)!;
      assert.equal(d.status, 'loaded');
      assert.deepEqual(d.prompts.map((p) => [p.prompt.content, p.evaluations?.length, p.evaluationsError]), [[PROMPT, 1, undefined]]);
      assert.equal(s.prompts.length + s.evaluations.length, 2, 'nothing created');
    },
  },
  {
    name: 'open session (answers)',
    kind: 'read',
    batched: true,
    target: () => ({ method: 'GET', path: '/evaluations' }),
    setup: async (c) => {
      await answeredPrompt(c);
      // A second answered prompt, so the answers are read in one $batch (its parts go through the same faults).
      const second = (await graph(c.emulator, 'POST', `sessions/${c.sessionId}/prompts`, { type: 'prompt', content: 'And from 198.51.100.9?' })).id;
      await graph(c.emulator, 'POST', `sessions/${c.sessionId}/prompts/${second}/evaluations`, {});
    },
    act: async (c) => {
      await c.engine.loadSession(c.sessionId, { evaluations: true });
      const d = c.engine.detail(c.sessionId)!;
      if (d.status === 'error') return read(d.error);
      return d.prompts.map((p) => p.evaluationsError).find((e) => e !== undefined);
    },
    recover: async (c) => {
      // Retry next to each prompt that says its answers could not be loaded.
      for (const p of c.engine.detail(c.sessionId)!.prompts) if (p.evaluationsError) await c.engine.retry(c.sessionId, p.prompt.id);
    },
    check: (c, s) => {
      const d = c.engine.detail(c.sessionId)!;
      assert.deepEqual(d.prompts.map((p) => [p.evaluations?.length, p.evaluationsError, p.run.kind]), [[1, undefined, 'idle'], [1, undefined, 'idle']]);
      assert.equal(s.evaluations.length, 2, 'no evaluation started');
    },
  },
  {
    name: 'open session (answers, the $batch request itself)',
    kind: 'read',
    absorbsEveryFault: true,
    batched: true,
    target: () => ({ method: 'POST', path: '/$batch' }),
    setup: async (c) => {
      await answeredPrompt(c);
      const second = (await graph(c.emulator, 'POST', `sessions/${c.sessionId}/prompts`, { type: 'prompt', content: 'And from 198.51.100.9?' })).id;
      await graph(c.emulator, 'POST', `sessions/${c.sessionId}/prompts/${second}/evaluations`, {});
    },
    act: async (c) => {
      await c.engine.loadSession(c.sessionId, { evaluations: true });
      const d = c.engine.detail(c.sessionId)!;
      if (d.status === 'error') return read(d.error);
      return d.prompts.map((p) => p.evaluationsError).find((e) => e !== undefined);
    },
    recover: async () => undefined,
    check: (c, s) => {
      const d = c.engine.detail(c.sessionId)!;
      assert.deepEqual(d.prompts.map((p) => [p.evaluations?.length, p.evaluationsError]), [[1, undefined], [1, undefined]], 'a failed batch is read again one by one');
      assert.equal(c.client.batchingRefused, false, 'a passing fault does not turn batching off for the window');
      assert.equal(s.evaluations.length, 2, 'no evaluation started');
    },
  },
  {
    name: 'create session',
    kind: 'write',
    target: () => ({ method: 'POST', path: '/sessions' }),
    setup: async () => undefined,
    act: async (c) => {
      try {
        c.sessionId = (await c.engine.createSession(NAME)).id;
        return undefined;
      } catch (e) {
        return read(e); // "Could not create the session: …"
      }
    },
    recover: async (c) => {
      c.sessionId = (await c.engine.createSession(NAME)).id; // Create Copilot Session again, same name
    },
    check: (c, s) => {
      assert.deepEqual(s.sessions.map((x) => x.displayName), [NAME], 'exactly one session');
      assert.equal(c.engine.list.sessions[0]?.id, c.sessionId, 'and the tree shows it');
    },
  },
  {
    name: 'rename session',
    kind: 'write',
    target: (c) => ({ method: 'PATCH', path: `/sessions/${c.sessionId}` }),
    setup: async (c) => {
      c.sessionId = (await graph(c.emulator, 'POST', 'sessions', { displayName: 'Before' })).id;
      await c.engine.reloadList();
    },
    act: async (c) => {
      try {
        await c.engine.rename(c.sessionId, 'After');
        return undefined;
      } catch (e) {
        return read(e);
      }
    },
    recover: async (c) => {
      await c.engine.rename(c.sessionId, 'After');
    },
    check: (c, s) => {
      assert.deepEqual(s.sessions.map((x) => x.displayName), ['After']);
      assert.equal(c.engine.session(c.sessionId)?.displayName, 'After', 'the tree and panel show the new name');
    },
  },
  {
    name: 'submit prompt',
    kind: 'write',
    target: () => ({ method: 'POST', path: '/prompts' }),
    setup: async (c) => {
      c.sessionId = (await graph(c.emulator, 'POST', 'sessions', { displayName: NAME })).id;
      await c.engine.loadSession(c.sessionId, { evaluations: true });
    },
    act: async (c) => {
      try {
        c.promptId = (await c.engine.submit(c.sessionId, PROMPT)).promptId;
      } catch (e) {
        return read(e); // the panel's send error under the prompt box
      }
      await answered(c);
      return undefined;
    },
    recover: async (c) => {
      c.promptId = (await c.engine.submit(c.sessionId, PROMPT)).promptId; // Send again
      await answered(c);
    },
    check: (c, s) => {
      assert.equal(s.prompts.filter((p) => p.content === PROMPT).length, 1, 'exactly one prompt');
      assert.equal(s.evaluations.length, 1, 'exactly one evaluation');
      const d = c.engine.detail(c.sessionId)!;
      assert.equal(d.sending, undefined, 'no send error left on screen');
      assert.deepEqual(d.prompts.map((p) => [p.prompt.content, p.evaluations?.length, p.run.kind]), [[PROMPT, 1, 'idle']]);
    },
  },
  {
    name: 'create evaluation (re-run)',
    kind: 'write',
    target: () => ({ method: 'POST', path: '/evaluations' }),
    setup: async (c) => {
      await answeredPrompt(c);
      await c.engine.loadSession(c.sessionId, { evaluations: true });
    },
    act: async (c) => {
      await c.engine.rerun(c.sessionId, c.promptId);
      const run = c.engine.prompt(c.sessionId, c.promptId)!.run;
      if (run.kind === 'failed') return run.message; // the prompt's error line, with Retry
      await answered(c);
      return undefined;
    },
    recover: async (c) => {
      await c.engine.retry(c.sessionId, c.promptId);
      await answered(c);
    },
    check: (c, s) => {
      assert.equal(s.evaluations.length, 2, 'the first answer and exactly one re-run');
      const p = c.engine.prompt(c.sessionId, c.promptId)!;
      assert.equal(p.evaluations?.length, 2);
      assert.equal(p.run.kind, 'idle');
      assert.equal(p.evaluations?.at(-1)?.state, 'completed');
    },
  },
  {
    name: 'poll an evaluation',
    kind: 'poll',
    target: () => ({ method: 'GET', path: '/evaluations/' }),
    setup: async (c) => {
      c.sessionId = (await graph(c.emulator, 'POST', 'sessions', { displayName: NAME })).id;
      c.emulator.addAnswerRule({ content: 'two accounts', createdMs: 0, runningMs: 300 });
      await c.engine.loadSession(c.sessionId, { evaluations: true });
    },
    act: async (c) => {
      c.promptId = (await c.engine.submit(c.sessionId, PROMPT)).promptId;
      const p = () => c.engine.prompt(c.sessionId, c.promptId)!;
      // The answer, an error with Retry, or — while a lasting fault holds — the note the prompt shows as it keeps following.
      await until('the answer, an error, or a note while the fault lasts', () => {
        const run = p().run;
        if (run.kind === 'failed') return true;
        if (run.kind === 'idle') return p().evaluations?.at(-1)?.state === 'completed';
        return run.kind === 'following' && run.note !== undefined && c.emulator.pendingFaults().length > 0 && c.emulator.requests().some((r) => r.fault);
      });
      const run = p().run;
      if (run.kind === 'failed') return run.message;
      return run.kind === 'following' ? run.note : undefined;
    },
    recover: async (c) => {
      if (c.engine.prompt(c.sessionId, c.promptId)!.run.kind === 'failed') await c.engine.retry(c.sessionId, c.promptId);
      await answered(c);
    },
    check: (c, s) => {
      assert.equal(s.prompts.length, 1);
      assert.equal(s.evaluations.length, 1, 'polling never starts an evaluation');
      const p = c.engine.prompt(c.sessionId, c.promptId)!;
      assert.equal(p.evaluations?.at(-1)?.result?.content, 'two accounts');
      assert.equal(p.run.kind, 'idle');
    },
  },
];

interface Fault {
  name: string;
  spec(target: { method: string; path: string }): FaultSpec;
  /** Lasts until cleared (else it hits once). */
  lasting?: boolean;
  /**
   * What the user reads while it lasts, per kind of operation: patterns the message must match, or 'works'
   * (the operation succeeds as if nothing happened). A poll under a lasting fault shows a note while it keeps
   * following (or fails with Retry); either way the text must match.
   */
  expect: Partial<Record<Kind | string, RegExp[] | 'works'>> & { default: RegExp[] | 'works' };
}

const NOT_TWICE = /never created twice|checks? again/;

const FAULTS: Fault[] = [
  {
    name: '429 with Retry-After',
    lasting: true,
    spec: (t) => ({ kind: 'status', status: 429, retryAfter: '0.05', ...t }),
    expect: { default: [/throttling requests/, /Try again in 0\.1 s/], poll: [/^Could not read the evaluation \(Microsoft Graph is throttling requests\); checking again in 1 s\.$/] },
  },
  {
    name: '429 without Retry-After',
    lasting: true,
    spec: (t) => ({ kind: 'status', status: 429, retryAfter: null, ...t }),
    expect: { default: [/throttling requests/, /Try again later/], poll: [/^Could not read the evaluation \(Microsoft Graph is throttling requests\); checking again/] },
  },
  {
    name: '503 burst',
    lasting: true,
    spec: (t) => ({ kind: 'status', status: 503, ...t }),
    expect: { default: [/temporarily unavailable \(HTTP 503\)/], write: [/HTTP 503/, NOT_TWICE], 'rename session': [/HTTP 503/] },
  },
  {
    name: '504 burst',
    lasting: true,
    spec: (t) => ({ kind: 'status', status: 504, ...t }),
    expect: { default: [/HTTP 504/], write: [/HTTP 504/, NOT_TWICE], 'rename session': [/HTTP 504/] },
  },
  {
    name: 'lost response (504 after the work was done)',
    spec: (t) => ({ kind: 'status', status: 504, afterProcessing: true, ...t }),
    expect: { default: 'works' },
  },
  {
    name: 'lost response (answer later than the timeout, after the work was done)',
    spec: (t) => ({ kind: 'delay', delayMs: SLOW_MS, afterProcessing: true, ...t }),
    expect: { default: 'works' },
  },
  {
    name: 'dropped connection (before the work)',
    spec: (t) => ({ kind: 'drop', ...t }),
    expect: { default: 'works', write: [/connection to Microsoft Graph failed/, NOT_TWICE], 'rename session': [/connection to Microsoft Graph failed/] },
  },
  {
    name: 'dropped connection mid-response (after the work was done)',
    spec: (t) => ({ kind: 'drop', midResponse: true, ...t }),
    expect: { default: 'works' },
  },
  {
    name: 'slow response past the client timeout (the work done late)',
    spec: (t) => ({ kind: 'delay', delayMs: SLOW_MS, ...t }),
    expect: { default: 'works', write: [/didn't answer .* within 0\.4 s/, NOT_TWICE], 'rename session': [/didn't answer .* within 0\.4 s/] },
  },
  {
    name: 'malformed JSON',
    spec: (t) => ({ kind: 'malformed', ...t }),
    expect: { default: [/isn't JSON|unexpected list of evaluations/], write: 'works', poll: 'works' },
  },
  {
    name: '401 then success',
    spec: (t) => ({ kind: 'unauthorized', ...t }),
    expect: { default: 'works' },
  },
  {
    name: '403',
    lasting: true,
    spec: (t) => ({ kind: 'status', status: 403, ...t }),
    expect: { default: [/Security Copilot role/] },
  },
];

function expected(fault: Fault, op: Operation): RegExp[] | 'works' {
  if (op.absorbsEveryFault) return 'works';
  return fault.expect[op.name] ?? fault.expect[op.kind] ?? fault.expect.default;
}

describe('fault matrix: every operation × every fault (client + engine ↔ emulator over HTTP)', function () {
  this.timeout(15_000);
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ port: 0, quiet: true });
  });
  after(() => emulator.close());

  let c: Cell;
  beforeEach(() => {
    emulator.reset();
    // Answers are ready at once (the poll operation scripts a longer run).
    emulator.configure({ evaluation: { createdMs: 0, runningMs: 0 } });
    const cell: Omit<Cell, 'engine' | 'client'> & Partial<Cell> = { emulator, refreshes: 0, sessionId: '', promptId: '', shown: [] };
    const client = new SecurityCopilotClient({
      baseUrl: emulator.url,
      getToken: async (r: TokenRequestOptions) => {
        if (r.forceRefresh) cell.refreshes++;
        return 'test-token';
      },
      timeoutMs: TIMEOUT_MS,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    cell.client = client;
    cell.engine = new CopilotEngine(
      { client: () => client, workspaceId: () => WS, pageSize: () => 25, log: { info: () => undefined, warn: () => undefined, error: () => undefined } },
      { firstReadsMs: [50, 100], intervalMs: 100, politeMaxMs: 300, failedReadDelayMs: 20, throttledReadDelayMs: 100 },
    );
    // Notes and errors the panel would show for the prompt while the operation runs.
    cell.engine.onDidChangePrompt((ref) => {
      const run = cell.engine!.prompt(ref.sessionId, ref.promptId)?.run;
      if (run?.kind === 'failed') cell.shown.push(run.message);
      if (run?.kind === 'following' && run.note) cell.shown.push(run.note);
    });
    c = cell as Cell;
  });
  afterEach(async () => {
    c.engine.dispose();
    // Nothing of this cell may land in the next one (a delayed request still being processed, say).
    emulator.clearFaults();
    await until('the emulator to finish every request', () => emulator.requests().every((r) => r.endedMs !== undefined), 5000);
  });

  for (const op of OPERATIONS) {
    describe(op.name, () => {
      for (const fault of FAULTS) {
        const want = expected(fault, op);
        const title = want === 'works' ? `${fault.name}: works, exactly once` : `${fault.name}: says so, recovers once it clears, exactly once`;
        it(title, async () => {
          await op.setup(c);
          emulator.clearRequests();
          const target = op.target(c);
          emulator.addFault({ ...fault.spec(target), count: fault.lasting ? UNTIL_CLEARED : 1 });
          const message = await op.act(c);
          assert.ok(emulator.requests().some((r) => r.fault !== undefined), 'the fault hit the operation');
          if (want === 'works') {
            assert.equal(message, undefined, `it just works, but the user read: ${message}`);
          } else {
            assert.ok(message !== undefined, `the user is told (shown: ${JSON.stringify(c.shown)})`);
            for (const re of want) assert.match(message, re);
          }
          // The fault clears; whatever the service was still doing finishes.
          emulator.clearFaults();
          await until('the emulator to finish every request', () => emulator.requests().every((r) => r.endedMs !== undefined), 5000);
          if (message !== undefined) await op.recover(c, message);
          op.check(c, await state(emulator));
          if (fault.name === '401 then success') {
            assert.equal(c.engine.signInNeeded, false, 'no "sign in again"');
            // One silent refresh (a batch part answered 401 is read again alone, which then just works).
            if (!op.batched) assert.equal(c.refreshes, 1, 'one silent token refresh');
          }
        });
      }
    });
  }
});
