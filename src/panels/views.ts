// Maps Graph entities to the panel's view models. No `vscode` import. The engine's `finalOutcome` is passed in
// (this is part of dist/panel.js, which must not carry a copy of the engine and the Graph schemas).
import type { PromptEntry } from '../engine';
import { compareInstants } from '../engine/time';
import type { Evaluation, EvaluationOutcome, OutcomeKind, Prompt, Session } from '../graph';
import type { EvaluationView, FollowState, OutcomeAction, PromptView, SessionView } from '../shared/protocol';

const ACTIONS: Record<OutcomeKind, OutcomeAction[]> = {
  success: [],
  error: ['retry'],
  rejected: [],
  timedOut: ['retry'],
  capacityExceeded: ['retry'],
  needAdditionalClaims: ['signIn'],
  cancelled: ['retry'],
  unknown: ['refresh'],
};

export function toSessionView(session: Session, workspaceId: string): SessionView {
  return {
    id: session.id,
    displayName: session.displayName,
    createdDateTime: session.createdDateTime,
    lastModifiedDateTime: session.lastModifiedDateTime,
    workspaceId,
  };
}

/** The engine's `finalOutcome` (src/engine/engine.ts). */
export type FinalOutcome = (evaluation: Evaluation) => EvaluationOutcome | undefined;

export function toEvaluationView(evaluation: Evaluation, finalOutcome: FinalOutcome): EvaluationView {
  const outcome = finalOutcome(evaluation);
  return {
    id: evaluation.id,
    state: evaluation.state,
    createdDateTime: evaluation.createdDateTime,
    runStartDateTime: evaluation.runStartDateTime,
    completedDateTime: evaluation.completedDateTime,
    content: evaluation.result?.content ?? null,
    outcome: outcome ? { kind: outcome.kind, message: outcome.message, actions: ACTIONS[outcome.kind] } : null,
  };
}

/** A prompt's evaluations for the panel, oldest first (the last one is the latest answer). */
export function toEvaluationViews(evaluations: Evaluation[], finalOutcome: FinalOutcome): EvaluationView[] {
  return [...evaluations].sort((a, b) => compareInstants(a.createdDateTime, b.createdDateTime)).map((e) => toEvaluationView(e, finalOutcome));
}

export function toPromptView(prompt: Prompt, evaluations: Evaluation[] | null, finalOutcome: FinalOutcome): PromptView {
  return {
    id: prompt.id,
    content: prompt.content,
    createdDateTime: prompt.createdDateTime,
    evaluations: evaluations ? toEvaluationViews(evaluations, finalOutcome) : null,
    follow: 'idle',
  };
}

/** The panel's view of one prompt as the engine holds it. */
export function toPromptViewFromEntry(entry: PromptEntry, canCancel: boolean, finalOutcome: FinalOutcome): PromptView {
  const run = entry.run;
  const follow: FollowState = run.kind;
  const view: PromptView = {
    id: entry.prompt.id,
    content: entry.prompt.content,
    createdDateTime: entry.prompt.createdDateTime,
    evaluations: entry.evaluations ? toEvaluationViews([...entry.evaluations], finalOutcome) : null,
    follow,
  };
  if (run.kind === 'failed') {
    view.error = run.message;
    if (run.signIn) view.signIn = true;
  } else if (entry.evaluationsError && run.kind !== 'checking') {
    view.error = entry.evaluationsError;
  }
  if (run.kind === 'following' && run.note) view.note = run.note;
  if (run.kind === 'checking') view.note = run.message;
  if (run.kind === 'following' || run.kind === 'starting') view.canCancel = canCancel;
  if (entry.cancel) view.cancel = { state: entry.cancel.state, message: entry.cancel.state === 'refused' ? entry.cancel.message : undefined };
  return view;
}
