// The HTTP layer: Graph-style headers and error bodies, fault injection, request recording, the control API
// under /_emulator/, and request logging.
import * as http from 'node:http';
import { type AddressInfo } from 'node:net';
import { AnswerBook } from './answers';
import { authenticate, classifyAuthorization, requireAuthenticationContext, type AuthContext } from './auth';
import { codeForStatus, GraphHttpError, messageForStatus } from './errors';
import { checkFaultSpec, FaultQueue } from './faults';
import { GraphApi, type GraphConfig, type GraphResponse } from './graph';
import { decodeComponent } from './odata';
import { Store } from './state';
import {
  type AnswerRule,
  type BatchOptions,
  type ConfigureSpec,
  type Emulator,
  type EmulatorOptions,
  EVALUATION_RESULT_TYPES,
  type FaultSpec,
  type RecordedRequest,
  type SeedSpec,
  type WorkspaceRecord,
} from './types';
import { formatTicks, isRecord, newGuid, sleep, TimestampSource } from './util';

const JSON_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const CONTROL_PREFIX = '/_emulator';
const MAX_BODY = 4 * 1024 * 1024;
const MAX_RECORDED = 5000;

const DEFAULTS = { pageSize: 10, createdMs: 400, runningMs: 1500 };

interface ReadBody {
  raw: string;
  parsed: unknown;
  error?: string;
}

interface OneRequest {
  method: string;
  pathname: string;
  rawQuery: string;
  body: ReadBody;
  authHeader: string | undefined;
  origin: string;
  requestId: string;
  clientRequestId: string;
}

type Served =
  | { kind: 'json'; status: number; body: unknown; headers: Record<string, string> }
  | { kind: 'raw'; status: number; text: string; headers: Record<string, string> }
  | { kind: 'drop' }
  /** Headers and the first half of the body are sent, then the connection is destroyed (drop + midResponse). */
  | { kind: 'cut'; status: number; text: string; headers: Record<string, string> };

interface BatchConfig {
  enabled: boolean;
  refuseStatus: number;
  maxRequests: number;
  throttledStatus: number;
  order: 'request' | 'reverse';
}

const BATCH_DEFAULTS: BatchConfig = { enabled: true, refuseStatus: 404, maxRequests: 20, throttledStatus: 200, order: 'reverse' };

/** `/beta/$batch` (also percent-encoded as `%24batch`). */
function isBatchPath(pathname: string): boolean {
  return /^\/[^/]+\/(\$|%24)batch\/?$/i.test(pathname);
}

export class EmulatorServer implements Emulator {
  private readonly server: http.Server;
  private readonly store: Store;
  private readonly answers = new AnswerBook();
  private readonly faults = new FaultQueue();
  private readonly api: GraphApi;
  private readonly now: () => number;
  private readonly baseConfig: GraphConfig;
  private config: GraphConfig;
  private readonly baseBatch: BatchConfig;
  private batch: BatchConfig;
  private readonly baseLatencyMs: number;
  private latencyMs: number;
  private recorded: RecordedRequest[] = [];
  private requiredAcrs: string | null = null;
  private readonly log: ((line: string) => void) | undefined;
  private listeningPort = 0;
  private closed = false;

