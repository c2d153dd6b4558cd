// The Graph beta Security Copilot API: routing and handlers. Pure request -> response, no sockets here.
//
// Choices where the docs are silent (reference §2, §6), each the most Graph-like behaviour we know of:
// - Links (@odata.context, @odata.nextLink, Location) use the request's own origin, not graph.microsoft.com, so
//   they are usable against the emulator. The path part is in the documented form.
// - Undocumented methods on known resources (DELETE a session, PUT anything, PATCH a prompt, GET one workspace or
//   plugin, ...) are 405; unknown paths are 404.
// - Sessions list newest first (the docs' list example shows the newer session first); prompts and evaluations
//   list oldest first (conversation order); plugins by name; workspaces as stored.
// - List evaluations returns an ordinary `value` collection. The docs' example body for that operation is a
//   single entity with an `/$entity` context — treated as a docs error (reference §2.1).
// - Creating a prompt or an evaluation does not touch the session's lastModifiedDateTime; only a rename does
//   (the session docs say it changes "when displayName changes").
import { type AuthContext, authorize } from './auth';
import { type AnswerBook } from './answers';
import { badRequest, codeForStatus, GraphHttpError, methodNotAllowed, notFound } from './errors';
import { EVALUATION_PROPERTIES, evaluationView, isRunning } from './lifecycle';
import {
  applySelect,
  checkSelect,
  type FilterCapabilities,
  matchesFilter,
  paginate,
  parseFilter,
  parseQueryOptions,
  type QueryOptions,
} from './odata';
import { PLUGINS, type PluginRecord, type Store } from './state';
import { type CancelMode, type EvaluationRecord, type FractionDigits, type PromptRecord, type SessionRecord, type WorkspaceRecord } from './types';
import { isRecord, newGuid, type TimestampSource } from './util';

export interface GraphRequest {
  method: string;
  /** The URL path, percent-encoded as received. */
  pathname: string;
  /** The raw query string without '?'. */
  rawQuery: string;
  /** Parsed JSON body, undefined for an empty body. */
  body: unknown;
  /** Set when the body was not empty and not valid JSON. */
  bodyError?: string;
  auth: AuthContext;
  origin: string;
}

export interface GraphResponse {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface GraphConfig {
  pageSize: number;
  createdMs: number;
  runningMs: number;
  cancel: CancelMode;
  cancelRefuseStatus: number;
  fractionDigits: FractionDigits;
}

const NS = 'microsoft.graph.security.securityCopilot';
const BASE = ['security', 'securitycopilot'];
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

const SESSION_PROPERTIES = ['id', 'createdDateTime', 'lastModifiedDateTime', 'displayName'] as const;
const PROMPT_PROPERTIES = ['id', 'type', 'createdDateTime', 'lastModifiedDateTime', 'skillName', 'content', 'inputs', 'skillInputDescriptors'] as const;
const WORKSPACE_PROPERTIES = ['id', 'displayName'] as const;
const PLUGIN_PROPERTIES = ['name', 'displayName', 'description', 'category', 'catalogScope', 'previewState', 'isEnabled', 'authorization', 'settings'] as const;
const PROMPT_TYPES = ['unknown', 'context', 'prompt', 'skill', 'feedback', 'unknownFutureValue'];

const SESSION_FILTER: FilterCapabilities = {
  id: { type: 'string', ops: ['eq', 'ne'] },
  displayName: { type: 'string', ops: ['eq', 'ne', 'contains', 'startswith'] },
};
const PROMPT_FILTER: FilterCapabilities = {
  id: { type: 'string', ops: ['eq', 'ne'] },
  type: { type: 'string', ops: ['eq', 'ne'] },
  content: { type: 'string', ops: ['eq', 'contains', 'startswith'] },
};
const EVALUATION_FILTER: FilterCapabilities = {
  id: { type: 'string', ops: ['eq', 'ne'] },
  state: { type: 'string', ops: ['eq', 'ne'] },
};
// The documented plugin filters: name (eq, contains), displayName (eq), isEnabled (eq) [reference §1.10].
const PLUGIN_FILTER: FilterCapabilities = {
  name: { type: 'string', ops: ['eq', 'contains'] },
  displayName: { type: 'string', ops: ['eq'] },
  isEnabled: { type: 'boolean', ops: ['eq'] },
};
const WORKSPACE_FILTER: FilterCapabilities = {
  id: { type: 'string', ops: ['eq', 'ne'] },
  displayName: { type: 'string', ops: ['eq', 'ne', 'contains', 'startswith'] },
};

/** Splits a path into decoded segments; OData key syntax `sessions('id')` becomes `sessions`, `id`. */
export function pathSegments(pathname: string): string[] {
  const out: string[] = [];
  for (const raw of pathname.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      throw notFound(`Resource not found for the segment '${raw}'.`);
    }
    const key = /^([A-Za-z]+)\('?([^')]*)'?\)$/.exec(seg);
    if (key) out.push(key[1], key[2]);
    else out.push(seg);
  }
  return out;
}

