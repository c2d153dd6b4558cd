// Public types of the engine: what every surface (panel, tree, export, chat, tools, promptbooks) reads.
// No `vscode` import.
import type { Evaluation, EvaluationOutcome, Prompt, SecurityCopilotClient, Session } from '../graph';

export interface EngineLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** What the engine needs from its host (the extension, or a test in plain Node). */
export interface EngineHost {
  /** The Graph client for the current settings (throws when the settings allow no request). */
  client(): SecurityCopilotClient;
  workspaceId(): string;
  /** Sessions per page of the list ($top). */
  pageSize(): number;
  /**
   * Why writes are refused right now (read-only access), or undefined when they are allowed. Checked before
   * every create, rename, send, re-run, start and cancel, so no surface can send a write the user turned off.
   */
  writesRefused?(): string | undefined;
  log: EngineLog;
}

export interface EngineOptions {
  /** Window-wide reads per second spent on following evaluations (default 6). */
  readsPerSecond?: number;
  /** Delays of the first reads of a new follower (default [1000]); then one read per `intervalMs`. */
  firstReadsMs?: readonly number[];
  /** Read interval while an evaluation runs (default 1000: an answer shows within about a second). */
  intervalMs?: number;
  /** Longest interval for states that may last long (pending, deferred, waitingForInput, unknown). */
  politeMaxMs?: number;
  /** Stop following after this long (default 30 minutes); the prompt then offers Retry. */
  followTimeoutMs?: number;
  /** Evaluations listed at once when a session opens (default 4). */
  loadConcurrency?: number;
  /** After a failed read of a followed evaluation, wait this long, doubling per failure in a row (default 1000). */
  failedReadDelayMs?: number;
  /** After a read still throttled past the client's retries, wait at least this long (default 5000; Retry-After if longer). */
  throttledReadDelayMs?: number;
  /** A lost prompt is matched by content among prompts created no earlier than this before the send. */
  clockSkewMs?: number;
}

/** Where one prompt's run stands, as the engine sees it. */
export type RunPhase =
  | { kind: 'idle' }
  /** The POST of an evaluation is in flight. */
  | { kind: 'starting' }
  /** A POST failed ambiguously (or a list failed): re-reading what the service did before anything else. */
  | { kind: 'checking'; message: string }
  | { kind: 'following'; evaluationId: string; note?: string }
  /** The user stopped following; the evaluation may still finish on the service. */
  | { kind: 'stopped'; evaluationId: string }
  /** Retry means "find out and continue" (a re-read first), never a blind POST. */
  | { kind: 'failed'; message: string; signIn?: boolean };

export type CancelState =
  | { state: 'requesting' }
  | { state: 'requested' }
  | { state: 'refused'; message: string };

export interface PromptEntry {
  /** The session id as Graph sent it. */
  readonly sessionId: string;
  readonly prompt: Prompt;
  /** Oldest first (as instants). `null` until they were read. */
  readonly evaluations: readonly Evaluation[] | null;
  /** Why the evaluations could not be listed (the prompt then offers Retry, never "Not evaluated yet"). */
  readonly evaluationsError?: string;
  readonly run: RunPhase;
  readonly cancel?: CancelState;
}

/** A prompt being sent in a session (before Graph confirmed it exists). */
export interface SendState {
  readonly content: string;
  readonly phase: 'creating' | 'checking' | 'failed';
  readonly message?: string;
}

export type DetailStatus = 'idle' | 'loading' | 'loaded' | 'error';

export interface SessionDetail {
  readonly sessionId: string;
  readonly session?: Session;
  readonly status: DetailStatus;
  readonly error?: unknown;
  /** Oldest first. */
  readonly prompts: readonly PromptEntry[];
  /** The prompts' evaluations were asked for (a panel shows them; the tree needs only the prompts). */
  readonly withEvaluations: boolean;
  /** Items Graph sent that could not be read (left out, logged with their ids). */
  readonly unreadable: number;
  readonly sending?: SendState;
}

export type ListStatus = 'idle' | 'loading' | 'loaded' | 'error';

export interface ListState {
  readonly status: ListStatus;
  /** Newest first (by creation instant). */
  readonly sessions: readonly Session[];
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  readonly error?: unknown;
  readonly moreError?: unknown;
  /** Sessions Graph sent that could not be read. */
  readonly unreadable: number;
}

export interface AskOptions {
  /** Aborting stops this caller's wait only; the engine keeps following (and tells the user on completion). */
  signal?: AbortSignal;
  /** Every change of the prompt while it runs (created, state changes, the answer). */
  onUpdate?: (entry: PromptEntry) => void;
}

export interface AskResult {
  sessionId: string;
  promptId: string;
  evaluationId: string;
  outcome: EvaluationOutcome;
}

export type CancelResult =
  | { kind: 'cancelled' }
  | { kind: 'unsupported'; message: string }
  | { kind: 'notRunning' }
  | { kind: 'failed'; message: string };

export interface FinishEvent {
  sessionId: string;
  promptId: string;
  prompt: Prompt;
  outcome: EvaluationOutcome;
  /** Some caller (a chat turn, a tool, a promptbook) was waiting for this answer and shows it itself. */
  awaited: boolean;
}

export interface PromptRef {
  sessionId: string;
  promptId: string;
}