  constructor(private readonly options: EmulatorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.baseConfig = {
      pageSize: positiveInt(options.pageSize, DEFAULTS.pageSize),
      createdMs: nonNegative(options.evaluation?.createdMs, DEFAULTS.createdMs),
      runningMs: nonNegative(options.evaluation?.runningMs, DEFAULTS.runningMs),
      cancel: 'both',
      cancelRefuseStatus: 405,
      fractionDigits: 'full',
    };
    this.config = { ...this.baseConfig };
    this.baseBatch = mergeBatch(BATCH_DEFAULTS, options.batch);
    this.batch = { ...this.baseBatch };
    this.baseLatencyMs = nonNegative(options.latencyMs, 0);
    this.latencyMs = this.baseLatencyMs;
    this.store = new Store(options.stateFile);
    this.api = new GraphApi(this.store, this.answers, () => this.config, this.now, new TimestampSource(this.now, () => this.config.fractionDigits === 'mixed'));
    const logTo = options.log ?? ((line: string) => console.log(line));
    this.log = options.quiet === false || (options.quiet === undefined && options.log) ? logTo : undefined;
    this.server = http.createServer((req, res) => {
      this.dispatch(req, res).catch((e: unknown) => {
        // Last-resort guard: never leave a request hanging.
        if (!res.headersSent) {
          const ids = { requestId: newGuid(), clientRequestId: newGuid() };
          this.sendJson(res, 500, this.errorBody('generalException', String(e), ids.requestId, ids.clientRequestId), {
            'request-id': ids.requestId,
            'client-request-id': ids.clientRequestId,
          });
        }
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(): Promise<void> {
    const loaded = this.store.load();
    if (!loaded) for (const w of this.options.workspaces ?? []) this.store.addWorkspace(w);
    if (!loaded && this.options.seed) this.store.seed(this.options.seed, this.now());
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listeningPort = (this.server.address() as AddressInfo).port;
  }

  get port(): number {
    return this.listeningPort;
  }

  get url(): string {
    const host = this.options.host ?? '127.0.0.1';
    const shown = host.includes(':') ? `[${host}]` : host;
    return `http://${shown}:${this.listeningPort}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.store.flush();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- library control surface (mirrors the control API) -------------------------------------------------------

  addFault(f: FaultSpec): void {
    this.faults.add(f);
  }
  clearFaults(): void {
    this.faults.clear();
  }
  /** Extra: the faults still pending (count = remaining uses). */
  pendingFaults(): FaultSpec[] {
    return this.faults.list();
  }
  addAnswerRule(r: AnswerRule): void {
    const problem = checkAnswerRule(r);
    if (problem) throw new Error(`invalid answer rule: ${problem}`);
    this.answers.add(r);
  }
  clearAnswerRules(): void {
    this.answers.clear();
  }
  requests(): RecordedRequest[] {
    return this.recorded.map((r) => ({ ...r }));
  }
  clearRequests(): void {
    this.recorded = [];
  }
  configure(c: ConfigureSpec): void {
    if (c.requiredAcrs !== undefined) this.requiredAcrs = c.requiredAcrs || null;
    if (c.pageSize !== undefined) this.config.pageSize = positiveInt(c.pageSize, this.config.pageSize);
    if (c.evaluation?.createdMs !== undefined) this.config.createdMs = nonNegative(c.evaluation.createdMs, this.config.createdMs);
    if (c.evaluation?.runningMs !== undefined) this.config.runningMs = nonNegative(c.evaluation.runningMs, this.config.runningMs);
    if (c.cancel !== undefined) this.config.cancel = c.cancel;
    if (c.cancelRefuseStatus !== undefined) this.config.cancelRefuseStatus = c.cancelRefuseStatus;
    if (c.fractionDigits !== undefined) this.config.fractionDigits = c.fractionDigits;
    if (c.latencyMs !== undefined) this.latencyMs = nonNegative(c.latencyMs, this.latencyMs);
    if (c.batch !== undefined) this.batch = mergeBatch(this.batch, c.batch);
  }
  /** Empty state and the configuration the emulator was started with; no faults, rules or recorded requests. */
  reset(): void {
    this.store.clear();
    this.config = { ...this.baseConfig };
    this.requiredAcrs = null;
    for (const w of this.options.workspaces ?? []) this.store.addWorkspace(w);
    this.batch = { ...this.baseBatch };
    this.latencyMs = this.baseLatencyMs;
    this.faults.clear();
    this.answers.clear();
    this.recorded = [];
  }
  /** Extra: adds seeded sessions (same generator as the `seed` option). */
  seed(spec: SeedSpec): void {
    if (spec.workspaceId && !this.store.extraWorkspaces.some((w) => w.id === spec.workspaceId)) {
      throw new Error(`no workspace '${spec.workspaceId}': add it first (POST /_emulator/workspaces)`);
    }
    this.store.seed(spec, this.now());
  }
  addWorkspace(workspace: WorkspaceRecord): void {
    this.store.addWorkspace(workspace);
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------------

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const pathname = q < 0 ? target : target.slice(0, q);
    const rawQuery = q < 0 ? '' : target.slice(q + 1);
    const method = (req.method ?? 'GET').toUpperCase();
    const origin = `http://${req.headers.host ?? this.url.slice('http://'.length)}`;

    if (method === 'OPTIONS') {
      // CORS preflight (Graph supports CORS; harmless for a loopback emulator).
      res.writeHead(204, corsHeaders()).end();
      return;
    }
    if (pathname === CONTROL_PREFIX || pathname.startsWith(`${CONTROL_PREFIX}/`)) {
      const body = await readBody(req);
      this.control(method, pathname.slice(CONTROL_PREFIX.length), body, res);
      return;
    }

    const requestId = newGuid();
    const clientHeader = req.headers['client-request-id'];
    const clientRequestId = typeof clientHeader === 'string' && clientHeader !== '' ? clientHeader : newGuid();
    const authHeader = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    const record: RecordedRequest = {
      method,
      path: pathname,
      query: safeDecode(rawQuery),
      status: 0,
      authorization: classifyAuthorization(authHeader),
      time: formatTicks(this.now(), 0),
      requestId,
      clientRequestId,
      startedMs: started,
    };
    this.remember(record);
    const finish = (status: number): void => {
      record.status = status;
      record.endedMs = Date.now();
      record.durationMs = record.endedMs - started;
      this.log?.(`${method} ${pathname}${rawQuery ? `?${rawQuery}` : ''} ${status === 0 ? 'dropped' : status} ${record.durationMs}ms`);
    };

    let body: ReadBody;
    try {
      body = await readBody(req);
    } catch {
      finish(0);
      res.destroy();
      return;
    }
    if (body.raw !== '') record.body = body.error === undefined ? body.parsed : body.raw;

    if (this.latencyMs > 0) await sleep(this.latencyMs); // one network round trip, whatever the request is

    if (method === 'POST' && isBatchPath(pathname)) {
      record.batchSize = 0;
      const served = await this.serveBatch(body, authHeader, origin, record, requestId, clientRequestId);
      if (served.kind === 'drop' || served.kind === 'cut') {
        finish(0);
        this.sendBroken(req, res, served);
        return;
      }
      this.sendOutcome(res, served);
      finish(served.status);
      return;
    }

    const fault = this.takeFault(method, pathname, rawQuery, record.query);
    if (fault) record.fault = fault.kind;
    const served = await this.serveOne({ method, pathname, rawQuery, body, authHeader, origin, requestId, clientRequestId }, fault);
    if (served.kind === 'drop' || served.kind === 'cut') {
      finish(0);
      this.sendBroken(req, res, served);
      return;
    }
    this.sendOutcome(res, served);
    finish(served.status);
  }

  /** A dropped connection: destroyed at once ('drop'), or after the headers and half the body ('cut'). */
  private sendBroken(req: http.IncomingMessage, res: http.ServerResponse, served: Extract<Served, { kind: 'drop' | 'cut' }>): void {
    if (served.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    const payload = Buffer.from(served.text, 'utf8');
    res.writeHead(served.status, { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': String(payload.length), ...corsHeaders(), ...served.headers });
    res.write(payload.subarray(0, Math.max(1, Math.floor(payload.length / 2))), () => req.socket.destroy());
  }

  private takeFault(method: string, pathname: string, rawQuery: string, decodedQuery: string): FaultSpec | undefined {
    return this.faults.take(method, `${pathname}${rawQuery ? `?${rawQuery}` : ''}`) ?? this.faults.take(method, `${safeDecode(pathname)}?${decodedQuery}`);
  }

  private sendOutcome(res: http.ServerResponse, served: Exclude<Served, { kind: 'drop' | 'cut' }>): void {
    if (served.kind === 'raw') this.sendRaw(res, served.status, served.text, served.headers);
    else this.sendJson(res, served.status, served.body, served.headers);
  }

  /**
   * One Graph request through fault injection, authentication and the handlers. Used for plain requests and for
   * each sub-request of a `$batch`, so a batch sees exactly what the same requests sent one by one would see.
   */
  private async serveOne(r: OneRequest, fault: FaultSpec | undefined): Promise<Served> {
    const { method, requestId, clientRequestId } = r;
    const common = { 'request-id': requestId, 'client-request-id': clientRequestId };
    if (fault?.kind === 'delay' && !fault.afterProcessing) {
      await this.faults.delay(fault.delayMs ?? 0);
      fault = undefined; // then served normally
    }
    if (fault?.kind === 'drop' && !fault.afterProcessing && !fault.midResponse) return { kind: 'drop' };
    if (fault?.kind === 'status' && !fault.afterProcessing) {
      const status = fault.status ?? 500;
      const headers: Record<string, string> = { ...common };
      // null: no Retry-After at all; absent on a 429: 1 second.
      const retryAfter = fault.retryAfter === null ? undefined : (fault.retryAfter ?? (status === 429 ? '1' : undefined));
      if (retryAfter !== undefined) headers['Retry-After'] = retryAfter;
      const errorBody = status === 429 ? throttlingBody(this.now(), requestId, clientRequestId) : this.errorBody(codeForStatus(status), messageForStatus(status), requestId, clientRequestId);
      return { kind: 'json', status, body: errorBody, headers };
    }
    if (fault?.kind === 'unauthorized') {
      const err = new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.', {
        'WWW-Authenticate': 'Bearer realm="", error="invalid_token", error_description="The access token expired"',
      });
      return { kind: 'json', status: 401, body: this.errorBody(err.code, err.message, requestId, clientRequestId), headers: { ...common, ...err.headers } };
    }

    let response: GraphResponse;
    try {
      const auth: AuthContext = authenticate(r.authHeader, this.options.expectedToken, this.now());
      requireAuthenticationContext(auth, this.requiredAcrs);
      response = this.api.handle({ method, pathname: r.pathname, rawQuery: r.rawQuery, body: r.body.parsed, bodyError: r.body.error, auth, origin: r.origin });
    } catch (e) {
      if (!(e instanceof GraphHttpError)) throw e;
      response = {
        status: e.status,
        body: this.errorBody(e.code, e.message, requestId, clientRequestId),
        headers: e.headers,
      };
    }

    if (fault?.kind === 'status') {
      // afterProcessing: the request took effect, then the service answered with an error status anyway (a 503
      // or 504 from a gateway after the backend did the work): the client cannot tell it succeeded.
      const status = fault.status ?? 500;
      const headers: Record<string, string> = { ...common };
      if (typeof fault.retryAfter === 'string') headers['Retry-After'] = fault.retryAfter;
      return { kind: 'json', status, body: this.errorBody(codeForStatus(status), messageForStatus(status), requestId, clientRequestId), headers };
    }
    if (fault?.kind === 'delay' && fault.afterProcessing) {
      // The answer was computed now but arrives late: what it says may be stale by the time it lands.
      await this.faults.delay(fault.delayMs ?? 0);
    }
    const headers = { ...common, ...(response.headers ?? {}) };
    // afterProcessing: the request took effect, but the client never hears about it (an ambiguous failure);
    // midResponse: it hears the status and half the body, then the connection breaks.
    if (fault?.kind === 'drop' && fault.midResponse) return { kind: 'cut', status: response.status, text: JSON.stringify(response.body), headers };
    if (fault?.kind === 'drop') return { kind: 'drop' };
    if (fault?.kind === 'oddItem' && isRecord(response.body) && Array.isArray(response.body.value) && isRecord(response.body.value[0])) {
      const first = { ...response.body.value[0] };
      if ('createdDateTime' in first) first.createdDateTime = '22/10/2025 20:12';
      if ('state' in first) first.state = 'somethingNew';
      response = { ...response, body: { ...response.body, value: [first, ...response.body.value.slice(1)] } };
    }
    if (fault?.kind === 'malformed') {
      // A 200 whose JSON body is cut off halfway. The request itself was processed; even an error response is
      // garbled this way, so the fault always shows up as malformed JSON.
      const text = JSON.stringify(response.body);
      return { kind: 'raw', status: 200, text: text.slice(0, Math.max(1, Math.floor(text.length / 2))), headers };
    }
    return { kind: 'json', status: response.status, body: response.body, headers };
  }

  /**
   * JSON batching (`POST /beta/$batch`), as https://learn.microsoft.com/graph/json-batching documents it:
   * `{ requests: [{ id, method, url, headers?, body? }] }` -> `{ responses: [{ id, status, headers, body }] }`;
   * ids are unique (case-insensitive) or the whole batch is a 400; at most 20 requests; `url` is relative to the
   * version (`/security/...` or `security/...`); a body needs a Content-Type header; `dependsOn` makes a request
   * wait for others and fail with 424 when one of them failed. The batch's own Authorization applies to every
   * sub-request. Each sub-request goes through the same fault queue, authentication and handlers as a request
   * sent alone (so a fault can hit one sub-request) and is recorded with `batchId` = the batch's request id.
   *
   * Where the docs are silent, options (`batch` in EmulatorOptions / ConfigureSpec) let tests choose:
   * - `enabled: false` refuses `$batch` with `refuseStatus` (default 404), for a service without batching.
   * - `throttledStatus`: the status of the batch itself when a sub-request was throttled. The batching page says
   *   a parseable batch is 200 whatever its parts; the throttling page speaks of 424. Default 200.
   * - `order`: 'reverse' (default) answers in reverse order (the docs: responses "might appear in a different
   *   order"), 'request' in request order.
   * - An absolute sub-request URL is answered 400 for that sub-request (the docs only show relative ones).
   * - A sub-request's fault `drop` drops the whole batch connection (one HTTP response carries them all); with
   *   `midResponse` the batch response breaks off after its headers and half its body.
   */
  private async serveBatch(body: ReadBody, authHeader: string | undefined, origin: string, record: RecordedRequest, batchRequestId: string, batchClientRequestId: string): Promise<Served> {
    const common = { 'request-id': batchRequestId, 'client-request-id': batchClientRequestId };
    const fail = (status: number, code: string, message: string): Served => ({
      kind: 'json',
      status,
      body: this.errorBody(code, message, batchRequestId, batchClientRequestId),
      headers: common,
    });
    // The batch request itself can be hit by a fault (path '$batch').
    const own = this.faults.take('POST', record.path);
    if (own) {
      record.fault = own.kind;
      if (own.kind !== 'delay') return this.serveOne({ method: 'POST', pathname: record.path, rawQuery: '', body, authHeader, origin, requestId: batchRequestId, clientRequestId: batchClientRequestId }, own);
      await this.faults.delay(own.delayMs ?? 0);
    }
    const b = this.batch;
    if (!b.enabled) {
      const status = b.refuseStatus;
      return fail(status, codeForStatus(status), status === 404 ? "Resource not found for the segment '$batch'." : messageForStatus(status));
    }
    if (body.error !== undefined) return fail(400, 'BadRequest', `Invalid JSON in the batch request: ${body.error}`);
    const parsed = body.parsed;
    if (!isRecord(parsed) || !Array.isArray(parsed.requests)) return fail(400, 'BadRequest', "The batch request must be a JSON object with a 'requests' array.");
    const requests = parsed.requests as unknown[];
    record.batchSize = requests.length;
    if (requests.length === 0) return fail(400, 'BadRequest', 'The batch request contains no requests.');
    if (requests.length > b.maxRequests) return fail(400, 'BadRequest', `The batch request contains ${requests.length} requests; the limit is ${b.maxRequests}.`);
    const ids = new Set<string>();
    for (const item of requests) {
      if (!isRecord(item) || typeof item.id !== 'string' || item.id === '' || typeof item.method !== 'string' || typeof item.url !== 'string') {
        return fail(400, 'BadRequest', "Every request of a batch needs a string 'id', 'method' and 'url'.");
      }
      const key = item.id.toLowerCase();
      if (ids.has(key)) return fail(400, 'BadRequest', `The batch request contains the id '${item.id}' twice.`);
      if (item.dependsOn !== undefined) {
        if (!Array.isArray(item.dependsOn) || item.dependsOn.some((d) => typeof d !== 'string' || !ids.has(d.toLowerCase()))) {
          return fail(400, 'BadRequest', `dependsOn of '${item.id}' must list ids of requests earlier in the batch.`);
        }
      }
      ids.add(key);
    }

    const statuses = new Map<string, number>();
    const responses: Record<string, unknown>[] = [];
    let throttled = false;
    const version = record.path.slice(0, record.path.toLowerCase().lastIndexOf('/$batch'));
    for (const raw of requests as Record<string, unknown>[]) {
      const id = raw.id as string;
      const method = (raw.method as string).toUpperCase();
      const subRequestId = newGuid();
      const reply = (status: number, subBody: unknown, headers: Record<string, string> = {}): void => {
        statuses.set(id.toLowerCase(), status);
        if (status === 429) throttled = true;
        responses.push({ id, status, headers: { 'Cache-Control': 'no-cache', 'Content-Type': JSON_CONTENT_TYPE, 'request-id': subRequestId, ...headers }, body: subBody });
      };
      const url = raw.url as string;
      const q = url.indexOf('?');
      const relPath = q < 0 ? url : url.slice(0, q);
      const rawQuery = q < 0 ? '' : url.slice(q + 1);
      const pathname = `${version}/${relPath.replace(/^\/+/, '')}`;
      const sub: RecordedRequest = {
        method,
        path: pathname,
        query: safeDecode(rawQuery),
        status: 0,
        authorization: record.authorization,
        time: formatTicks(this.now(), 0),
        requestId: subRequestId,
        clientRequestId: batchClientRequestId,
        batchId: batchRequestId,
        batchItemId: id,
        startedMs: Date.now(),
      };
      this.remember(sub);
      const done = (status: number): void => {
        sub.status = status;
        sub.endedMs = Date.now();
        sub.durationMs = sub.endedMs - (sub.startedMs ?? sub.endedMs);
      };
      if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) {
        reply(400, this.errorBody('BadRequest', 'The url of a batch request must be relative to the version, for example /security/securityCopilot/workspaces.', subRequestId, batchClientRequestId));
        done(400);
        continue;
      }
      const deps = Array.isArray(raw.dependsOn) ? (raw.dependsOn as string[]) : [];
      if (deps.some((d) => { const st = statuses.get(d.toLowerCase()) ?? 0; return st < 200 || st >= 300; })) {
        reply(424, this.errorBody('FailedDependency', 'A request this one depends on failed.', subRequestId, batchClientRequestId));
        done(424);
        continue;
      }
      const headers = isRecord(raw.headers) ? raw.headers : {};
      const hasContentType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
      if (raw.body !== undefined && !hasContentType) {
        reply(400, this.errorBody('BadRequest', 'Content-Type header must be specified when a body is present.', subRequestId, batchClientRequestId));
        done(400);
        continue;
      }
      if (raw.body !== undefined) sub.body = raw.body;
      const subBody: ReadBody = raw.body === undefined ? { raw: '', parsed: undefined } : { raw: JSON.stringify(raw.body), parsed: raw.body };
      const fault = this.takeFault(method, pathname, rawQuery, sub.query);
      if (fault) sub.fault = fault.kind;
      const served = await this.serveOne({ method, pathname, rawQuery, body: subBody, authHeader, origin, requestId: subRequestId, clientRequestId: batchClientRequestId }, fault);
      if (served.kind === 'drop') {
        done(0);
        return { kind: 'drop' };
      }
      if (served.kind === 'cut') {
        // One HTTP response carries every part: the whole batch response breaks off mid-way.
        done(0);
        return { kind: 'cut', status: 200, text: JSON.stringify({ responses: [...responses, { id, status: served.status, body: served.text }] }), headers: common };
      }
      const { 'request-id': _r, 'client-request-id': _c, ...rest } = served.headers;
      reply(served.status, served.kind === 'raw' ? served.text : served.body, rest);
      done(served.status);
    }
    if (b.order === 'reverse') responses.reverse();
    return { kind: 'json', status: throttled ? b.throttledStatus : 200, body: { responses }, headers: common };
  }

  private remember(record: RecordedRequest): void {
    this.recorded.push(record);
    if (this.recorded.length > MAX_RECORDED) this.recorded.splice(0, this.recorded.length - MAX_RECORDED);
  }

  private errorBody(code: string, message: string, requestId: string, clientRequestId: string): Record<string, unknown> {
    return {
      error: {
        code,
        message,
        innerError: { date: new Date(this.now()).toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': clientRequestId },
      },
    };
  }

  private sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
    this.sendRaw(res, status, JSON.stringify(body), headers);
  }

  private sendRaw(res: http.ServerResponse, status: number, text: string, headers: Record<string, string>): void {
    const payload = Buffer.from(text, 'utf8');
    res.writeHead(status, {
      'Content-Type': JSON_CONTENT_TYPE,
      'Content-Length': String(payload.length),
      'Cache-Control': 'no-cache',
      'OData-Version': '4.0',
      Date: new Date(this.now()).toUTCString(),
      'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'Local Emulator', Slice: 'E', Ring: '5', ScaleUnit: '000', RoleInstance: 'LOCALHOST' } }),
      'x-ms-resource-unit': '1',
      ...corsHeaders(),
      ...headers,
    });
    res.end(payload);
  }

  // ---- control API ----------------------------------------------------------------------------------------------

  private control(method: string, route: string, body: ReadBody, res: http.ServerResponse): void {
    const ok = (value: unknown = { ok: true }): void => this.sendJson(res, 200, value, {});
    const fail = (status: number, message: string): void => this.sendJson(res, status, { error: { code: status === 404 ? 'notFound' : 'badRequest', message } }, {});
    if (body.error !== undefined) return fail(400, `invalid JSON body: ${body.error}`);
    const key = `${method} ${route.replace(/\/+$/, '') || '/'}`;
    try {
      switch (key) {
        case 'GET /health':
          return ok({ ok: true });
        case 'GET /faults':
          return ok(this.faults.list());
        case 'POST /faults': {
          const specs = Array.isArray(body.parsed) ? body.parsed : [body.parsed];
          for (const spec of specs) {
            const problem = checkFaultSpec(spec);
            if (problem) return fail(400, problem);
          }
          for (const spec of specs) this.faults.add(spec as FaultSpec);
          return ok();
        }
        case 'DELETE /faults':
          this.faults.clear();
          return ok();
        case 'GET /answers':
          return ok(this.answers.list());
        case 'POST /answers': {
          const rules = Array.isArray(body.parsed) ? body.parsed : [body.parsed];
          for (const rule of rules) {
            const problem = checkAnswerRule(rule);
            if (problem) return fail(400, problem);
          }
          for (const rule of rules) this.answers.add(rule as AnswerRule);
          return ok();
        }
        case 'DELETE /answers':
          this.answers.clear();
          return ok();
        case 'GET /requests':
          return ok(this.requests());
        case 'DELETE /requests':
          this.clearRequests();
          return ok();
        case 'GET /config':
          return ok({
            pageSize: this.config.pageSize,
            evaluation: { createdMs: this.config.createdMs, runningMs: this.config.runningMs },
            cancel: this.config.cancel,
            cancelRefuseStatus: this.config.cancelRefuseStatus,
            fractionDigits: this.config.fractionDigits,
            latencyMs: this.latencyMs,
            batch: { ...this.batch },
          });
        case 'POST /config': {
          const c = body.parsed ?? {};
          const problem = checkConfig(c);
          if (problem) return fail(400, problem);
          this.configure(c as ConfigureSpec);
          return ok();
        }
        case 'POST /reset':
          this.reset();
          return ok();
        case 'POST /seed': {
          const s = body.parsed;
          if (!isRecord(s) || !isCount(s.sessions) || !isCount(s.promptsPerSession)) {
            return fail(400, 'seed needs { sessions, promptsPerSession } as non-negative integers');
          }
          if (s.baseTime !== undefined && (typeof s.baseTime !== 'string' || Number.isNaN(Date.parse(s.baseTime)))) {
            return fail(400, 'baseTime must be an ISO date string');
          }
          if (s.workspaceId !== undefined && typeof s.workspaceId !== 'string') return fail(400, 'workspaceId must be a string');
          if (s.displayName !== undefined && typeof s.displayName !== 'string') return fail(400, 'displayName must be a string');
          try {
            this.seed(s as unknown as SeedSpec);
          } catch (e) {
            return fail(400, e instanceof Error ? e.message : String(e));
          }
          return ok();
        }
        case 'POST /workspaces': {
          const w = body.parsed;
          if (!isRecord(w) || typeof w.id !== 'string' || !/^[0-9A-Za-z-]{1,64}$/.test(w.id) || w.id.toLowerCase() === 'default') {
            return fail(400, 'workspaces needs { id, displayName } with an id of letters, digits and dashes (not "default")');
          }
          this.addWorkspace({ id: w.id, displayName: typeof w.displayName === 'string' ? w.displayName : w.id });
          return ok();
        }
        case 'GET /state':
          return ok(this.store.snapshot());
        default:
          return fail(404, `unknown control route ${method} ${CONTROL_PREFIX}${route}`);
      }
    } catch (e) {
      return fail(400, e instanceof Error ? e.message : String(e));
    }
  }
}

function corsHeaders(): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, client-request-id, Prefer, ConsistencyLevel',
    'Access-Control-Allow-Methods': 'GET, POST, PATCH, PUT, DELETE, OPTIONS',
    'Access-Control-Expose-Headers': 'request-id, client-request-id, Retry-After, x-ms-ags-diagnostic, Location, Date',
  };
}

/** Graph's throttling body (reference §5.2). */
function throttlingBody(nowMs: number, requestId: string, clientRequestId: string): Record<string, unknown> {
  return {
    error: {
      code: 'TooManyRequests',
      message: 'Please retry again later.',
      innerError: {
        code: '429',
        date: new Date(nowMs).toISOString().slice(0, 19),
        message: 'Please retry after',
        'request-id': requestId,
        'client-request-id': clientRequestId,
        status: '429',
      },
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw.trim() === '') return resolve({ raw, parsed: undefined });
      try {
        resolve({ raw, parsed: JSON.parse(raw) as unknown });
      } catch (e) {
        resolve({ raw, parsed: undefined, error: e instanceof Error ? e.message : String(e) });
      }
    });
  });
}