/** OData string literal escaping for keys inside context URLs. */
function keyLiteral(key: string): string {
  return `'${key.replace(/'/g, "''")}'`;
}

export class GraphApi {
  constructor(
    private readonly store: Store,
    private readonly answers: AnswerBook,
    private readonly config: () => GraphConfig,
    private readonly now: () => number,
    private readonly timestamps: TimestampSource,
  ) {}

  handle(req: GraphRequest): GraphResponse {
    const segs = pathSegments(req.pathname);
    const lower = segs.map((s) => s.toLowerCase());
    if (lower[0] !== 'beta') throw notFound(`Resource not found for the segment '${segs[0] ?? ''}'.`);
    for (let i = 0; i < BASE.length; i++) {
      if (lower[1 + i] !== BASE[i]) throw notFound(`Resource not found for the segment '${segs[1 + i] ?? ''}'.`);
    }
    const rest = segs.slice(1 + BASE.length);
    const names = rest.map((s, i) => (i % 2 === 0 ? s.toLowerCase() : s));
    const shape = names.map((s, i) => (i % 2 === 0 ? s : '{id}')).join('/');
    const m = req.method.toUpperCase();

    const allow = (...methods: string[]): void => {
      if (!methods.includes(m)) throw methodNotAllowed(m);
      authorize(req.auth, WRITE_METHODS.has(m));
    };

    switch (shape) {
      case '':
        throw methodNotAllowed(m); // the securityCopilot root documents no methods
      case 'workspaces':
        allow('GET');
        return this.listWorkspaces(req);
      case 'workspaces/{id}':
        throw methodNotAllowed(m); // workspaces: List only
      case 'workspaces/{id}/plugins':
        allow('GET');
        return this.listPlugins(req, this.workspace(rest[1]));
      case 'workspaces/{id}/plugins/{id}':
        throw methodNotAllowed(m); // plugins: List only
      case 'workspaces/{id}/sessions':
        allow('GET', 'POST');
        return m === 'GET' ? this.listSessions(req, this.workspace(rest[1])) : this.createSession(req, this.workspace(rest[1]));
      case 'workspaces/{id}/sessions/{id}': {
        allow('GET', 'PATCH');
        const ws = this.workspace(rest[1]);
        const session = this.session(rest[3], ws);
        return m === 'GET' ? this.getSession(req, ws, session) : this.updateSession(req, ws, session);
      }
      case 'workspaces/{id}/sessions/{id}/prompts': {
        allow('GET', 'POST');
        const ws = this.workspace(rest[1]);
        const session = this.session(rest[3], ws);
        return m === 'GET' ? this.listPrompts(req, ws, session) : this.createPrompt(req, ws, session);
      }
      case 'workspaces/{id}/sessions/{id}/prompts/{id}': {
        allow('GET');
        const ws = this.workspace(rest[1]);
        const session = this.session(rest[3], ws);
        return this.getPrompt(req, ws, session, this.prompt(session, rest[5]));
      }
      case 'workspaces/{id}/sessions/{id}/prompts/{id}/evaluations': {
        allow('GET', 'POST');
        const ws = this.workspace(rest[1]);
        const session = this.session(rest[3], ws);
        const prompt = this.prompt(session, rest[5]);
        return m === 'GET' ? this.listEvaluations(req, ws, session, prompt) : this.createEvaluation(req, ws, session, prompt);
      }
      case 'workspaces/{id}/sessions/{id}/prompts/{id}/evaluations/{id}': {
        allow('GET', 'PATCH');
        const ws = this.workspace(rest[1]);
        const session = this.session(rest[3], ws);
        const prompt = this.prompt(session, rest[5]);
        const evaluation = this.evaluation(prompt, rest[7]);
        return m === 'GET' ? this.getEvaluation(req, ws, session, prompt, evaluation) : this.cancelEvaluation(req, ws, session, prompt, evaluation);
      }
      default: {
        // Name the first segment that does not fit the resource tree, like Graph's message does.
        const known = ['workspaces', '{id}', 'sessions|plugins', '{id}', 'prompts', '{id}', 'evaluations', '{id}'];
        const bad = names.findIndex((s, i) => known[i] === undefined || (i % 2 === 0 && !known[i].split('|').includes(s)));
        throw notFound(`Resource not found for the segment '${rest[bad < 0 ? rest.length - 1 : bad]}'.`);
      }
    }
  }

