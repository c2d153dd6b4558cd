// Public types of the local Graph emulator (docs/contracts.md section 2) plus the stored entity records.
// No `vscode` import: the emulator runs in plain Node.

export type EvaluationResultType =
  | 'unknown'
  | 'success'
  | 'error'
  | 'needAdditionalClaims'
  | 'rejected'
  | 'timedOut'
  | 'capacityExceeded'
  | 'unknownFutureValue';

export const EVALUATION_RESULT_TYPES: readonly EvaluationResultType[] = [
  'unknown',
  'success',
  'error',
  'needAdditionalClaims',
  'rejected',
  'timedOut',
  'capacityExceeded',
  'unknownFutureValue',
];

export interface EvaluationTiming {
  createdMs?: number;
  runningMs?: number;
}

export interface SeedSpec {
  sessions: number;
  promptsPerSession: number;
  /** Extra: ISO time the seeded dates count back from (default: now). Fix it for byte-stable screenshots. */
  baseTime?: string;
  /** Extra: seed into this additional workspace (see `workspaces`) instead of the default one. */
  workspaceId?: string;
  /** Extra: the name of the seeded session (several get ` (2)`, ` (3)`, … after it) instead of the topic names. */
  displayName?: string;
}

/**
 * JSON batching (`POST /beta/$batch`) where the docs leave a choice open; see server.ts `serveBatch`.
 */
export interface BatchOptions {
  /** false: the service refuses `$batch` (with `refuseStatus`), for testing a client's fallback. Default true. */
  enabled?: boolean;
  /** Status of the refusal when disabled (404, 400, 405, 501 ...). Default 404. */
  refuseStatus?: number;
  /** Most requests in one batch (documented: 20). */
  maxRequests?: number;
  /** Status of the batch itself when one of its requests was throttled: 200 (default) or 424. */
  throttledStatus?: number;
  /** Order of the responses: 'reverse' (default; the docs say the order may differ) or 'request'. */
  order?: 'request' | 'reverse';
}

export interface EmulatorOptions {
  /**
   * Extra: workspaces besides the onboarding one (`default`). The docs' list shows a single workspace and are
   * silent on more; tests that switch workspaces add one.
   */
  workspaces?: WorkspaceRecord[];
  /** Extra: JSON batching behaviour (enabled by default). */
  batch?: BatchOptions;
  /** Extra: a delay added to every Graph HTTP request (a network round trip; a batch pays it once). Default 0. */
  latencyMs?: number;
  port?: number;
  host?: string;
  pageSize?: number;
  expectedToken?: string;
  evaluation?: EvaluationTiming;
  seed?: SeedSpec;
  stateFile?: string;
  /** The library is quiet unless `quiet: false` (or `log`) is given; the CLI logs unless `--quiet`. */
  quiet?: boolean;
  /** Extra: where request log lines go when not quiet (default console.log). Never receives tokens. */
  log?: (line: string) => void;
  /** Extra: clock in epoch ms, for tests that want to step time instead of sleeping. */
  now?: () => number;
}

/**
 * How the service answers `PATCH …/evaluations/{id}` with `{"isCancelled": true}` (documented only in the docs
 * repository, not on the published pages, so either behaviour is possible):
 * - `both` (default): state becomes `cancelled` and `isCancelled` true;
 * - `state`: state `cancelled`, `isCancelled` stays false;
 * - `flag`: `isCancelled` true while the state stays where it was;
 * - `refuse`: the request fails with `cancelRefuseStatus` (default 405), as a service without the operation would.
 */
export type CancelMode = 'both' | 'state' | 'flag' | 'refuse';

/**
 * Fractional seconds of the timestamps sent: `full` (7 digits, .NET ticks), `trimmed` (trailing zeros dropped, as
 * .NET's round-trip format does: 0–7 digits), `mixed` (a stable 0–7 digits per timestamp, so one response mixes
 * lengths like the docs' examples do).
 */
export type FractionDigits = 'full' | 'trimmed' | 'mixed';

export interface ConfigureSpec {
  evaluation?: EvaluationTiming;
  pageSize?: number;
  cancel?: CancelMode;
  cancelRefuseStatus?: number;
  fractionDigits?: FractionDigits;
  /**
   * Extra: Conditional Access. When set, a token whose `acrs` claim lacks this value gets 401 with a claims
   * challenge (`WWW-Authenticate: Bearer … error="insufficient_claims", claims="<base64>"`), as Graph sends for
   * an authentication context. null turns it off.
   */
  requiredAcrs?: string | null;
  /** Extra: see EmulatorOptions.latencyMs. */
  latencyMs?: number;
  /** Extra: see EmulatorOptions.batch (merged into the current settings). */
  batch?: BatchOptions;
}

/** One scripted step of an evaluation's life (any state string, including ones the docs do not list). */
export interface EvaluationPhase {
  state: string;
  ms: number;
}

/**
 * `oddItem`: the request is served, but the first item of the list in the response gets a value in a shape the
 * docs do not describe (a date in another format and a state no enum lists), to test tolerant readers.
 */
