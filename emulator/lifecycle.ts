// Evaluation lifecycle, computed lazily from elapsed time on every read (no timers):
//   created   (result null; runStartDateTime and completedDateTime = 0001-01-01T00:00:00Z)
//   running   (runStartDateTime set; result {content:null, type:"unknown", previewState:"ga"})
//   completed (completedDateTime set; result {content, type, previewState})
// This is the progression the docs examples show (reference §4 step 5). Non-success result types still end in
// state 'completed' with that result.type and an explanatory content string. executionCount stays 0 and
// isCancelled false, as in every docs example.
import { type EvaluationRecord, type EvaluationResultType } from './types';
import { formatTicks, hash32, NEVER, parseMs } from './util';

export type EvaluationState = 'created' | 'running' | 'completed';

export interface EvaluationView {
  id: string;
  createdDateTime: string;
  runStartDateTime: string;
  completedDateTime: string;
  lastModifiedDateTime: string;
  state: EvaluationState;
  executionCount: number;
  isCancelled: boolean;
  result: { content: string | null; type: EvaluationResultType; previewState: string } | null;
}

export const EVALUATION_PROPERTIES = [
  'id',
  'createdDateTime',
  'runStartDateTime',
  'completedDateTime',
  'lastModifiedDateTime',
  'state',
  'executionCount',
  'isCancelled',
  'result',
] as const;

export function evaluationState(e: EvaluationRecord, nowMs: number): EvaluationState {
  const elapsed = nowMs - parseMs(e.createdDateTime);
  if (elapsed < e.createdMs) return 'created';
  if (elapsed < e.createdMs + e.runningMs) return 'running';
  return 'completed';
}

/** The transition times, with stable sub-millisecond digits derived from the evaluation id. */
function transitionTimes(e: EvaluationRecord): { runStart: string; completed: string } {
  const created = parseMs(e.createdDateTime);
  // Keep the created time's own sub-millisecond digits out of the arithmetic; derive fresh ones per transition.
  const runStartMs = created + e.createdMs;
  const completedMs = runStartMs + e.runningMs;
  return {
    runStart: formatTicks(runStartMs, hash32(`${e.id}:run`) % 10000),
    completed: formatTicks(completedMs, hash32(`${e.id}:done`) % 10000),
  };
}

export function evaluationView(e: EvaluationRecord, nowMs: number): EvaluationView {
  const state = evaluationState(e, nowMs);
  const times = transitionTimes(e);
  const view: EvaluationView = {
    id: e.id,
    createdDateTime: e.createdDateTime,
    runStartDateTime: NEVER,
    completedDateTime: NEVER,
    lastModifiedDateTime: e.createdDateTime,
    state,
    executionCount: 0,
    isCancelled: false,
    result: null,
  };
  if (state === 'running' || state === 'completed') {
    view.runStartDateTime = maxTime(times.runStart, e.createdDateTime);
    view.lastModifiedDateTime = view.runStartDateTime;
    view.result = { content: null, type: 'unknown', previewState: 'ga' };
  }
  if (state === 'completed') {
    view.completedDateTime = maxTime(times.completed, view.runStartDateTime);
    view.lastModifiedDateTime = view.completedDateTime;
    view.result = { content: e.answer, type: e.resultType, previewState: e.previewState };
  }
  return view;
}

/** Zero-length phases would otherwise print a transition a few 100-ns ticks before the previous one. */
function maxTime(a: string, b: string): string {
  return a >= b ? a : b;
}

/** Epoch ms at which the evaluation completes (used by tests and by seeding). */
export function completionMs(e: EvaluationRecord): number {
  return parseMs(e.createdDateTime) + e.createdMs + e.runningMs;
}