  // ---- lookups -------------------------------------------------------------------------------------------------

  /**
   * Resolves a workspace id: the literal `default` (the onboarding workspace), its GUID, or an extra
   * workspace's id. Returns the id as given (responses echo it).
   */
  private workspace(id: string): string {
    if (id.toLowerCase() === 'default' || id.toLowerCase() === this.store.workspace.id.toLowerCase()) return id;
    if (this.store.extraWorkspaces.some((w) => w.id.toLowerCase() === id.toLowerCase())) return id;
    throw notFound(`Workspace '${id}' was not found.`);
  }

  /** The extra workspace a workspace id names, or undefined for the default one. */
  private extraWorkspaceId(ws: string): string | undefined {
    return this.store.extraWorkspaces.find((w) => w.id.toLowerCase() === ws.toLowerCase())?.id;
  }

  private inWorkspace(s: SessionRecord, ws: string): boolean {
    return (s.workspaceId ?? undefined) === this.extraWorkspaceId(ws);
  }

  private session(id: string, ws?: string): SessionRecord {
    const s = this.store.sessions.get(id.toLowerCase());
    if (!s || (ws !== undefined && !this.inWorkspace(s, ws))) throw notFound(`Session '${id}' was not found.`);
    return s;
  }

  private prompt(session: SessionRecord, id: string): PromptRecord {
    const p = this.store.prompts.get(id.toLowerCase());
    if (!p || p.sessionId !== session.id) throw notFound(`Prompt '${id}' was not found.`);
    return p;
  }

  private evaluation(prompt: PromptRecord, id: string): EvaluationRecord {
    const e = this.store.evaluations.get(id.toLowerCase());
    if (!e || e.promptId !== prompt.id) throw notFound(`Evaluation '${id}' was not found.`);
    return e;
  }

  // ---- shapes --------------------------------------------------------------------------------------------------

  /** A timestamp as sent, with the configured number of fractional digits (see FractionDigits). */
  private time(ts: string): string {
    return shapeFraction(ts, this.config().fractionDigits);
  }

  private sessionJson(s: SessionRecord): Record<string, unknown> {
    // Property order as in the docs' create-session response.
    return { id: s.id, createdDateTime: this.time(s.createdDateTime), lastModifiedDateTime: this.time(s.lastModifiedDateTime), displayName: s.displayName };
  }

  private promptJson(p: PromptRecord): Record<string, unknown> {
    return {
      id: p.id,
      type: p.type,
      createdDateTime: this.time(p.createdDateTime),
      lastModifiedDateTime: this.time(p.lastModifiedDateTime),
      skillName: null,
      content: p.content,
      inputs: { keyValuePairs: [] },
      skillInputDescriptors: [],
    };
  }

  private evaluationJson(e: EvaluationRecord): Record<string, unknown> {
    const v = evaluationView(e, this.now());
    return {
      ...v,
      createdDateTime: this.time(v.createdDateTime),
      runStartDateTime: this.time(v.runStartDateTime),
      completedDateTime: this.time(v.completedDateTime),
      lastModifiedDateTime: this.time(v.lastModifiedDateTime),
    };
  }

  private workspaceJson(w: WorkspaceRecord): Record<string, unknown> {
    return { '@odata.type': `#${NS}.workspace`, id: w.id, displayName: w.displayName };
  }