export type FaultKind = 'status' | 'delay' | 'malformed' | 'drop' | 'unauthorized' | 'oddItem';

export interface FaultSpec {
  kind: FaultKind;
  count?: number;
  method?: string;
  path?: string;
  status?: number;
  /**
   * `Retry-After` of a 'status' fault. A 429 without it sends `Retry-After: 1`; `null` sends a 429 (or any
   * status) with no Retry-After header at all (Graph's throttling docs say the header is usually, not always, there).
   */
  retryAfter?: string | null;
  /** For 'delay': how long; clearing the faults ends every delay in progress at once. */
  delayMs?: number;
  /**
   * 'status', 'delay', 'drop': the request takes effect first, then the fault applies to the response (a lost
   * response: the client cannot tell the work was done). 'delay' without it waits and then processes the request
   * (so a slow request past the client's timeout still takes effect, late).
   */
  afterProcessing?: boolean;
  /**
   * Extra, for 'drop': the request takes effect, the status line, the headers and the first half of the body are
   * sent, then the connection is destroyed (a connection lost mid-response). Implies `afterProcessing`.
   */
  midResponse?: boolean;
}

export interface AnswerRule {
  match?: string;
  content?: string;
  type?: EvaluationResultType;
  createdMs?: number;
  runningMs?: number;
  once?: boolean;
  /** Extra: `result.previewState` of the completed evaluation (default 'ga'). */
  previewState?: string;
  /**
   * Extra: the states the evaluation goes through before it completes, replacing created/running (e.g.
   * `[{state:'pending', ms:3000}, {state:'running', ms:1000}]`). A `running` phase sets runStartDateTime.
   */
  phases?: EvaluationPhase[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string without '?', percent-decoded ('+' read as a space), e.g. "$top=3&$select=id". */
  query: string;
  /** HTTP status sent; 0 when the connection was dropped by a fault. */
  status: number;
  authorization?: 'bearer' | 'none' | 'other';
  body?: unknown;
  time: string;
  /** Extras. */
  requestId?: string;
  clientRequestId?: string;
  /** The fault kind applied to this request, if any. */
  fault?: FaultKind;
  durationMs?: number;
  /** Extra: epoch ms when the request arrived and when its response was sent (or the connection dropped). */
  startedMs?: number;
  endedMs?: number;
  /** Extra, on a `$batch` request: how many requests it carried. */
  batchSize?: number;
  /** Extra, on a sub-request of a batch: the batch's request id (so round trips = records without batchId). */
  batchId?: string;
  /** Extra, on a sub-request of a batch: its `id` inside the batch. */
  batchItemId?: string;
}

// ---- stored records (also the state-file format) ----

export interface WorkspaceRecord {
  id: string;
  displayName: string;
}

export interface SessionRecord {
  id: string;
  /** Extra: the workspace of the session when it is not the onboarding (`default`) workspace. */
  workspaceId?: string;
  displayName: string | null;
  createdDateTime: string;
  lastModifiedDateTime: string;
}

export interface PromptRecord {
  id: string;
  sessionId: string;
  type: 'prompt';
  content: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
}

export interface EvaluationRecord {
  id: string;
  sessionId: string;
  promptId: string;
  /** The lifecycle (created -> running -> completed) is computed from this and the two durations on each read. */
  createdDateTime: string;
  createdMs: number;
  runningMs: number;
  answer: string;
  resultType: EvaluationResultType;
  previewState: string;
  /** Scripted phases before completion (instead of createdMs/runningMs). */
  phases?: EvaluationPhase[];
  /** When a cancel PATCH was accepted (epoch ms) and how it shows. */
  cancelledAtMs?: number;
  cancelMode?: Exclude<CancelMode, 'refuse'>;
}

export interface StateSnapshot {
  version: 1;
  workspace: WorkspaceRecord;
  /** Extra: additional workspaces (the docs show one; a tenant may have more). */
  extraWorkspaces?: WorkspaceRecord[];
  sessions: SessionRecord[];
  prompts: PromptRecord[];
  evaluations: EvaluationRecord[];
}

export interface Emulator {
  /** 'http://127.0.0.1:<port>' */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  addFault(f: FaultSpec): void;
  clearFaults(): void;
  addAnswerRule(r: AnswerRule): void;
  clearAnswerRules(): void;
  requests(): RecordedRequest[];
  clearRequests(): void;
  configure(c: ConfigureSpec): void;
  /** Empty state, the configuration given at start, no faults/rules/requests. */
  reset(): void;
  /** Extra: adds seeded sessions, like the `seed` option or POST /_emulator/seed. */
  seed(spec: SeedSpec): void;
  /** Extra: adds a workspace besides the default one (or renames it when the id exists). */
  addWorkspace(workspace: WorkspaceRecord): void;
  /** Extra: the faults still pending (count = remaining uses). */
  pendingFaults(): FaultSpec[];
}
