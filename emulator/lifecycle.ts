// Evaluation lifecycle, computed lazily from elapsed time on every read (no timers):
//   created   (result null; runStartDateTime and completedDateTime = 0001-01-01T00:00:00Z)
//   running   (runStartDateTime set; result {content:null, type:"unknown", previewState:"ga"})
//   completed (completedDateTime set; result {content, type, previewState})
// This is the progression the docs examples show (reference §4 step 5). Non-success result types still end in
// state 'completed' with that result.type and an explanatory content string. executionCount stays 0 and
// isCancelled false, as in every docs example.
import { type EvaluationRecord, type EvaluationResultType } from './types';
import { formatTicks, hash32, NEVER, parseMs } from './util';

// Scripted phases (AnswerRule.phases) replace created/running with any sequence of states (pending, deferred,
// waitingForInput, or a state the docs don't list, to test tolerant clients). A cancel PATCH freezes the
// evaluation at that moment: `cancelled` (and/or isCancelled, depending on the configured CancelMode).
export type EvaluationState = string;

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

/** The phases an evaluation goes through before it completes. */
function phasesOf(e: EvaluationRecord): { state: string; ms: number }[] {
  return e.phases ?? [
    { state: 'created', ms: e.createdMs },
    { state: 'running', ms: e.runningMs },
  ];
}

/** State from the scripted phases at `nowMs` (ignoring cancellation). */
function naturalState(e: EvaluationRecord, nowMs: number): { state: string; runStartMs?: number; completedMs?: number } {
  let t = parseMs(e.createdDateTime);
  let runStartMs: number | undefined;
  for (const phase of phasesOf(e)) {
    if (phase.state === 'running' && runStartMs === undefined) runStartMs = t;
    if (nowMs < t + phase.ms) return { state: phase.state, runStartMs: nowMs >= (runStartMs ?? Infinity) ? runStartMs : undefined };
    t += phase.ms;
  }
  return { state: 'completed', runStartMs: runStartMs ?? t, completedMs: t };
}

export function evaluationState(e: EvaluationRecord, nowMs: number): EvaluationState {
  if (e.cancelledAtMs !== undefined && nowMs >= e.cancelledAtMs && e.cancelMode !== 'flag') return 'cancelled';
  return naturalState(e, e.cancelledAtMs !== undefined && e.cancelMode === 'flag' ? Math.min(nowMs, e.cancelledAtMs) : nowMs).state;
}

/** Whether a cancel can still take effect (the evaluation has not completed). */
export function isRunning(e: EvaluationRecord, nowMs: number): boolean {
  return e.cancelledAtMs === undefined && naturalState(e, nowMs).state !== 'completed';
}

/** A timestamp with stable sub-millisecond digits derived from the evaluation id. */
function stamp(e: EvaluationRecord, ms: number, what: string): string {
  return formatTicks(ms, hash32(`${e.id}:${what}`) % 10000);
}

export function evaluationView(e: EvaluationRecord, nowMs: number): EvaluationView {
  const cancelled = e.cancelledAtMs !== undefined && nowMs >= e.cancelledAtMs;
  const at = cancelled ? Math.min(nowMs, e.cancelledAtMs!) : nowMs;
  const natural = naturalState(e, at);
  const state = evaluationState(e, nowMs);
  const view: EvaluationView = {
    id: e.id,
    createdDateTime: e.createdDateTime,
    runStartDateTime: NEVER,
    completedDateTime: NEVER,
    lastModifiedDateTime: e.createdDateTime,
    state,
    executionCount: 0,
    isCancelled: cancelled && e.cancelMode !== 'state',
    result: null,
  };
  if (natural.runStartMs !== undefined) {
    view.runStartDateTime = maxTime(stamp(e, natural.runStartMs, 'run'), e.createdDateTime);
    view.lastModifiedDateTime = view.runStartDateTime;
    view.result = { content: null, type: 'unknown', previewState: 'ga' };
  }
  if (natural.completedMs !== undefined) {
    view.completedDateTime = maxTime(stamp(e, natural.completedMs, 'done'), view.runStartDateTime);
    view.lastModifiedDateTime = view.completedDateTime;
    view.result = { content: e.answer, type: e.resultType, previewState: e.previewState };
  } else if (cancelled) {
    view.completedDateTime = maxTime(stamp(e, e.cancelledAtMs!, 'cancel'), e.createdDateTime);
    view.lastModifiedDateTime = view.completedDateTime;
  }
  return view;
}

/** Zero-length phases would otherwise print a transition a few 100-ns ticks before the previous one. */
function maxTime(a: string, b: string): string {
  return a >= b ? a : b;
}

/** Epoch ms at which the evaluation completes (used by tests and by seeding). */
export function completionMs(e: EvaluationRecord): number {
  return parseMs(e.createdDateTime) + phasesOf(e).reduce((sum, p) => sum + p.ms, 0);
}