  private pluginJson(p: PluginRecord): Record<string, unknown> {
    return { ...p, settings: p.settings.map((s) => ({ ...s })) };
  }

  // ---- OData response building --------------------------------------------------------------------------------

  private context(origin: string, path: string, select: string[] | undefined, entity: boolean): string {
    const projection = select ? `(${select.join(',')})` : '';
    return `${origin}/beta/$metadata#${path}${projection}${entity ? '/$entity' : ''}`;
  }

  private tips(path: string, example: string): string {
    return `Use $select to choose only the properties your app needs, as this can lead to performance improvements. For example: GET ${path}?$select=${example}`;
  }

  private list<T>(
    req: GraphRequest,
    contextPath: string,
    all: T[],
    opts: {
      typeName: string;
      key: string;
      properties: readonly string[];
      filter: FilterCapabilities;
      toJson: (item: T) => Record<string, unknown>;
      position: (item: T) => string;
      descending: boolean;
      tipsExample: string;
    },
  ): GraphResponse {
    const q: QueryOptions = parseQueryOptions(req.rawQuery, true);
    checkSelect(q.select, opts.properties, opts.typeName);
    // JSON is built only for the rows a filter looks at or a page returns (lists of 10,000 stay fast).
    let rows: { item: T; json?: Record<string, unknown> }[] = all.map((item) => ({ item }));
    const jsonOf = (r: { item: T; json?: Record<string, unknown> }): Record<string, unknown> => (r.json ??= opts.toJson(r.item));
    if (q.filter !== undefined) {
      const node = parseFilter(q.filter, opts.filter, opts.typeName);
      rows = rows.filter((r) => matchesFilter(node, jsonOf(r)));
    }
    const pageSize = q.top ?? this.config().pageSize;
    const page = paginate(rows, pageSize, q.skipToken, (r) => opts.position(r.item), opts.descending);
    const body: Record<string, unknown> = { '@odata.context': this.context(req.origin, contextPath, q.select, false) };
    if (q.count) body['@odata.count'] = rows.length;
    if (!q.select) body['@microsoft.graph.tips'] = this.tips(contextPath, opts.tipsExample);
    body.value = page.items.map((r) => applySelect(jsonOf(r), q.select, opts.typeName, opts.key));
    if (page.nextToken) body['@odata.nextLink'] = this.nextLink(req, page.nextToken);
    return { status: 200, body };
  }

  /** The same URL with every query option kept except the old $skiptoken, plus the new one. */
  private nextLink(req: GraphRequest, token: string): string {
    const kept = req.rawQuery
      .split('&')
      .filter((p) => p !== '' && !/^(\$|%24)?skiptoken=/i.test(p));
    kept.push(`$skiptoken=${token}`);
    return `${req.origin}${req.pathname}?${kept.join('&')}`;
  }

  private entity(req: GraphRequest, contextPath: string, json: Record<string, unknown>, typeName: string, status = 200, tipsExample?: string): GraphResponse {
    const q = parseQueryOptions(req.rawQuery, false);
    const selected = applySelect(json, q.select, typeName, 'id');
    const body: Record<string, unknown> = { '@odata.context': this.context(req.origin, contextPath, q.select, true) };
    if (status === 200 && !q.select && tipsExample) body['@microsoft.graph.tips'] = this.tips(contextPath, tipsExample);
    return { status, body: { ...body, ...selected } };
  }

  private created(req: GraphRequest, contextPath: string, json: Record<string, unknown>, location: string): GraphResponse {
    const res = this.entity({ ...req, rawQuery: '' }, contextPath, json, '', 201);
    res.headers = { Location: `${req.origin}${location}` };
    return res;
  }

  private wsPath(ws: string): string {
    return `security/securityCopilot/workspaces(${keyLiteral(ws)})`;
  }

  private urlPath(ws: string, ...rest: string[]): string {
    return ['/beta/security/securityCopilot/workspaces', ws, ...rest].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
  }

  // ---- handlers ------------------------------------------------------------------------------------------------