function safeDecode(text: string): string {
  try {
    return decodeComponent(text);
  } catch {
    return text;
  }
}

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

function nonNegative(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10_000;
}

export function checkAnswerRule(value: unknown): string | undefined {
  if (!isRecord(value)) return 'an answer rule must be a JSON object';
  if (value.match !== undefined && typeof value.match !== 'string') return 'match must be a string';
  if (value.content !== undefined && typeof value.content !== 'string') return 'content must be a string';
  if (value.type !== undefined && !(EVALUATION_RESULT_TYPES as readonly unknown[]).includes(value.type)) {
    return `type must be one of ${EVALUATION_RESULT_TYPES.join(', ')}`;
  }
  for (const k of ['createdMs', 'runningMs'] as const) {
    const v = value[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) return `${k} must be a non-negative number`;
  }
  if (value.once !== undefined && typeof value.once !== 'boolean') return 'once must be a boolean';
  if (value.previewState !== undefined && typeof value.previewState !== 'string') return 'previewState must be a string';
  if (value.phases !== undefined) {
    if (!Array.isArray(value.phases)) return 'phases must be an array of { state, ms }';
    for (const p of value.phases as unknown[]) {
      if (!isRecord(p) || typeof p.state !== 'string' || p.state === '' || typeof p.ms !== 'number' || !Number.isFinite(p.ms) || p.ms < 0) {
        return 'each phase needs a non-empty state and ms >= 0';
      }
    }
  }
  return undefined;
}

