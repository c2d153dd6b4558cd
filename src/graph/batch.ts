// JSON batching: many Graph reads in few round trips through `POST /{version}/$batch`
// (https://learn.microsoft.com/graph/json-batching): `{ requests: [{ id, method, url }] }` answered with
// `{ responses: [{ id, status, headers, body }] }`, at most 20 requests per batch, responses in any order.
//
// Rules kept here:
// - Reads only. A batch carries GETs; a create (POST) is never batched, because a batch that fails as a whole
//   would leave open which of its creates happened (every evaluation is billed).
// - Token confinement. The batch itself goes through GraphHttp (configured origin only, redirects refused) and
//   every sub-request URL is relative to the version root and checked to resolve back onto that origin; a
//   nextLink in a part's body is followed with the normal, origin-checked paging.
// - Throttling per part. A part answered 429 (or 503/504, like a single GET) is sent again in a later batch
//   after its own Retry-After (else the pipeline's backoff), alone with the other throttled parts; the parts
//   that succeeded are not re-read. The retry budget is the pipeline's (attempts, total time).
// - Exact errors. A part that fails for any other reason, or stays throttled past the budget, or that the batch
//   did not answer, is re-read as a single request, so the caller gets exactly what the single call gives
//   (its message, its type, its token refresh on 401). Reads are safe to repeat.
// - Feature detection. A refused `$batch` (400, 404, 405, 501, or a JSON answer not in the documented shape) is
//   remembered in `BatchState` (one per client) and every later read goes single. A batch that fails for a
//   passing reason (5xx, timeout, network, a body that isn't JSON, throttled as a whole past the budget) falls
//   back for that batch only.
//
// Where the docs are silent: whether the batch itself is 200 or 424 when a part was throttled (both accepted),
// whether header names in parts keep their case (read case-insensitively), and whether a part may carry a
// nextLink (followed if it does).
import { GraphError, GraphMalformedResponseError, isCancelledError } from './errors';
import { type GraphHttp, type GraphResponse, parseRetryAfter, sleep } from './http';

/** Most requests Graph accepts in one batch (documented). */
export const MAX_BATCH_REQUESTS = 20;

/** Statuses of a refused `$batch`: the service has no batching here; remember and stop trying. */
const REFUSED = new Set([400, 404, 405, 501]);
/** Part statuses retried inside later batches (the same the pipeline retries for a single GET). */
const RETRIED = new Set([429, 503, 504]);

/** Per-client memory of whether `$batch` works. */
export interface BatchState {
  /** Set once the service refused `$batch`: why (for the log). Later reads go one by one. */
  refused?: string;
}

/** One read: a key of the caller's, and the absolute URL (built by GraphHttp.url) the single call would GET. */
export interface BatchRead {
  key: string;
  url: string;
}

/** How one read turns out: `parse` reads a 2xx part; `single` is the single call, used for every failure. */
export interface ReadManyOptions<T> {
  parse: (response: GraphResponse, signal: AbortSignal | undefined) => Promise<T>;
  single: (key: string, signal: AbortSignal | undefined) => Promise<T>;
  signal?: AbortSignal;
  /** HTTP requests in flight at once (batches, or single reads when batching is off). Default 4. */
  concurrency?: number;
  /** Called as each read settles, in the order they settle. */
  onResult?: (key: string, result: T | Error) => void;
}

/**
 * The path + query of `absoluteUrl` relative to the version root (`https://graph.microsoft.com/beta/x?y` ->
 * `/x?y`), checked: it must be on the configured origin under the version root, and the relative form must be a
 * plain path (no scheme, no `//`, no backslash, no dot segments, no whitespace) that resolves back to exactly
 * the same URL. Throws GraphError otherwise (a programming error: nothing is sent).
 */
export function toBatchUrl(http: GraphHttp, absoluteUrl: string): string {
  let u: URL;
  try {
    u = new URL(absoluteUrl);
  } catch {
    throw new GraphError(`Refused to batch "${absoluteUrl.slice(0, 80)}": not a URL.`);
  }
  const versionPath = new URL(http.root).pathname; // '/beta'
  if (u.origin !== http.endpoint || u.username !== '' || u.password !== '' || !u.pathname.startsWith(`${versionPath}/`)) {
    throw new GraphError(`Refused to batch a request to ${u.origin}${u.pathname}: only ${http.root}/… can be batched.`);
  }
  const relative = `${u.pathname.slice(versionPath.length)}${u.search}`;
  checkBatchUrl(relative);
  if (new URL(`${http.root}${relative}`).href !== u.href) {
    throw new GraphError(`Refused to batch "${relative.slice(0, 80)}": it does not resolve back to the same URL.`);
  }
  return relative;
}

