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
}

export interface EmulatorOptions {
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

export interface ConfigureSpec {
  evaluation?: EvaluationTiming;
  pageSize?: number;
}

export type FaultKind = 'status' | 'delay' | 'malformed' | 'drop' | 'unauthorized';

export interface FaultSpec {
  kind: FaultKind;
  count?: number;
  method?: string;
  path?: string;
  status?: number;
  retryAfter?: string;
  delayMs?: number;
  afterProcessing?: boolean;
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
}

// ---- stored records (also the state-file format) ----

export interface WorkspaceRecord {
  id: string;
  displayName: string;
}

export interface SessionRecord {
  id: string;
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
}

export interface StateSnapshot {
  version: 1;
  workspace: WorkspaceRecord;
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
  /** Extra: the faults still pending (count = remaining uses). */
  pendingFaults(): FaultSpec[];
}