function mergeBatch(base: BatchConfig, spec: BatchOptions | undefined): BatchConfig {
  if (!spec) return { ...base };
  return {
    enabled: typeof spec.enabled === 'boolean' ? spec.enabled : base.enabled,
    refuseStatus: positiveInt(spec.refuseStatus, base.refuseStatus),
    maxRequests: positiveInt(spec.maxRequests, base.maxRequests),
    throttledStatus: positiveInt(spec.throttledStatus, base.throttledStatus),
    order: spec.order === 'request' || spec.order === 'reverse' ? spec.order : base.order,
  };
}

export function checkBatchOptions(value: unknown): string | undefined {
  if (!isRecord(value)) return 'batch must be an object';
  if (value.enabled !== undefined && typeof value.enabled !== 'boolean') return 'batch.enabled must be a boolean';
  for (const k of ['refuseStatus', 'throttledStatus'] as const) {
    const v = value[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 100 || v > 599)) return `batch.${k} must be an HTTP status`;
  }
  if (value.maxRequests !== undefined && (typeof value.maxRequests !== 'number' || !Number.isInteger(value.maxRequests) || value.maxRequests < 1)) {
    return 'batch.maxRequests must be a positive integer';
  }
  if (value.order !== undefined && value.order !== 'request' && value.order !== 'reverse') return "batch.order must be 'request' or 'reverse'";
  return undefined;
}