  private listWorkspaces(req: GraphRequest): GraphResponse {
    return this.list(req, 'security/securityCopilot/workspaces', [this.store.workspace, ...this.store.extraWorkspaces], {
      typeName: `${NS}.workspace`,
      key: 'id',
      properties: WORKSPACE_PROPERTIES,
      filter: WORKSPACE_FILTER,
      toJson: (w) => this.workspaceJson(w),
      position: (w) => w.id,
      descending: false,
      tipsExample: 'displayName',
    });
  }

  private listPlugins(req: GraphRequest, ws: string): GraphResponse {
    const sorted = [...PLUGINS].sort((a, b) => a.name.localeCompare(b.name));
    return this.list(req, `${this.wsPath(ws)}/plugins`, sorted, {
      typeName: `${NS}.plugin`,
      key: 'name',
      properties: PLUGIN_PROPERTIES,
      filter: PLUGIN_FILTER,
      toJson: (p) => this.pluginJson(p),
      position: (p) => p.name,
      descending: false,
      tipsExample: 'name,displayName,isEnabled',
    });
  }

  private listSessions(req: GraphRequest, ws: string): GraphResponse {
    const sorted = sortBy([...this.store.sessions.values()].filter((s) => this.inWorkspace(s, ws)), sessionPosition, true);
    return this.list(req, `${this.wsPath(ws)}/sessions`, sorted, {
      typeName: `${NS}.session`,
      key: 'id',
      properties: SESSION_PROPERTIES,
      filter: SESSION_FILTER,
      toJson: (s) => this.sessionJson(s),
      position: sessionPosition,
      descending: true,
      tipsExample: 'createdDateTime,displayName',
    });
  }

  private getSession(req: GraphRequest, ws: string, s: SessionRecord): GraphResponse {
    return this.entity(req, `${this.wsPath(ws)}/sessions`, this.sessionJson(s), `${NS}.session`, 200, 'createdDateTime,displayName');
  }

  private createSession(req: GraphRequest, ws: string): GraphResponse {
    const body = this.objectBody(req, 'session', true);
    checkProperties(body, ['displayName', ...SESSION_PROPERTIES], 'session');
    const name = body.displayName;
    if (name === undefined || name === null) throw badRequest("The property 'displayName' is required when creating a session.", 'invalidRequest');
    if (typeof name !== 'string') throw badRequest("The property 'displayName' must be a string.", 'invalidRequest');
    if (name.trim() === '') throw badRequest("The property 'displayName' must not be empty.", 'invalidRequest');
    const now = this.timestamps.next();
    const extra = this.extraWorkspaceId(ws);
    const session: SessionRecord = { id: newGuid(), ...(extra ? { workspaceId: extra } : {}), displayName: name, createdDateTime: now, lastModifiedDateTime: now };
    this.store.sessions.set(session.id, session);
    this.store.changed();
    return this.created(req, `${this.wsPath(ws)}/sessions`, this.sessionJson(session), this.urlPath(ws, 'sessions', session.id));
  }

  private updateSession(req: GraphRequest, ws: string, s: SessionRecord): GraphResponse {
    const body = this.objectBody(req, 'session', true);
    checkProperties(body, SESSION_PROPERTIES, 'session');
    if ('displayName' in body) {
      const name = body.displayName;
      // displayName is a nullable String; the docs only show renames to a string, so both are accepted.
      if (name !== null && typeof name !== 'string') throw badRequest("The property 'displayName' must be a string.", 'invalidRequest');
      if (typeof name === 'string' && name.trim() === '') throw badRequest("The property 'displayName' must not be empty.", 'invalidRequest');
      s.displayName = name;
      s.lastModifiedDateTime = this.timestamps.next();
      this.store.changed();
    }
    // PATCH answers 200 with the updated session (not 204), as the docs example shows.
    return this.entity({ ...req, rawQuery: '' }, `${this.wsPath(ws)}/sessions`, this.sessionJson(s), `${NS}.session`);
  }

  private listPrompts(req: GraphRequest, ws: string, s: SessionRecord): GraphResponse {
    const sorted = sortBy(this.store.promptsOf(s.id), promptPosition, false);
    return this.list(req, `${this.wsPath(ws)}/sessions(${keyLiteral(s.id)})/prompts`, sorted, {
      typeName: `${NS}.prompt`,
      key: 'id',
      properties: PROMPT_PROPERTIES,
      filter: PROMPT_FILTER,
      toJson: (p) => this.promptJson(p),
      position: promptPosition,
      descending: false,
      tipsExample: 'content,createdDateTime',
    });
  }

