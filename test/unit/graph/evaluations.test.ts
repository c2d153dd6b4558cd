// Evaluation outcomes and the polling loop, with a stubbed fetch.
import * as assert from 'node:assert/strict';
import {
  type Evaluation,
  type EvaluationResultType,
  EVALUATION_STATES,
  SecurityCopilotClient,
  isTerminalState,
  outcomeOf,
} from '../../../src/graph';
import { EVAL_COMPLETED, EVAL_CREATED, EVAL_RUNNING, graphError, hang, json, rejectsWith, stubFetch, type StubHandler } from './helpers';

const REF = { workspaceId: 'default', sessionId: 's1', promptId: 'p1', evaluationId: EVAL_CREATED.id };

function evaluation(over: Partial<Evaluation> = {}): Evaluation {
  return {
    id: 'e',
    createdDateTime: '2025-10-22T20:12:57.8667119Z',
    runStartDateTime: '2025-10-22T20:12:58.1888405Z',
    completedDateTime: '2025-10-22T22:01:11.2594216Z',
    lastModifiedDateTime: '2025-10-22T22:01:11.2594216Z',
    state: 'completed',
    executionCount: 0,
    isCancelled: false,
    result: { content: 'answer', type: 'success', previewState: 'ga' },
    ...over,
  };
}

describe('graph/evaluations', () => {
  describe('isTerminalState', () => {
    it('is true only for completed and cancelled', () => {
      const terminal = EVALUATION_STATES.filter((s) => isTerminalState(s));
      assert.deepEqual(terminal, ['completed', 'cancelled']);
    });
  });

  describe('outcomeOf', () => {
    it('is undefined while the evaluation is going', () => {
      for (const state of ['created', 'running', 'pending', 'deferred', 'waitingForInput', 'unknown', 'unknownFutureValue'] as const) {
        assert.equal(outcomeOf(evaluation({ state, completedDateTime: null, result: null })), undefined, state);
      }
    });

    it('maps success with its content', () => {
      const o = outcomeOf(evaluation());
      assert.equal(o?.kind, 'success');
      assert.equal(o?.content, 'answer');
      assert.equal(o?.message, 'Security Copilot answered.');
    });

    it('gives a clear message for every non-success result type', () => {
      const expected: [EvaluationResultType, RegExp][] = [
        ['error', /couldn't answer this prompt because of an error/],
        ['rejected', /declined to answer/],
        ['timedOut', /took too long .*timed out/],
        ['capacityExceeded', /^Security Copilot capacity \(SCUs\) is exhausted for now\. Try again later or ask your admin to add capacity\.$/],
        ['needAdditionalClaims', /needs you to sign in again \(additional claims\)/],
      ];
      for (const [type, message] of expected) {
        const o = outcomeOf(evaluation({ result: { content: 'service text', type, previewState: 'ga' } }));
        assert.equal(o?.kind, type);
        assert.match(o?.message ?? '', message);
        assert.equal(o?.content, 'service text');
      }
    });

    it('maps cancelled state and isCancelled to cancelled', () => {
      assert.equal(outcomeOf(evaluation({ state: 'cancelled', result: null }))?.kind, 'cancelled');
      assert.equal(outcomeOf(evaluation({ state: 'running', isCancelled: true, result: null }))?.kind, 'cancelled');
    });

    it('maps unknown result types and a missing result to unknown', () => {
      const o = outcomeOf(evaluation({ result: { content: null, type: 'unknownFutureValue', previewState: null } }));
      assert.equal(o?.kind, 'unknown');
      assert.match(o?.message ?? '', /unknownFutureValue/);
      assert.equal(outcomeOf(evaluation({ result: null }))?.kind, 'unknown');
    });

    it('trusts completedDateTime when the state is a member this build does not know', () => {
      assert.equal(outcomeOf(evaluation({ state: 'unknownFutureValue' }))?.kind, 'success');
      assert.equal(outcomeOf(evaluation({ state: 'unknownFutureValue', completedDateTime: null })), undefined);
    });
  });

  describe('waitForEvaluation (stubbed fetch)', () => {
    function setup(handlers: StubHandler[], maxAttempts = 4) {
      const stub = stubFetch(handlers);
      const times: number[] = [];
      const client = new SecurityCopilotClient({
        getToken: async () => 't',
        fetch: stub.fetch,
        retry: { maxAttempts, baseDelayMs: 1 },
        log: () => times.push(Date.now()),
      });
      return { client, calls: stub.calls, times };
    }

    it('paces polls (>= 1 s apart after the first), reports only changes, and rides out exhausted throttling', async () => {
      const { client, calls, times } = setup(
        [
          () => json(200, EVAL_CREATED),
          () => graphError(429, 'TooManyRequests', '', 'r', { 'retry-after': '0.01' }),
          () => json(200, EVAL_CREATED),
          () => json(200, EVAL_COMPLETED),
        ],
        1,
      );
      const updates: string[] = [];
      const outcome = await client.waitForEvaluation(REF, {
        initialDelayMs: 0,
        maxDelayMs: 1_000,
        onUpdate: (e) => updates.push(e.state),
      });
      assert.equal(outcome.kind, 'success');
      assert.equal(outcome.content, 'You are signed in as Lorenz X.\n');
      assert.deepEqual(updates, ['created', 'completed'], 'the repeated created state is not reported again');
      assert.equal(calls.length, 4);
      assert.ok(calls.every((c) => c.method === 'GET' && c.url.endsWith(`/prompts/p1/evaluations/${EVAL_CREATED.id}`)));
      for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 950, `gap ${i}: ${times[i] - times[i - 1]} ms`);
    });

    it('returns a client-side timedOut outcome when the wait runs out', async () => {
      const { client, calls } = setup([() => json(200, EVAL_RUNNING)]);
      const outcome = await client.waitForEvaluation(REF, { initialDelayMs: 0, timeoutMs: 200 });
      assert.equal(outcome.kind, 'timedOut');
      assert.equal(outcome.evaluation.state, 'running');
      assert.match(outcome.message, /Stopped waiting .* still working/);
      assert.equal(calls.length, 1);
    });

    it('is cancelled during the wait between polls and during a poll', async () => {
      const a = setup([() => json(200, EVAL_RUNNING)]);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      await rejectsWith(a.client.waitForEvaluation(REF, { initialDelayMs: 0, signal: ac.signal }), 'GraphCancelledError');
      assert.equal(a.calls.length, 1);

      const b = setup([hang]);
      const ac2 = new AbortController();
      setTimeout(() => ac2.abort(), 50);
      await rejectsWith(b.client.waitForEvaluation(REF, { initialDelayMs: 0, signal: ac2.signal }), 'GraphCancelledError');
      assert.equal(b.calls.length, 1);
    });

    it('surfaces other errors, and survives a throwing onUpdate', async () => {
      const a = setup([() => graphError(404, 'itemNotFound', 'gone')]);
      await rejectsWith(a.client.waitForEvaluation(REF, { initialDelayMs: 0 }), 'GraphNotFoundError');
      const b = setup([() => json(200, { ...EVAL_COMPLETED, state: 'cancelled', isCancelled: true })]);
      const o = await b.client.waitForEvaluation(REF, {
        initialDelayMs: 0,
        onUpdate: () => {
          throw new Error('ui bug');
        },
      });
      assert.equal(o.kind, 'cancelled');
    });
  });
});