function checkConfig(value: unknown): string | undefined {
  if (!isRecord(value)) return 'config must be a JSON object';
  if (value.latencyMs !== undefined && (typeof value.latencyMs !== 'number' || !Number.isFinite(value.latencyMs) || value.latencyMs < 0)) {
    return 'latencyMs must be a non-negative number';
  }
  if (value.batch !== undefined) {
    const problem = checkBatchOptions(value.batch);
    if (problem) return problem;
  }
  if (value.pageSize !== undefined && (typeof value.pageSize !== 'number' || !Number.isInteger(value.pageSize) || value.pageSize < 1)) {
    return 'pageSize must be a positive integer';
  }
  if (value.requiredAcrs !== undefined && value.requiredAcrs !== null && typeof value.requiredAcrs !== 'string') {
    return 'requiredAcrs must be a string or null';
  }
  if (value.evaluation !== undefined) {
    if (!isRecord(value.evaluation)) return 'evaluation must be an object';
    for (const k of ['createdMs', 'runningMs'] as const) {
      const v = value.evaluation[k];
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) return `evaluation.${k} must be a non-negative number`;
    }
  }
  if (value.cancel !== undefined && !['both', 'state', 'flag', 'refuse'].includes(String(value.cancel))) return 'cancel must be both, state, flag or refuse';
  if (value.cancelRefuseStatus !== undefined && (typeof value.cancelRefuseStatus !== 'number' || value.cancelRefuseStatus < 400 || value.cancelRefuseStatus > 599)) {
    return 'cancelRefuseStatus must be an HTTP error status';
  }
  if (value.fractionDigits !== undefined && !['full', 'trimmed', 'mixed'].includes(String(value.fractionDigits))) return 'fractionDigits must be full, trimmed or mixed';
  return undefined;
}