  private getPrompt(req: GraphRequest, ws: string, s: SessionRecord, p: PromptRecord): GraphResponse {
    return this.entity(req, `${this.wsPath(ws)}/sessions(${keyLiteral(s.id)})/prompts`, this.promptJson(p), `${NS}.prompt`, 200, 'content,createdDateTime');
  }

  private createPrompt(req: GraphRequest, ws: string, s: SessionRecord): GraphResponse {
    const body = this.objectBody(req, 'prompt', true);
    checkProperties(body, PROMPT_PROPERTIES, 'prompt');
    const type = body.type;
    if (type === undefined || type === null) throw badRequest("The property 'type' is required. Only the prompt type 'prompt' is supported.", 'invalidRequest');
    if (typeof type !== 'string' || !PROMPT_TYPES.includes(type)) {
      throw badRequest(`The value '${String(type)}' is not valid for the property 'type'. Only the prompt type 'prompt' is supported.`, 'invalidRequest');
    }
    if (type !== 'prompt') throw badRequest(`The prompt type '${type}' is not supported. Only the prompt type 'prompt' is supported.`, 'invalidRequest');
    const content = body.content;
    if (typeof content !== 'string' || content.trim() === '') {
      throw badRequest("The property 'content' is required and must be a non-empty string.", 'invalidRequest');
    }
    const now = this.timestamps.next();
    const prompt: PromptRecord = { id: newGuid(), sessionId: s.id, type: 'prompt', content, createdDateTime: now, lastModifiedDateTime: now };
    this.store.prompts.set(prompt.id, prompt);
    this.store.changed();
    return this.created(req, `${this.wsPath(ws)}/sessions(${keyLiteral(s.id)})/prompts`, this.promptJson(prompt), this.urlPath(ws, 'sessions', s.id, 'prompts', prompt.id));
  }

  private evaluationsPath(ws: string, s: SessionRecord, p: PromptRecord): string {
    return `${this.wsPath(ws)}/sessions(${keyLiteral(s.id)})/prompts(${keyLiteral(p.id)})/evaluations`;
  }

  private listEvaluations(req: GraphRequest, ws: string, s: SessionRecord, p: PromptRecord): GraphResponse {
    const sorted = sortBy(this.store.evaluationsOf(p.id), evaluationPosition, false);
    return this.list(req, this.evaluationsPath(ws, s, p), sorted, {
      typeName: `${NS}.evaluation`,
      key: 'id',
      properties: EVALUATION_PROPERTIES,
      filter: EVALUATION_FILTER,
      toJson: (e) => this.evaluationJson(e),
      position: evaluationPosition,
      descending: false,
      tipsExample: 'state,result',
    });
  }

  private getEvaluation(req: GraphRequest, ws: string, s: SessionRecord, p: PromptRecord, e: EvaluationRecord): GraphResponse {
    return this.entity(req, this.evaluationsPath(ws, s, p), this.evaluationJson(e), `${NS}.evaluation`, 200, 'state,result');
  }

  /**
   * `PATCH …/evaluations/{id}` with `{"isCancelled": true}`: the cancel operation of the docs repository's
   * unpublished page. How it shows is configurable (CancelMode), including refusing it like a service without it.
   */
  private cancelEvaluation(req: GraphRequest, ws: string, s: SessionRecord, p: PromptRecord, e: EvaluationRecord): GraphResponse {
    const cfg = this.config();
    if (cfg.cancel === 'refuse') {
      const status = cfg.cancelRefuseStatus;
      throw new GraphHttpError(status, status === 405 ? 'Request_BadRequest' : codeForStatus(status), status === 405 ? 'The method is not allowed for this resource.' : 'Cancelling an evaluation is not supported.');
    }
    const body = this.objectBody(req, 'evaluation', true);
    checkProperties(body, EVALUATION_PROPERTIES, 'evaluation');
    if (body.isCancelled !== true) throw badRequest("Only {\"isCancelled\": true} can be set on an evaluation.", 'invalidRequest');
    if (isRunning(e, this.now())) {
      e.cancelledAtMs = this.now();
      e.cancelMode = cfg.cancel;
      this.store.changed();
    }
    return this.entity(req, this.evaluationsPath(ws, s, p), this.evaluationJson(e), `${NS}.evaluation`, 200, 'state,result');
  }

