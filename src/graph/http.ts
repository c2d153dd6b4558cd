// The request pipeline: headers, per-attempt timeout, cancellation, retries, error mapping, logging.
//
// Retry policy (why each case is safe):
// - GET: retried on 429, 503, 504, network errors and timeouts. Reads have no side effects.
// - POST (create session / prompt / evaluation): retried ONLY when the service certainly did not act on it:
//   a 429 (Graph rejects throttled requests before processing them) or a connection that was never
//   established (ECONNREFUSED, DNS failure, connect timeout). Any other failure (503/5xx, timeout, a socket
//   reset after the request went out) is surfaced with `mayHaveBeenProcessed: true`; retrying could create a
//   duplicate session or prompt, or start a second (billed) evaluation.
// - PATCH (rename): retried on 429 and never-connected only. A rename is idempotent in effect, so retrying
//   on 5xx would be harmless, but the docs don't promise idempotency and we keep writes conservative.
// - 401: exactly one extra attempt with getToken({ forceRefresh: true }) (plus `claims` when the 401 carried a
//   claims challenge in WWW-Authenticate), for every method (a 401 is
//   decided before the request is processed). It doesn't count against maxAttempts. A second 401 -> GraphAuthError.
// - 403: GraphAuthError at once (a fresh token won't add a missing role).
// Waits: the Retry-After header (delta-seconds, possibly fractional like "2.128", or an HTTP date), else
// exponential backoff with jitter. No retry starts if the wait would end after maxTotalMs; cancellation ends
// any wait at once.
// Graph's best-practice note says to retry a 503 "on a new HTTP connection"; fetch offers no per-request way
// to force that (the Connection header is forbidden), so we rely on the pool dropping the failed connection.
import { randomUUID } from 'node:crypto';
import {
  GraphAuthError,
  GraphCancelledError,
  GraphError,
  type GraphErrorDetails,
  GraphMalformedResponseError,
  GraphNetworkError,
  GraphNotFoundError,
  GraphThrottledError,
  GraphTimeoutError,
  GraphValidationError,
  MAY_HAVE_BEEN_PROCESSED,
} from './errors';
import type { GraphClientOptions, RequestLogEntry, TokenProvider } from './types';
import { validateId } from './validate';

export type HttpMethod = 'GET' | 'POST' | 'PATCH';

export interface GraphRequest {
  method: HttpMethod;
  /** Absolute URL; must be on the configured endpoint's origin. */
  url: string;
  body?: unknown;
  signal?: AbortSignal;
  /**
   * Non-2xx statuses to hand back as a response instead of an error (a `$batch` answered 424 still carries
   * its parts' responses). Never 401, 403 or the retried statuses: those keep their normal handling.
   */
  acceptStatuses?: readonly number[];
}

export interface GraphResponse {
  status: number;
  /** Parsed JSON body; undefined when the body was empty. */
  body: unknown;
  method: HttpMethod;
  /** Path + query on the endpoint origin. */
  path: string;
  requestId?: string;
  clientRequestId: string;
  /** Longest server-requested (Retry-After) or backoff wait this call went through, in ms. */
  throttledMs: number;
}

export const DEFAULT_BASE_URL = 'https://graph.microsoft.com';
export const DEFAULT_VERSION = 'beta';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRY = { maxAttempts: 4, maxTotalMs: 60_000, baseDelayMs: 500, maxDelayMs: 8_000 } as const;

/** A fresh random GUID (used for client-request-id). */
export function newGuid(): string {
  return randomUUID();
}

/**
 * Parses a Retry-After value: delta-seconds (fractional allowed, e.g. "2.128") or an HTTP date.
 * Returns milliseconds (>= 0), or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(v)) return Math.ceil(Number(v) * 1000);
  if (/[a-z]/i.test(v)) {
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return undefined;
}

/** Sleeps `ms`; rejects with GraphCancelledError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new GraphCancelledError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new GraphCancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves/rejects like `promise`, but rejects with `signal.reason` as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

// Error codes meaning the connection was never established, so the request certainly never reached the
// service: safe to retry even for a POST.
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** The first `code` found on an error, its `cause` chain or AggregateError members (fetch nests them). */
export function networkErrorCode(e: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof e !== 'object' || e === null) return undefined;
  const rec = e as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof rec.code === 'string' && rec.code !== '') return rec.code;
  const fromCause = networkErrorCode(rec.cause, depth + 1);
  if (fromCause !== undefined) return fromCause;
  if (Array.isArray(rec.errors)) {
    for (const inner of rec.errors) {
      const code = networkErrorCode(inner, depth + 1);
      if (code !== undefined) return code;
    }
  }
  return undefined;
}