/** Throws GraphError unless `relative` is a plain version-relative path such as `/security/x?$top=5`. */
export function checkBatchUrl(relative: string): void {
  const path = relative.split('?', 1)[0];
  const ok =
    relative.startsWith('/') &&
    !relative.startsWith('//') &&
    !/[\s\\]/.test(relative) &&
    !/^[a-z][a-z0-9+.-]*:/i.test(relative) &&
    !path.split('/').some((seg) => seg === '.' || seg === '..' || /^(%2e|\.){1,2}$/i.test(seg));
  if (!ok) throw new GraphError(`Refused to batch "${relative.slice(0, 80)}": a batched URL must be a plain path relative to the Graph version.`);
}

interface Part {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Sends one `$batch` of GETs; resolves the parts by read key (a part the service didn't answer is absent). */
async function postBatch(http: GraphHttp, reads: readonly BatchRead[], signal: AbortSignal | undefined): Promise<{ parts: Map<string, Part>; response: GraphResponse }> {
  if (reads.length === 0) throw new GraphError('Refused to send an empty $batch.'); // a programming error: nothing is sent
  const ids = new Map<string, string>(); // batch id (lower case) -> read key
  const requests = reads.map((r, i) => {
    const id = String(i + 1);
    ids.set(id, r.key);
    return { id, method: 'GET', url: toBatchUrl(http, r.url) };
  });
  // Documented: the batch is 200 when parseable; the throttling guidance also speaks of 424. Both carry parts.
  const response = await http.send({ method: 'POST', url: `${http.root}/$batch`, body: { requests }, signal, acceptStatuses: [424] });
  const body = response.body;
  const list = typeof body === 'object' && body !== null ? (body as { responses?: unknown }).responses : undefined;
  if (!Array.isArray(list)) {
    throw new NotABatchAnswer(`Graph answered POST ${response.path} without a 'responses' list (HTTP ${response.status}).`, {
      method: 'POST',
      path: response.path,
      status: response.status,
      requestId: response.requestId,
    });
  }
  const parts = new Map<string, Part>();
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { id, status, headers, body: partBody } = item as { id?: unknown; status?: unknown; headers?: unknown; body?: unknown };
    if (typeof id !== 'string' || typeof status !== 'number') continue;
    const key = ids.get(id.toLowerCase());
    if (key === undefined || parts.has(key)) continue;
    const lower: Record<string, string> = {};
    if (typeof headers === 'object' && headers !== null) {
      for (const [k, v] of Object.entries(headers as Record<string, unknown>)) if (typeof v === 'string') lower[k.toLowerCase()] = v;
    }
    parts.set(key, { status, headers: lower, body: partBody });
  }
  return { parts, response };
}

/** The part as the response the single GET would have had (same method and path, so same messages). */
function partResponse(read: BatchRead, part: Part, batch: GraphResponse): GraphResponse {
  const u = new URL(read.url);
  return {
    status: part.status,
    body: part.body,
    method: 'GET',
    path: `${u.pathname}${u.search}`,
    requestId: part.headers['request-id'] ?? batch.requestId,
    clientRequestId: batch.clientRequestId,
    throttledMs: 0,
  };
}

/**
 * JSON that is not a batch answer: this service does not batch. (A body that is not JSON at all, e.g. cut off, is a
 * passing fault like a 5xx: the reads go single for that batch only.)
 */
class NotABatchAnswer extends GraphMalformedResponseError {}

function refusedReason(e: unknown): string | undefined {
  if (e instanceof NotABatchAnswer) return e.message;
  if (e instanceof GraphError && e.status !== undefined && REFUSED.has(e.status)) return e.message;
  return undefined;
}

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<I>(items: readonly I[], limit: number, work: (item: I) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, worker));
}

/**
 * Reads every `reads[i].url` (GETs) in batches of up to 20, falling back to `single` as described at the top of
 * this file. Resolves a Map from read key to the parsed result or the Error the single call gives; rejects only
 * with GraphCancelledError when `signal` aborts. Reads are sent in the order given (put what is on screen
 * first); `onResult` reports each as it settles.
 */
