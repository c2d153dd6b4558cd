// Maps Graph entities to the panel's view models. No `vscode` import.
import { outcomeOf, type Evaluation, type OutcomeKind, type Prompt, type Session } from '../graph';
import type { EvaluationView, OutcomeAction, PromptView, SessionView } from '../shared/protocol';

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

export function toEvaluationView(evaluation: Evaluation): EvaluationView {
  const outcome = outcomeOf(evaluation);
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
export function toEvaluationViews(evaluations: Evaluation[]): EvaluationView[] {
  return [...evaluations].sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime)).map(toEvaluationView);
}

export function toPromptView(prompt: Prompt, evaluations: Evaluation[] | null): PromptView {
  return {
    id: prompt.id,
    content: prompt.content,
    createdDateTime: prompt.createdDateTime,
    evaluations: evaluations ? toEvaluationViews(evaluations) : null,
    follow: 'idle',
  };
}
