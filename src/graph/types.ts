// Public types of the Graph client (docs/contracts.md section 1). Entities are the validated, normalised
// shapes produced by schemas.ts, not the raw wire JSON.

export interface TokenRequestOptions {
  forceRefresh?: boolean;
  /**
   * Claims (decoded JSON) of a Conditional Access challenge: a 401 whose `WWW-Authenticate` carried
   * `claims="<base64>"`. The provider passes them to the next sign-in.
   */
  claims?: string;
}
export type TokenProvider = (options: TokenRequestOptions) => Promise<string>;

export interface RequestLogEntry {
  method: string;
  /** Path + query relative to the endpoint origin. Never the token, never any header. */
  path: string;
  status?: number;
  requestId?: string;
  clientRequestId: string;
  durationMs: number;
  attempt: number;
  error?: string;
}

export interface RetryOptions {
  /** Attempts per request, including the first (default 4). The single 401 token-refresh retry is extra. */
  maxAttempts?: number;
  /** No retry starts later than this after the first attempt started (default 60_000). */
  maxTotalMs?: number;
  /** Exponential backoff base when the service sends no Retry-After (default 500). */
  baseDelayMs?: number;
  /** Cap of the exponential backoff (default 8_000). A server's Retry-After is honoured up to maxTotalMs. */
  maxDelayMs?: number;
}

export interface GraphClientOptions {
  /** Default 'https://graph.microsoft.com' (origin only). */
  baseUrl?: string;
  /** Default 'beta'. */
  version?: string;
  getToken: TokenProvider;
  /** Per attempt, default 30_000. */
  timeoutMs?: number;
  retry?: RetryOptions;
  log?: (entry: RequestLogEntry) => void;
  /** Default globalThis.fetch, read at call time (VS Code patches/proxies it). */
  fetch?: typeof fetch;
}

/** An item of a list response that did not fit the documented shape and was left out. */
export interface SkippedItem {
  /** 'session', 'prompt', 'evaluation', … */
  what: string;
  id?: string;
  /** Position in its page. */
  index: number;
  reason: string;
}

export interface ListOptions {
  top?: number;
  /** Told about each item left out because it did not fit its schema. */
  onSkipped?: (item: SkippedItem) => void;
  select?: string[];
  filter?: string;
  count?: boolean;
  signal?: AbortSignal;
}
export interface CallOptions {
  signal?: AbortSignal;
}
export interface Page<T> {
  items: T[];
  /** Items of this page that did not fit their schema (left out of `items`). */
  skipped?: SkippedItem[];
  nextLink?: string;
  count?: number;
}

export interface Workspace {
  id: string;
  displayName: string | null;
}

export interface Session {
  id: string;
  displayName: string | null;
  createdDateTime: string;
  lastModifiedDateTime: string;
}

export type PromptType = 'unknown' | 'context' | 'prompt' | 'skill' | 'feedback' | 'unknownFutureValue';

export interface Prompt {
  id: string;
  type: PromptType;
  content: string | null;
  createdDateTime: string;
  lastModifiedDateTime: string;
  skillName: string | null;
}

export type EvaluationState =
  | 'unknown'
  | 'created'
  | 'running'
  | 'completed'
  | 'cancelled'
  | 'pending'
  | 'deferred'
  | 'waitingForInput'
  | 'unknownFutureValue';

export type EvaluationResultType =
  | 'unknown'
  | 'success'
  | 'error'
  | 'needAdditionalClaims'
  | 'rejected'
  | 'timedOut'
  | 'capacityExceeded'
  | 'unknownFutureValue';

export interface EvaluationResult {
  content: string | null;
  type: EvaluationResultType;
  previewState: string | null;
}

export interface Evaluation {
  id: string;
  createdDateTime: string;
  /** null while the '0001-01-01T00:00:00Z' sentinel is sent (not started yet). */
  runStartDateTime: string | null;
  /** null while the '0001-01-01T00:00:00Z' sentinel is sent (not completed yet). */
  completedDateTime: string | null;
  lastModifiedDateTime: string;
  state: EvaluationState;
  executionCount: number;
  isCancelled: boolean;
  result: EvaluationResult | null;
}

export interface Plugin {
  name: string;
  displayName: string | null;
  description: string | null;
  category: string | null;
  isEnabled: boolean | null;
  previewState: string | null;
  /** Where the plugin is available: user, workspace, tenant, global… */
  catalogScope: string | null;
  /** `authorization.authType` (none, aPIKey, oAuthAuthorizationCodeFlow, aad…). */
  authType: string | null;
  settings: PluginSetting[];
}

export interface PluginSetting {
  name: string | null;
  label: string | null;
  description: string | null;
  settingValue: string | null;
  isRequired: boolean | null;
  value: string | null;
}

export interface EvaluationRef {
  workspaceId: string;
  sessionId: string;
  promptId: string;
  evaluationId: string;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Delay before the first poll, default 500. */
  initialDelayMs?: number;
  /** Default 5_000; the delay grows x1.5 per poll and is never below 1_000 after the first poll. */
  maxDelayMs?: number;
  /** Default 10 minutes; then the outcome is kind 'timedOut' (client side). */
  timeoutMs?: number;
  /** Called on every poll whose state or result changed (the first poll always counts as a change). */
  onUpdate?: (evaluation: Evaluation) => void;
}

export type OutcomeKind =
  | 'success'
  | 'error'
  | 'rejected'
  | 'timedOut'
  | 'capacityExceeded'
  | 'needAdditionalClaims'
  | 'cancelled'
  | 'unknown';

export interface EvaluationOutcome {
  kind: OutcomeKind;
  evaluation: Evaluation;
  content: string | null;
  message: string;
}