  private createEvaluation(req: GraphRequest, ws: string, s: SessionRecord, p: PromptRecord): GraphResponse {
    // The docs send `{}` ("No properties are required"); an empty body is accepted too.
    const body = this.objectBody(req, 'evaluation', false);
    checkProperties(body, EVALUATION_PROPERTIES, 'evaluation');
    const cfg = this.config();
    const answer = this.answers.choose(p.content);
    const created = this.timestamps.next();
    const evaluation: EvaluationRecord = {
      id: newGuid(),
      sessionId: s.id,
      promptId: p.id,
      createdDateTime: created,
      createdMs: Math.max(0, answer.createdMs ?? cfg.createdMs),
      runningMs: Math.max(0, answer.runningMs ?? cfg.runningMs),
      answer: answer.content,
      resultType: answer.type,
      previewState: answer.previewState,
    };
    if (answer.phases) evaluation.phases = answer.phases;
    this.store.evaluations.set(evaluation.id, evaluation);
    // The docs' prompt examples show lastModifiedDateTime moving to just after the evaluation's creation time.
    p.lastModifiedDateTime = this.timestamps.next();
    this.store.changed();
    return this.created(req, this.evaluationsPath(ws, s, p), this.evaluationJson(evaluation), this.urlPath(ws, 'sessions', s.id, 'prompts', p.id, 'evaluations', evaluation.id));
  }

  // ---- bodies --------------------------------------------------------------------------------------------------

  private objectBody(req: GraphRequest, type: string, required: boolean): Record<string, unknown> {
    if (req.bodyError !== undefined) {
      throw badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
    }
    if (req.body === undefined) {
      if (required) throw badRequest('Empty Payload. JSON content expected.');
      return {};
    }
    if (!isRecord(req.body)) throw badRequest(`The request body must be a JSON object describing a ${type}.`);
    const odataType = req.body['@odata.type'];
    if (odataType !== undefined && odataType !== `#${NS}.${type}` && odataType !== `${NS}.${type}`) {
      throw badRequest(`A type named '${String(odataType)}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`);
    }
    return req.body;
  }
}

/** Unknown properties are rejected as Graph does; service-populated ones are accepted and ignored. */
function checkProperties(body: Record<string, unknown>, known: readonly string[], type: string): void {
  for (const k of Object.keys(body)) {
    if (k.startsWith('@') || known.includes(k)) continue;
    throw new GraphHttpError(
      400,
      'BadRequest',
      `The property '${k}' does not exist on type '${NS}.${type}'. Make sure to only use property names that are defined by the type.`,
    );
  }
}

function sessionPosition(s: SessionRecord): string {
  return `${s.createdDateTime}|${s.id}`;
}
function promptPosition(p: PromptRecord): string {
  return `${p.createdDateTime}|${p.id}`;
}
function evaluationPosition(e: EvaluationRecord): string {
  return `${e.createdDateTime}|${e.id}`;
}
function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/**
 * Shapes a 7-digit timestamp's fraction without changing the instant: `trimmed` and `mixed` drop trailing zeros
 * (and the dot when nothing is left), as .NET does. In `mixed` mode new timestamps are also issued with 0–7
 * significant digits (TimestampSource), so one response mixes lengths. The sentinel stays as it is.
 */
export function shapeFraction(ts: string, mode: FractionDigits): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})\.(\d{7})Z$/.exec(ts);
  if (!m || mode === 'full') return ts;
  const digits = m[2].replace(/0+$/, '');
  return `${m[1]}${digits ? `.${digits}` : ''}Z`;
}

/** Sorts by a computed position string (computed once per item: lists of 10,000 sessions stay fast). */
function sortBy<T>(items: T[], position: (item: T) => string, descending: boolean): T[] {
  return items
    .map((item) => ({ item, key: position(item) }))
    .sort((a, b) => (descending ? compareDesc(a.key, b.key) : compareDesc(b.key, a.key)))
    .map((x) => x.item);
}