interface GraphErrorBody {
  code?: string;
  message?: string;
  requestId?: string;
  clientRequestId?: string;
  date?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Reads Graph's `{ error: { code, message, innerError: { 'request-id', date } } }`; tolerant of variants. */
export function readGraphErrorBody(body: unknown): GraphErrorBody | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as Record<string, unknown>).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as Record<string, unknown>;
  const innerRaw = e.innerError ?? e.innererror;
  const inner = typeof innerRaw === 'object' && innerRaw !== null ? (innerRaw as Record<string, unknown>) : {};
  return {
    code: str(e.code),
    message: str(e.message)?.trim() || undefined,
    requestId: str(inner['request-id']),
    clientRequestId: str(inner['client-request-id']),
    date: str(inner.date),
  };
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${Math.max(0.1, Math.round(ms / 100) / 10)} s` : `${Math.round(ms / 1000)} s`;
}

/** "Graph returned HTTP 500 (UnknownError) for GET /beta/..., request id 7e73...." */
export function describeHttpFailure(
  status: number,
  method: string,
  path: string,
  graph: GraphErrorBody | undefined,
  requestId: string | undefined,
  bodyNote?: string,
): string {
  let s = `Graph returned HTTP ${status}${graph?.code ? ` (${graph.code})` : ''} for ${method} ${path}`;
  if (graph?.message) s += `: ${graph.message.replace(/[.\s]+$/, '')}`;
  if (bodyNote) s += ` (${bodyNote})`;
  if (requestId) s += `${graph?.message ? '. Request id' : ', request id'} ${requestId}`;
  return `${s}.`;
}


type AttemptResult =
  | { kind: 'response'; response: Response; text: string; clientRequestId: string }
  | { kind: 'cancelled'; clientRequestId: string }
  | { kind: 'timeout'; clientRequestId: string; error: unknown }
  | { kind: 'network'; clientRequestId: string; error: unknown; code?: string; notSent: boolean };

export class GraphHttp {
  /** Normalised origin, e.g. 'https://graph.microsoft.com'. */
  readonly endpoint: string;
  /** endpoint + '/' + version. */
  readonly root: string;
  private readonly getToken: TokenProvider;
  private readonly timeoutMs: number;
  private readonly retry: { maxAttempts: number; maxTotalMs: number; baseDelayMs: number; maxDelayMs: number };
  private readonly log?: (entry: RequestLogEntry) => void;
  private readonly fetchOverride?: typeof fetch;

  constructor(options: GraphClientOptions) {
    if (typeof options?.getToken !== 'function') throw new GraphValidationError('A token provider (getToken) is required.');
    this.endpoint = normaliseEndpoint(options.baseUrl ?? DEFAULT_BASE_URL);
    const version = options.version ?? DEFAULT_VERSION;
    const v = validateId(version, 'Graph version');
    if (!v.ok) throw new GraphValidationError(v.message);
    this.root = `${this.endpoint}/${encodeURIComponent(version)}`;
    this.getToken = options.getToken;
    this.timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS);
    const r = options.retry ?? {};
    this.retry = {
      maxAttempts: Math.max(1, Math.floor(positive(r.maxAttempts, DEFAULT_RETRY.maxAttempts))),
      maxTotalMs: nonNegative(r.maxTotalMs, DEFAULT_RETRY.maxTotalMs),
      baseDelayMs: nonNegative(r.baseDelayMs, DEFAULT_RETRY.baseDelayMs),
      maxDelayMs: nonNegative(r.maxDelayMs, DEFAULT_RETRY.maxDelayMs),
    };
    this.log = options.log;
    this.fetchOverride = options.fetch;
  }

  /** Builds `root/seg1/seg2...?query`; every segment is percent-encoded. Query values must be pre-encoded. */
  url(segments: readonly string[], query?: readonly (readonly [string, string])[]): string {
    const path = segments.map((s) => encodeURIComponent(s)).join('/');
    const qs = query && query.length > 0 ? `?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
    return `${this.root}/${path}${qs}`;
  }

  /**
   * Checks an `@odata.nextLink` (an opaque URL) and returns it as an absolute URL. It must be on the configured
   * endpoint's origin: the token is never sent anywhere else. The docs don't say whether nextLinks can be
   * relative; a relative one is resolved against the endpoint.
   */
  resolveNextLink(nextLink: string): string {
    let u: URL;
    try {
      u = new URL(nextLink, `${this.endpoint}/`);
    } catch {
      throw new GraphMalformedResponseError(`Graph sent a nextLink that isn't a URL ("${truncate(nextLink, 120)}").`);
    }
    if (u.origin !== this.endpoint || u.username !== '' || u.password !== '') {
      throw new GraphError(
        `Refused to follow a nextLink to ${u.protocol}//${u.host}: it isn't the configured Graph endpoint ` +
          `(${this.endpoint}), and your token is only ever sent there.`,
      );
    }
    return u.href;
  }

  /** Sends one logical request through the retry pipeline. Resolves only for 2xx responses. */
  async send(req: GraphRequest): Promise<GraphResponse> {
    const { method, signal } = req;
    const target = new URL(req.url);
    if (target.origin !== this.endpoint) {
      // Internal misuse guard; public callers go through url()/resolveNextLink().
      throw new GraphError(`Refused to send a request to ${target.origin}: only ${this.endpoint} is allowed.`);
    }
    const path = `${target.pathname}${target.search}`;
    const details = { method, path };
    if (signal?.aborted) throw new GraphCancelledError(undefined, details);

    const started = Date.now();
    let attempt = 0; // every attempt, for the log
    let counted = 0; // attempts that count against maxAttempts (the 401 refresh doesn't)
    let forceRefresh = false;
    let claims: string | undefined; // of a Conditional Access challenge, passed with the refresh
    let refreshed = false;
    let throttledMs = 0;

    for (;;) {
      attempt++;
      counted++;
      const token = await this.token(forceRefresh, signal, details, claims);
      forceRefresh = false;
      claims = undefined;
      const attemptStart = Date.now();
      const result = await this.attempt(req, target.href, token);
      const durationMs = Date.now() - attemptStart;

      if (result.kind === 'cancelled') {
        this.emit({ method, path, clientRequestId: result.clientRequestId, durationMs, attempt, error: 'cancelled' });
        throw new GraphCancelledError(undefined, { ...details, clientRequestId: result.clientRequestId });
      }

      if (result.kind !== 'response') {
        const code = result.kind === 'network' ? result.code : undefined;
        this.emit({
          method,
          path,
          clientRequestId: result.clientRequestId,
          durationMs,
          attempt,
          error: result.kind === 'timeout' ? 'timeout' : `network error${code ? ` (${code})` : ''}`,
        });
        const safe = method === 'GET' || (result.kind === 'network' && result.notSent);
        if (safe) {
          const wait = this.backoff(counted);
          if (this.canRetry(counted, started, wait)) {
            throttledMs = Math.max(throttledMs, wait);
            await sleep(wait, signal).catch((e: unknown) => {
              throw withDetails(e, details);
            });
            continue;
          }
        }
        const ambiguous = method !== 'GET' && !(result.kind === 'network' && result.notSent);
        const base = { ...details, clientRequestId: result.clientRequestId, cause: result.error };
        if (result.kind === 'timeout') {
          throw new GraphTimeoutError(
            `Microsoft Graph didn't answer ${method} ${path} within ${seconds(this.timeoutMs)}.` +
              (ambiguous ? MAY_HAVE_BEEN_PROCESSED : ''),
            ambiguous ? { ...base, mayHaveBeenProcessed: true } : base,
          );
        }
        throw new GraphNetworkError(
          (result.notSent
            ? `Couldn't connect to Microsoft Graph at ${this.endpoint}${code ? ` (${code})` : ''} for ${method} ${path}.`
            : `The connection to Microsoft Graph failed during ${method} ${path}${code ? ` (${code})` : ''}.`) +
            (ambiguous ? MAY_HAVE_BEEN_PROCESSED : ''),
          { ...base, mayHaveBeenProcessed: ambiguous },
        );
      }

      const { response, text } = result;
      const status = response.status;
      const requestId = response.headers.get('request-id') ?? undefined;
      const clientRequestId = response.headers.get('client-request-id') ?? result.clientRequestId;
      let body: unknown = undefined;
      let bodyIsJson = false;
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text) as unknown;
          bodyIsJson = true;
        } catch {
          body = undefined;
        }
      }
      const graph = readGraphErrorBody(body);
      this.emit({
        method,
        path,
        status,
        requestId: requestId ?? graph?.requestId,
        clientRequestId,
        durationMs,
        attempt,
        ...(status >= 200 && status < 300 ? {} : { error: graph?.code ?? `HTTP ${status}` }),
      });

      const info: GraphErrorDetails = {
        ...details,
        status,
        code: graph?.code,
        requestId: requestId ?? graph?.requestId,
        clientRequestId,
        date: graph?.date ?? response.headers.get('date') ?? undefined,
      };

      const accepted = req.acceptStatuses?.includes(status) === true && ![401, 403, 429, 503, 504].includes(status);
      if ((status >= 200 && status < 300) || accepted) {
        if (text.trim() !== '' && !bodyIsJson) {
          const type = response.headers.get('content-type');
          // A write answered 2xx was carried out, even if its answer can't be read: callers look it up.
          const done = method !== 'GET' && status >= 200 && status < 300;
          throw new GraphMalformedResponseError(
            `Graph returned a response that isn't JSON${type ? ` (${type})` : ''} for ${method} ${path}` +
              `${info.requestId ? `, request id ${info.requestId}` : ''}.${done ? MAY_HAVE_BEEN_PROCESSED : ''}`,
            done ? { ...info, mayHaveBeenProcessed: true } : info,
          );
        }
        return { status, body, method, path, requestId: info.requestId, clientRequestId, throttledMs };
      }

      const bodyNote = text.trim() === '' ? 'empty body' : !bodyIsJson ? "the body wasn't JSON" : undefined;
      const described = describeHttpFailure(status, method, path, graph, info.requestId, bodyNote);

      if (status === 401) {
        if (!refreshed) {
          refreshed = true;
          forceRefresh = true;
          claims = readClaimsChallenge(response.headers.get('www-authenticate'));
          counted--; // the refresh retry is extra
          continue;
        }
        throw new GraphAuthError(
          `Microsoft Graph didn't accept your sign-in (HTTP 401), even with a refreshed token. Sign in again. ${described}`,
          { ...info, claims: readClaimsChallenge(response.headers.get('www-authenticate')) },
        );
      }
      if (status === 403) {
        throw new GraphAuthError(
          'Access denied: your account needs a Security Copilot role (Contributor) and the ' +
            `SecurityCopilotWorkspaces permission. ${described}`,
          { ...info, claims: readClaimsChallenge(response.headers.get('www-authenticate')) },
        );
      }
      if (status === 404) throw new GraphNotFoundError(described, info);

      if (status >= 300 && status < 400) {
        // redirect: 'manual' — a redirect is not followed, so the token can't be forwarded to another host.
        throw new GraphError(`${described} Redirects aren't followed, so your token isn't sent anywhere else.`, info);
      }

      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      const throttling = status === 429 || status === 503;
      const retryable = status === 429 || (method === 'GET' && (status === 503 || status === 504));
      if (retryable) {
        const wait = retryAfterMs ?? this.backoff(counted);
        if (this.canRetry(counted, started, wait)) {
          throttledMs = Math.max(throttledMs, wait);
          await sleep(wait, signal).catch((e: unknown) => {
            throw withDetails(e, details);
          });
          continue;
        }
      }
      const ambiguous = method !== 'GET' && status >= 500;
      const detailsOut: GraphErrorDetails = ambiguous ? { ...info, mayHaveBeenProcessed: true } : info;
      if (throttling) {
        const lead =
          status === 429
            ? 'Microsoft Graph is throttling requests.'
            : 'Microsoft Graph is temporarily unavailable (HTTP 503).';
        const tries = retryable ? ` Gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}.` : '';
        const later = retryAfterMs !== undefined ? ` Try again in ${seconds(retryAfterMs)}.` : ' Try again later.';
        throw new GraphThrottledError(
          `${lead}${tries}${later} ${described}${ambiguous ? MAY_HAVE_BEEN_PROCESSED : ''}`,
          { ...detailsOut, retryAfterMs },
        );
      }
      throw new GraphError(`${described}${ambiguous ? MAY_HAVE_BEEN_PROCESSED : ''}`, detailsOut);
    }
  }

  private async token(forceRefresh: boolean, signal: AbortSignal | undefined, details: GraphErrorDetails, claims?: string): Promise<string> {
    const pending = this.getToken(forceRefresh ? { forceRefresh: true, ...(claims ? { claims } : {}) } : {});
    let token: unknown;
    if (signal) {
      try {
        token = await abortable(pending, signal);
      } catch (e) {
        if (signal.aborted) throw new GraphCancelledError(undefined, details);
        throw e;
      }
    } else {
      token = await pending;
    }
    // Errors of the token provider itself (not signed in, consent needed...) propagate unchanged.
    if (typeof token !== 'string' || token.trim() === '') {
      throw new GraphAuthError('No access token is available. Sign in to Security Copilot.', details);
    }
    return token;
  }

  /** One HTTP attempt. Never throws; reports 'cancelled' when the caller's signal fired. */
  private async attempt(req: GraphRequest, url: string, token: string): Promise<AttemptResult> {
    const clientRequestId = newGuid();
    const caller = req.signal;
    const controller = new AbortController();
    // A private timer rather than AbortSignal.any([caller, AbortSignal.timeout()]): it tells timeout and
    // cancellation apart without guesswork and detaches from a long-lived caller signal afterwards.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, this.timeoutMs);
    const onCallerAbort = (): void => controller.abort(caller?.reason);
    caller?.addEventListener('abort', onCallerAbort, { once: true });
    if (caller?.aborted) controller.abort(caller.reason);

    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'client-request-id': clientRequestId,
    };
    const init: RequestInit = { method: req.method, headers, signal: controller.signal, redirect: 'manual' };
    if (req.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(req.body);
    }
    try {
      // Read at call time: VS Code installs its proxy-aware fetch on globalThis.
      const fetchImpl = this.fetchOverride ?? globalThis.fetch;
      const response = await abortable(
        Promise.resolve().then(() => fetchImpl(url, init)),
        controller.signal,
      );
      const text = await abortable(response.text(), controller.signal);
      return { kind: 'response', response, text, clientRequestId };
    } catch (error) {
      if (caller?.aborted) return { kind: 'cancelled', clientRequestId };
      if (timedOut) return { kind: 'timeout', clientRequestId, error };
      const code = networkErrorCode(error);
      return { kind: 'network', clientRequestId, error, code, notSent: code !== undefined && NOT_SENT_CODES.has(code) };
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    }
  }

  /** The retry budget every logical request gets (attempts, total time, backoff). */
  get retryPolicy(): Readonly<{ maxAttempts: number; maxTotalMs: number; baseDelayMs: number; maxDelayMs: number }> {
    return this.retry;
  }

  /** Exponential backoff with jitter for the n-th retry (n >= 1): between 50% and 100% of base * 2^(n-1). */
  backoff(n: number): number {
    const { baseDelayMs, maxDelayMs } = this.retry;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, n - 1));
    return Math.round(ceiling * (0.5 + Math.random() * 0.5));
  }

  private canRetry(counted: number, started: number, wait: number): boolean {
    return counted < this.retry.maxAttempts && Date.now() - started + wait <= this.retry.maxTotalMs;
  }

  private emit(entry: RequestLogEntry): void {
    if (!this.log) return;
    try {
      this.log(entry);
    } catch {
      // A failing logger must not break requests.
    }
  }
}

function withDetails(e: unknown, details: GraphErrorDetails): unknown {
  if (e instanceof GraphCancelledError) return new GraphCancelledError(undefined, details);
  return e;
}

/** Decodes the `claims` of a CAE challenge (`Bearer ..., error="insufficient_claims", claims="base64"`). */
export function readClaimsChallenge(header: string | null): string | undefined {
  if (!header || !/insufficient_claims/i.test(header)) return undefined;
  const m = /claims="([^"]*)"/i.exec(header);
  if (!m) return undefined;
  try {
    return Buffer.from(m[1], 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}

function normaliseEndpoint(baseUrl: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new GraphValidationError(`The Graph endpoint "${truncate(baseUrl, 80)}" isn't a valid URL.`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new GraphValidationError(`The Graph endpoint must be an http(s) URL (got ${u.protocol}).`);
  }
  if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
    throw new GraphValidationError(
      `The Graph endpoint must be just an origin such as ${DEFAULT_BASE_URL} (got "${truncate(baseUrl, 80)}").`,
    );
  }
  return u.origin;
}

function positive(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}
function nonNegative(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}
function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
