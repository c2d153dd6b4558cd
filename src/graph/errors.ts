// Typed errors of the Graph client. Every class sets `name`, and the guards below compare `name` rather than
// using `instanceof`, so they keep working when two copies of this module end up in different bundles.

export interface GraphErrorDetails {
  status?: number;
  code?: string;
  requestId?: string;
  clientRequestId?: string;
  date?: string;
  method?: string;
  path?: string;
  mayHaveBeenProcessed?: boolean;
  cause?: unknown;
}

export class GraphError extends Error {
  /** HTTP status of the response, when there was one. */
  status?: number;
  /** Graph's `error.code` (e.g. `itemNotFound`, `UnknownError`). */
  code?: string;
  /** The service's `request-id` (response header, or `error.innerError['request-id']`). */
  requestId?: string;
  /** The `client-request-id` this client sent (or the one the service echoed). */
  clientRequestId?: string;
  /** `error.innerError.date`, or the response's `Date` header. */
  date?: string;
  /** HTTP method and path (+ query, never the host) of the failed request. Extra to the contract. */
  method?: string;
  path?: string;
  /**
   * Extra to the contract: true when a non-idempotent request (POST, PATCH) failed in a way that leaves open
   * whether the service carried it out (5xx, timeout, connection lost after sending). Such failures are never
   * retried automatically; callers should refresh before offering "try again".
   */
  mayHaveBeenProcessed?: boolean;

  constructor(message: string, details: GraphErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'GraphError';
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.clientRequestId = details.clientRequestId;
    this.date = details.date;
    this.method = details.method;
    this.path = details.path;
    if (details.mayHaveBeenProcessed !== undefined) this.mayHaveBeenProcessed = details.mayHaveBeenProcessed;
  }
}

/** 401 after one forced token refresh, or 403. */
export class GraphAuthError extends GraphError {
  /** Extra: decoded `claims` of a `WWW-Authenticate: ... error="insufficient_claims"` challenge, if any. */
  claims?: string;
  constructor(message: string, details: GraphErrorDetails & { claims?: string } = {}) {
    super(message, details);
    this.name = 'GraphAuthError';
    if (details.claims !== undefined) this.claims = details.claims;
  }
}

/** 404. */
export class GraphNotFoundError extends GraphError {
  constructor(message: string, details: GraphErrorDetails = {}) {
    super(message, details);
    this.name = 'GraphNotFoundError';
  }
}

/** 429 or 503 after the retries ran out (or when the wait asked for is longer than the retry budget). */
export class GraphThrottledError extends GraphError {
  retryAfterMs?: number;
  constructor(message: string, details: GraphErrorDetails & { retryAfterMs?: number } = {}) {
    super(message, details);
    this.name = 'GraphThrottledError';
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

/** The request didn't get an HTTP response (connection refused, reset, DNS failure, ...). */
export class GraphNetworkError extends GraphError {
  declare mayHaveBeenProcessed: boolean;
  constructor(message: string, details: GraphErrorDetails & { mayHaveBeenProcessed: boolean }) {
    super(message, details);
    this.name = 'GraphNetworkError';
    this.mayHaveBeenProcessed = details.mayHaveBeenProcessed;
  }
}

/** The per-attempt timeout elapsed (not the caller's cancellation). */
export class GraphTimeoutError extends GraphError {
  constructor(message: string, details: GraphErrorDetails = {}) {
    super(message, details);
    this.name = 'GraphTimeoutError';
  }
}

/** The caller's AbortSignal fired. */
export class GraphCancelledError extends GraphError {
  constructor(message = 'The request was cancelled.', details: GraphErrorDetails = {}) {
    super(message, details);
    this.name = 'GraphCancelledError';
  }
}

/** A response that isn't JSON, is empty, or doesn't have the documented shape. */
export class GraphMalformedResponseError extends GraphError {
  constructor(message: string, details: GraphErrorDetails = {}) {
    super(message, details);
    this.name = 'GraphMalformedResponseError';
  }
}

/** Bad input caught before any request was sent. */
export class GraphValidationError extends GraphError {
  constructor(message: string, details: GraphErrorDetails = {}) {
    super(message, details);
    this.name = 'GraphValidationError';
  }
}

const GRAPH_ERROR_NAMES: ReadonlySet<string> = new Set([
  'GraphError',
  'GraphAuthError',
  'GraphNotFoundError',
  'GraphThrottledError',
  'GraphNetworkError',
  'GraphTimeoutError',
  'GraphCancelledError',
  'GraphMalformedResponseError',
  'GraphValidationError',
]);

function nameOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const name = (e as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

export function isGraphError(e: unknown): e is GraphError {
  const name = nameOf(e);
  return name !== undefined && GRAPH_ERROR_NAMES.has(name);
}
export function isAuthError(e: unknown): e is GraphAuthError {
  return nameOf(e) === 'GraphAuthError';
}
export function isNotFoundError(e: unknown): e is GraphNotFoundError {
  return nameOf(e) === 'GraphNotFoundError';
}
export function isThrottledError(e: unknown): e is GraphThrottledError {
  return nameOf(e) === 'GraphThrottledError';
}
export function isNetworkError(e: unknown): e is GraphNetworkError {
  return nameOf(e) === 'GraphNetworkError';
}
export function isTimeoutError(e: unknown): e is GraphTimeoutError {
  return nameOf(e) === 'GraphTimeoutError';
}
export function isCancelledError(e: unknown): e is GraphCancelledError {
  return nameOf(e) === 'GraphCancelledError';
}
export function isMalformedResponseError(e: unknown): e is GraphMalformedResponseError {
  return nameOf(e) === 'GraphMalformedResponseError';
}
export function isValidationError(e: unknown): e is GraphValidationError {
  return nameOf(e) === 'GraphValidationError';
}

/** Appended to the message of a write that failed in a way that leaves open whether the service carried it out. */
export const MAY_HAVE_BEEN_PROCESSED = ' The service may have processed the request anyway: refresh to check before trying again.';

/** The message of a failure without the "may have processed" advice (for callers that checked already). */
export function failureCause(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(MAY_HAVE_BEEN_PROCESSED, '').replace(/[.\s]+$/, '');
}

/** True when a failed write may still have been carried out by the service (see GraphError.mayHaveBeenProcessed). */
export function mayHaveBeenProcessed(e: unknown): boolean {
  return isGraphError(e) && e.mayHaveBeenProcessed === true;
}
