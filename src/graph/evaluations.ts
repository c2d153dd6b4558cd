// Evaluation outcomes and the polling loop behind SecurityCopilotClient.waitForEvaluation.
//
// The docs define no push, long-poll, Retry-After on create, or recommended poll interval: completion shows only
// in `state` (and completedDateTime leaving the 0001-01-01 sentinel). Which states are terminal isn't defined
// either; `completed` and `cancelled` are treated as terminal. `waitingForInput` has no documented way to give
// input, so it is polled like any other non-terminal state (until the wait's timeout) and reported via onUpdate.
import { isThrottledError } from './errors';
import { sleep } from './http';
import type { Evaluation, EvaluationOutcome, EvaluationState, OutcomeKind, WaitOptions } from './types';

export const DEFAULT_WAIT = { initialDelayMs: 500, maxDelayMs: 5_000, timeoutMs: 10 * 60_000 } as const;
/** After the first poll, never more than one poll per second. */
export const MIN_POLL_INTERVAL_MS = 1_000;
export const POLL_BACKOFF_FACTOR = 1.5;

export const OUTCOME_MESSAGES: Readonly<Record<Exclude<OutcomeKind, 'timedOut'>, string>> & {
  timedOut: string;
  clientTimedOut: string;
  emptySuccess: string;
} = {
  success: 'Security Copilot answered.',
  emptySuccess: 'Security Copilot finished but sent no answer text.',
  error: "Security Copilot couldn't answer this prompt because of an error on its side. Try again, or rephrase the prompt.",
  rejected: 'Security Copilot declined to answer this prompt. Try rephrasing it.',
  timedOut: 'Security Copilot took too long to answer and stopped (timed out). Try again, or ask a narrower question.',
  capacityExceeded:
    'Security Copilot capacity (SCUs) is exhausted for now. Try again later or ask your admin to add capacity.',
  needAdditionalClaims:
    'Security Copilot needs you to sign in again (additional claims) before it can answer. Sign in again, then retry the prompt.',
  cancelled: 'The evaluation was cancelled before it finished.',
  unknown: "Security Copilot finished, but with a result this extension doesn't recognise.",
  clientTimedOut:
    'Stopped waiting for the answer: Security Copilot was still working on it. It may still finish; refresh the session later to see it.',
};

/** `completed` and `cancelled` are terminal. */
export function isTerminalState(state: EvaluationState): boolean {
  return state === 'completed' || state === 'cancelled';
}

/** The outcome of a finished evaluation; undefined while it is still going. */
export function outcomeOf(evaluation: Evaluation): EvaluationOutcome | undefined {
  const make = (kind: OutcomeKind, message: string): EvaluationOutcome => ({
    kind,
    evaluation,
    content: evaluation.result?.content ?? null,
    message,
  });
  // isCancelled without state 'cancelled' isn't described by the docs; there is no cancel operation to wait
  // for, so it is treated as final.
  if (evaluation.state === 'cancelled' || evaluation.isCancelled) return make('cancelled', OUTCOME_MESSAGES.cancelled);
  const finished =
    evaluation.state === 'completed' ||
    // A state this build doesn't know, but the service says it completed: trust completedDateTime.
    ((evaluation.state === 'unknownFutureValue' || evaluation.state === 'unknown') &&
      evaluation.completedDateTime !== null);
  if (!finished) return undefined;
  const type = evaluation.result?.type;
  switch (type) {
    case 'success':
      return make('success', evaluation.result?.content ? OUTCOME_MESSAGES.success : OUTCOME_MESSAGES.emptySuccess);
    case 'error':
    case 'rejected':
    case 'timedOut':
    case 'capacityExceeded':
    case 'needAdditionalClaims':
      return make(type, OUTCOME_MESSAGES[type]);
    default:
      return make(
        'unknown',
        type === undefined
          ? 'Security Copilot finished without a result.'
          : `${OUTCOME_MESSAGES.unknown.replace(/\.$/, '')} ('${type}').`,
      );
  }
}

export interface PollResult {
  evaluation: Evaluation;
  /** How long the pipeline waited on throttling during this poll (Retry-After or backoff). */
  throttledMs: number;
}

function changeKey(e: Evaluation): string {
  return JSON.stringify([e.state, e.isCancelled, e.result?.type ?? null, e.result?.content ?? null]);
}

/**
 * Polls until the evaluation is terminal, the wait times out (outcome 'timedOut'), or `signal` aborts
 * (GraphCancelledError). Polls are strictly sequential: a poll that the pipeline is retrying after a 429 is
 * still one poll, and the next poll waits at least as long as the server's last Retry-After.
 */
export async function pollEvaluation(
  poll: (signal: AbortSignal | undefined) => Promise<PollResult>,
  o: WaitOptions = {},
): Promise<EvaluationOutcome> {
  const signal = o.signal;
  const initial = nonNegative(o.initialDelayMs, DEFAULT_WAIT.initialDelayMs);
  const maxDelay = Math.max(MIN_POLL_INTERVAL_MS, nonNegative(o.maxDelayMs, DEFAULT_WAIT.maxDelayMs));
  const timeoutMs = nonNegative(o.timeoutMs, DEFAULT_WAIT.timeoutMs);
  const deadline = Date.now() + timeoutMs;

  let delay = initial;
  let last: Evaluation | undefined;
  let lastKey: string | undefined;

  for (;;) {
    // Don't start a poll that can't begin before the deadline (but always make the first one).
    if (last !== undefined && Date.now() + delay > deadline) {
      return { kind: 'timedOut', evaluation: last, content: last.result?.content ?? null, message: OUTCOME_MESSAGES.clientTimedOut };
    }
    await sleep(delay, signal);

    let result: PollResult;
    try {
      result = await poll(signal);
    } catch (e) {
      // The pipeline already waited and retried; if it still gave up on throttling, keep waiting (politely)
      // as long as the overall wait allows. Anything else ends the wait.
      if (isThrottledError(e) && last !== undefined) {
        delay = nextDelay(delay, maxDelay, e.retryAfterMs ?? 0);
        if (Date.now() + delay <= deadline) continue;
      }
      throw e;
    }

    const evaluation = result.evaluation;
    last = evaluation;
    const key = changeKey(evaluation);
    if (key !== lastKey) {
      lastKey = key;
      if (o.onUpdate) {
        try {
          o.onUpdate(evaluation);
        } catch {
          // A failing UI callback must not abort the wait.
        }
      }
    }
    const outcome = outcomeOf(evaluation);
    if (outcome) return outcome;
    delay = nextDelay(delay, maxDelay, result.throttledMs);
  }
}

function nextDelay(previous: number, maxDelay: number, throttledMs: number): number {
  const grown = Math.min(maxDelay, Math.max(MIN_POLL_INTERVAL_MS, previous * POLL_BACKOFF_FACTOR));
  return Math.max(grown, throttledMs);
}

function nonNegative(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}