export async function readMany<T>(http: GraphHttp, state: BatchState, reads: readonly BatchRead[], o: ReadManyOptions<T>): Promise<Map<string, T | Error>> {
  const results = new Map<string, T | Error>();
  const limit = Math.max(1, Math.floor(o.concurrency ?? 4));
  const settle = (key: string, result: T | Error): void => {
    results.set(key, result);
    try {
      o.onResult?.(key, result);
    } catch {
      // A failing listener must not break the reads.
    }
  };
  const single = async (read: BatchRead): Promise<void> => {
    try {
      settle(read.key, await o.single(read.key, o.signal));
    } catch (e) {
      if (isCancelledError(e) || o.signal?.aborted) throw e;
      settle(read.key, e instanceof Error ? e : new Error(String(e)));
    }
  };
  const parse = async (read: BatchRead, response: GraphResponse): Promise<void> => {
    try {
      settle(read.key, await o.parse(response, o.signal));
    } catch (e) {
      if (isCancelledError(e) || o.signal?.aborted) throw e;
      settle(read.key, e instanceof Error ? e : new Error(String(e)));
    }
  };

  // One read costs one round trip either way: no batch for it.
  if (state.refused !== undefined || reads.length < 2) {
    await pool(reads, limit, single);
    return results;
  }

  const chunks: BatchRead[][] = [];
  for (let i = 0; i < reads.length; i += MAX_BATCH_REQUESTS) chunks.push(reads.slice(i, i + MAX_BATCH_REQUESTS));
  const policy = http.retryPolicy;

  const runChunk = async (chunk: BatchRead[]): Promise<void> => {
    if (state.refused !== undefined) {
      await pool(chunk, limit, single);
      return;
    }
    const started = Date.now();
    // Parts waiting for another batch: the read, its attempts so far, when it may go again.
    let todo = chunk.map((read) => ({ read, attempts: 0, dueAt: started }));
    const fallback: BatchRead[] = [];
    while (todo.length > 0) {
      const now = Date.now();
      const firstDue = Math.min(...todo.map((t) => t.dueAt));
      if (firstDue > now) await sleep(firstDue - now, o.signal);
      // Timers run on a monotonic clock, Date.now() on the wall clock: after the sleep it can still read a
      // millisecond before firstDue. Everything due by firstDue goes now, so a batch is never empty (an empty
      // `$batch` is a 400, which would read as "batching refused").
      const dueBy = Math.max(Date.now(), firstDue);
      const sending = todo.filter((t) => t.dueAt <= dueBy);
      todo = todo.filter((t) => !sending.includes(t));
      if (sending.length === 1 && sending[0].attempts > 0) {
        fallback.push(sending[0].read); // one read left: a single request does the same with its own retries
        continue;
      }
      let answer: Awaited<ReturnType<typeof postBatch>>;
      try {
        answer = await postBatch(http, sending.map((t) => t.read), o.signal);
      } catch (e) {
        if (isCancelledError(e) || o.signal?.aborted) throw e;
        const reason = refusedReason(e);
        if (reason !== undefined) state.refused = reason;
        fallback.push(...sending.map((t) => t.read), ...todo.map((t) => t.read));
        todo = [];
        break;
      }
      const parsing: Promise<void>[] = [];
      // One clock reading for the whole answer: parts throttled with the same Retry-After go again together.
      const answeredAt = Date.now();
      for (const t of sending) {
        const part = answer.parts.get(t.read.key);
        if (!part) {
          fallback.push(t.read);
        } else if (part.status >= 200 && part.status < 300) {
          parsing.push(parse(t.read, partResponse(t.read, part, answer.response)));
        } else if (RETRIED.has(part.status)) {
          const attempts = t.attempts + 1;
          const wait = parseRetryAfter(part.headers['retry-after']) ?? http.backoff(attempts);
          if (attempts < policy.maxAttempts && answeredAt - started + wait <= policy.maxTotalMs) {
            todo.push({ read: t.read, attempts, dueAt: answeredAt + wait });
          } else {
            fallback.push(t.read);
          }
        } else {
          fallback.push(t.read);
        }
      }
      await Promise.all(parsing);
    }
    await pool(fallback, limit, single);
  };

  await pool(chunks, limit, runChunk);
  return results;
}
