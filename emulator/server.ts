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

export class EmulatorServer implements Emulator {
  private readonly server: http.Server;
  private readonly store: Store;
  private readonly answers = new AnswerBook();
  private readonly faults = new FaultQueue();
  private readonly api: GraphApi;
  private readonly now: () => number;
  private readonly baseConfig: GraphConfig;
  private config: GraphConfig;
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
  }
  /** Empty state and the configuration the emulator was started with; no faults, rules or recorded requests. */
  reset(): void {
    this.store.clear();
    this.config = { ...this.baseConfig };
    this.requiredAcrs = null;
    for (const w of this.options.workspaces ?? []) this.store.addWorkspace(w);
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
    };
    this.recorded.push(record);
    if (this.recorded.length > MAX_RECORDED) this.recorded.splice(0, this.recorded.length - MAX_RECORDED);
    const finish = (status: number): void => {
      record.status = status;
      record.durationMs = Date.now() - started;
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

    const common = { 'request-id': requestId, 'client-request-id': clientRequestId };
    let fault = this.faults.take(method, `${pathname}${rawQuery ? `?${rawQuery}` : ''}`) ?? this.faults.take(method, `${safeDecode(pathname)}?${record.query}`);
    if (fault) record.fault = fault.kind;
    if (fault?.kind === 'delay' && !fault.afterProcessing) {
      await sleep(fault.delayMs ?? 0);
      fault = undefined; // then served normally
    }
    if (fault?.kind === 'drop' && !fault.afterProcessing) {
      finish(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status' && !fault.afterProcessing) {
      const status = fault.status ?? 500;
      const headers: Record<string, string> = { ...common };
      const retryAfter = fault.retryAfter ?? (status === 429 ? '1' : undefined);
      if (retryAfter !== undefined) headers['Retry-After'] = retryAfter;
      const errorBody = status === 429 ? throttlingBody(this.now(), requestId, clientRequestId) : this.errorBody(codeForStatus(status), messageForStatus(status), requestId, clientRequestId);
      this.sendJson(res, status, errorBody, headers);
      finish(status);
      return;
    }
    if (fault?.kind === 'unauthorized') {
      const err = new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.', {
        'WWW-Authenticate': 'Bearer realm="", error="invalid_token", error_description="The access token expired"',
      });
      this.sendError(res, err, common);
      finish(401);
      return;
    }

    let response: GraphResponse;
    try {
      const auth: AuthContext = authenticate(authHeader, this.options.expectedToken, this.now());
      requireAuthenticationContext(auth, this.requiredAcrs);
      response = this.api.handle({ method, pathname, rawQuery, body: body.parsed, bodyError: body.error, auth, origin });
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
      if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
      this.sendJson(res, status, this.errorBody(codeForStatus(status), messageForStatus(status), requestId, clientRequestId), headers);
      finish(status);
      return;
    }
    if (fault?.kind === 'drop') {
      // afterProcessing: the request took effect, but the client never hears about it (an ambiguous failure).
      finish(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay' && fault.afterProcessing) {
      // The answer was computed now but arrives late: what it says may be stale by the time it lands.
      await sleep(fault.delayMs ?? 0);
    }
    const headers = { ...common, ...(response.headers ?? {}) };
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
      this.sendRaw(res, 200, text.slice(0, Math.max(1, Math.floor(text.length / 2))), headers);
      finish(200);
      return;
    }
    this.sendJson(res, response.status, response.body, headers);
    finish(response.status);
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

  private sendError(res: http.ServerResponse, e: GraphHttpError, common: Record<string, string>): void {
    this.sendJson(res, e.status, this.errorBody(e.code, e.message, common['request-id'], common['client-request-id']), { ...common, ...e.headers });
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

function checkConfig(value: unknown): string | undefined {
  if (!isRecord(value)) return 'config must be a JSON object';
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
