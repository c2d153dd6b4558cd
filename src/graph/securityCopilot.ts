// The Security Copilot surface of Microsoft Graph beta (`/security/securityCopilot/...`).
// Every method validates its input first (GraphValidationError, no request), then goes through GraphHttp.
// The docs show 201 for creates and 200 for reads and the rename; they don't say whether other 2xx codes can
// occur, so any 2xx with a valid body is accepted (an empty 2xx body is a GraphMalformedResponseError).
import { readMany, type BatchState } from './batch';
import { GraphValidationError } from './errors';
import { pollEvaluation } from './evaluations';
import { GraphHttp, type GraphResponse } from './http';
import { buildQuery, getPage, iterateItems, readPage, selectList } from './paging';
import {
  evaluationSchema,
  parseBody,
  pluginSchema,
  promptSchema,
  sessionSchema,
  workspaceSchema,
} from './schemas';
import type {
  CallOptions,
  Evaluation,
  EvaluationOutcome,
  EvaluationRef,
  GraphClientOptions,
  ListOptions,
  Page,
  Plugin,
  Prompt,
  Session,
  WaitOptions,
  Workspace,
} from './types';
import { validateDisplayName, validateId, validatePromptContent } from './validate';

const ROOT = ['security', 'securityCopilot'] as const;

const SESSION_ODATA_TYPE = '#microsoft.graph.security.securityCopilot.session';
const PROMPT_ODATA_TYPE = '#microsoft.graph.security.securityCopilot.prompt';

// Fields always added to $select so validated entities keep the fields their types promise.
const REQUIRED = {
  workspace: ['id'],
  session: ['id', 'createdDateTime', 'lastModifiedDateTime'],
  prompt: ['id', 'type', 'createdDateTime', 'lastModifiedDateTime'],
  evaluation: ['id', 'createdDateTime', 'lastModifiedDateTime', 'state'],
  plugin: ['name'],
} as const;

export type PageListOptions = ListOptions & { nextLink?: string };

/** Options of listEvaluationsMany. */
export interface ManyOptions extends CallOptions {
  /** Told about each evaluation left out because it did not fit its schema (as listEvaluations). */
  onSkipped?: ListOptions['onSkipped'];
  /** Called as each prompt's result settles (for showing answers as they arrive). */
  onResult?: (promptId: string, result: Evaluation[] | Error) => void;
  /** HTTP requests in flight at once: batches, or single reads when batching is off. Default 4. */
  concurrency?: number;
}
export type SelectOptions = CallOptions & { select?: string[] };

function check(result: ReturnType<typeof validateId>): string {
  if (!result.ok) throw new GraphValidationError(result.message);
  return result.value;
}

export class SecurityCopilotClient {
  /** Normalised origin of the Graph endpoint, e.g. 'https://graph.microsoft.com'. */
  readonly endpoint: string;
  /** The request pipeline (exposed for advanced callers; same auth, retries and logging). */
  readonly http: GraphHttp;
  /** Whether `$batch` works with this service (learned on first use; one per client). */
  private readonly batch: BatchState = {};

  constructor(options: GraphClientOptions) {
    this.http = new GraphHttp(options);
    this.endpoint = this.http.endpoint;
  }

  // ---- workspaces -------------------------------------------------------------------------------------

  /** One page of workspaces ($count, $filter, $select; $top isn't documented here and isn't sent). */
  async listWorkspaces(o: PageListOptions = {}): Promise<Page<Workspace>> {
    const url = o.nextLink
      ? this.http.resolveNextLink(o.nextLink)
      : this.http.url([...ROOT, 'workspaces'], buildQuery(o, { top: false, required: REQUIRED.workspace }));
    return getPage(this.http, url, workspaceSchema, 'workspace', o.signal);
  }

  // ---- sessions ---------------------------------------------------------------------------------------

  async listSessionsPage(workspaceId: string, o: PageListOptions = {}): Promise<Page<Session>> {
    check(validateId(workspaceId, 'Workspace id'));
    const url = o.nextLink ? this.http.resolveNextLink(o.nextLink) : this.sessionsUrl(workspaceId, o);
    return getPage(this.http, url, sessionSchema, 'session', o.signal, { onSkipped: o.onSkipped });
  }

  listSessions(workspaceId: string, o: ListOptions = {}): AsyncIterable<Session> {
    // Validate now (synchronously) so bad input fails at the call, not at the first iteration.
    const url = this.sessionsUrl(workspaceId, o);
    return iterateItems(this.http, url, sessionSchema, 'session', o.signal, { onSkipped: o.onSkipped });
  }

  async getSession(workspaceId: string, sessionId: string, o: SelectOptions = {}): Promise<Session> {
    const url = this.http.url(
      this.sessionPath(workspaceId, sessionId),
      selectQuery(o.select, REQUIRED.session),
    );
    const response = await this.http.send({ method: 'GET', url, signal: o.signal });
    return parseBody(sessionSchema, response, 'session');
  }

  async createSession(workspaceId: string, displayName: string, o: CallOptions = {}): Promise<Session> {
    const ws = check(validateId(workspaceId, 'Workspace id'));
    const name = check(validateDisplayName(displayName));
    const url = this.http.url([...ROOT, 'workspaces', ws, 'sessions']);
    const response = await this.http.send({
      method: 'POST',
      url,
      body: { '@odata.type': SESSION_ODATA_TYPE, displayName: name },
      signal: o.signal,
    });
    return parseBody(sessionSchema, response, 'session');
  }

  /** PATCH displayName. The docs show 200 with the updated session in the body. */
  async renameSession(workspaceId: string, sessionId: string, displayName: string, o: CallOptions = {}): Promise<Session> {
    const path = this.sessionPath(workspaceId, sessionId);
    const name = check(validateDisplayName(displayName));
    const response = await this.http.send({
      method: 'PATCH',
      url: this.http.url(path),
      body: { '@odata.type': SESSION_ODATA_TYPE, displayName: name },
      signal: o.signal,
    });
    return parseBody(sessionSchema, response, 'session');
  }

  // ---- prompts ----------------------------------------------------------------------------------------

  async listPromptsPage(ws: string, sessionId: string, o: PageListOptions = {}): Promise<Page<Prompt>> {
    this.sessionPath(ws, sessionId); // validates the ids even when following a nextLink
    const url = o.nextLink ? this.http.resolveNextLink(o.nextLink) : this.promptsUrl(ws, sessionId, o);
    return getPage(this.http, url, promptSchema, 'prompt', o.signal, { onSkipped: o.onSkipped });
  }

  listPrompts(ws: string, sessionId: string, o: ListOptions = {}): AsyncIterable<Prompt> {
    const url = this.promptsUrl(ws, sessionId, o);
    return iterateItems(this.http, url, promptSchema, 'prompt', o.signal, { onSkipped: o.onSkipped });
  }

  async getPrompt(ws: string, sessionId: string, promptId: string, o: SelectOptions = {}): Promise<Prompt> {
    const path = [...this.sessionPath(ws, sessionId), 'prompts', check(validateId(promptId, 'Prompt id'))];
    const url = this.http.url(path, selectQuery(o.select, REQUIRED.prompt));
    const response = await this.http.send({ method: 'GET', url, signal: o.signal });
    return parseBody(promptSchema, response, 'prompt');
  }

  /** Creates a prompt of type 'prompt' (the only type the docs say is supported). Doesn't run it. */
  async createPrompt(ws: string, sessionId: string, content: string, o: CallOptions = {}): Promise<Prompt> {
    const path = [...this.sessionPath(ws, sessionId), 'prompts'];
    const text = check(validatePromptContent(content));
    const response = await this.http.send({
      method: 'POST',
      url: this.http.url(path),
      body: { '@odata.type': PROMPT_ODATA_TYPE, type: 'prompt', content: text },
      signal: o.signal,
    });
    return parseBody(promptSchema, response, 'prompt');
  }

  // ---- evaluations ------------------------------------------------------------------------------------

  /**
   * Every evaluation of a prompt (all pages). Accepts a `value` collection and also a single evaluation
   * entity, which is what the docs' example for this operation shows.
   */
  async listEvaluations(ws: string, sessionId: string, promptId: string, o: ListOptions = {}): Promise<Evaluation[]> {
    const url = this.evaluationsUrl(ws, sessionId, promptId, o);
    const out: Evaluation[] = [];
    for await (const e of iterateItems(this.http, url, evaluationSchema, 'evaluation', o.signal, {
      acceptSingleEntity: true,
      onSkipped: o.onSkipped,
    })) {
      out.push(e);
    }
    return out;
  }

  /**
   * The evaluations of many prompts of one session in few round trips: JSON batching (`POST /beta/$batch`,
   * up to 20 reads each, `concurrency` batches in flight), see batch.ts.
   *
   * Contract:
   * - Resolves a Map with one entry per distinct prompt id given (keyed by the id exactly as given): the same
   *   `Evaluation[]` that `listEvaluations(ws, sessionId, promptId)` resolves, or the Error it would throw
   *   (GraphNotFoundError, GraphThrottledError, GraphAuthError, GraphValidationError for a bad prompt id, …).
   *   A failed prompt never fails the others.
   * - Rejects only when the workspace or session id is invalid (GraphValidationError, no request) or `signal`
   *   aborts (GraphCancelledError).
   * - Reads in the order given: pass what is on screen first (e.g. the newest prompts), then the rest, and use
   *   `onResult` to show each answer as it arrives; or call it twice (visible ids, then the others).
   * - Reads only; never creates anything. Throttled parts are re-sent after their own Retry-After; if the service
   *   refuses `$batch`, this client remembers it and reads one by one from then on (`batchingRefused`).
   */
  async listEvaluationsMany(ws: string, sessionId: string, promptIds: readonly string[], o: ManyOptions = {}): Promise<Map<string, Evaluation[] | Error>> {
    this.sessionPath(ws, sessionId); // a bad workspace or session id fails the whole call, before any request
    const results = new Map<string, Evaluation[] | Error>();
    const reads: { key: string; url: string }[] = [];
    for (const promptId of new Set(promptIds)) {
      const v = validateId(promptId, 'Prompt id');
      if (!v.ok) {
        const error = new GraphValidationError(v.message);
        results.set(promptId, error);
        o.onResult?.(promptId, error);
        continue;
      }
      reads.push({ key: promptId, url: this.evaluationsUrl(ws, sessionId, promptId) });
    }
    const got = await readMany<Evaluation[]>(this.http, this.batch, reads, {
      signal: o.signal,
      concurrency: o.concurrency,
      onResult: o.onResult,
      single: (promptId, signal) => this.listEvaluations(ws, sessionId, promptId, { signal, onSkipped: o.onSkipped }),
      parse: async (response, signal) => {
        const page = readPage(response, evaluationSchema, 'evaluation', { acceptSingleEntity: true, onSkipped: o.onSkipped });
        const out = [...page.items];
        if (page.nextLink !== undefined) {
          // More pages: followed one by one with the normal (origin-checked) paging.
          const next = this.http.resolveNextLink(page.nextLink);
          for await (const e of iterateItems(this.http, next, evaluationSchema, 'evaluation', signal, { acceptSingleEntity: true, onSkipped: o.onSkipped })) out.push(e);
        }
        return out;
      },
    });
    for (const [k, v] of got) results.set(k, v);
    return results;
  }

  /** True once the service refused `$batch` for this client: listEvaluationsMany reads one by one. */
  get batchingRefused(): boolean {
    return this.batch.refused !== undefined;
  }

  async getEvaluation(ws: string, sessionId: string, promptId: string, evaluationId: string, o: SelectOptions = {}): Promise<Evaluation> {
    const response = await this.getEvaluationResponse({ workspaceId: ws, sessionId, promptId, evaluationId }, o);
    return parseBody(evaluationSchema, response, 'evaluation');
  }

  /** Starts a run of the prompt (body `{}`). Never retried after an ambiguous failure: runs cost capacity. */
  async createEvaluation(ws: string, sessionId: string, promptId: string, o: CallOptions = {}): Promise<Evaluation> {
    const path = [...this.promptPath(ws, sessionId, promptId), 'evaluations'];
    const response = await this.http.send({ method: 'POST', url: this.http.url(path), body: {}, signal: o.signal });
    return parseBody(evaluationSchema, response, 'evaluation');
  }

  /** One read of an evaluation, with how long the pipeline waited on throttling (Retry-After) for it. */
  async readEvaluation(ref: EvaluationRef, o: CallOptions = {}): Promise<{ evaluation: Evaluation; throttledMs: number }> {
    const response = await this.getEvaluationResponse(ref, { signal: o.signal });
    return { evaluation: parseBody(evaluationSchema, response, 'evaluation'), throttledMs: response.throttledMs };
  }

  /**
   * Asks the service to cancel a running evaluation: `PATCH …/evaluations/{id}` with `{"isCancelled": true}`.
   * Not on the published pages (only in the docs repository), so callers must expect a refusal (400, 403, 404,
   * 405, 501) and treat it as "not supported". Returns the updated evaluation when the service sends one.
   */
  async cancelEvaluation(ref: EvaluationRef, o: CallOptions = {}): Promise<Evaluation | undefined> {
    const url = this.http.url(this.evaluationPath(ref));
    const response = await this.http.send({ method: 'PATCH', url, body: { isCancelled: true }, signal: o.signal });
    if (response.body === undefined) return undefined;
    return parseBody(evaluationSchema, response, 'evaluation');
  }

  /**
   * Polls GET evaluation until it is terminal; see evaluations.ts for the pacing rules. For plain-Node callers:
   * the extension follows evaluations through its engine (one follower per evaluation, a window-wide budget).
   */
  async waitForEvaluation(ref: EvaluationRef, o: WaitOptions = {}): Promise<EvaluationOutcome> {
    this.evaluationPath(ref); // validate before the first delay
    return pollEvaluation(async (signal) => {
      const response = await this.getEvaluationResponse(ref, { signal });
      return { evaluation: parseBody(evaluationSchema, response, 'evaluation'), throttledMs: response.throttledMs };
    }, o);
  }

  // ---- plugins ----------------------------------------------------------------------------------------

  async listPlugins(ws: string, o: PageListOptions = {}): Promise<Page<Plugin>> {
    const id = check(validateId(ws, 'Workspace id'));
    const url = o.nextLink
      ? this.http.resolveNextLink(o.nextLink)
      : this.http.url([...ROOT, 'workspaces', id, 'plugins'], buildQuery(o, { top: true, required: REQUIRED.plugin }));
    return getPage(this.http, url, pluginSchema, 'plugin', o.signal);
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  private sessionsUrl(workspaceId: string, o: ListOptions): string {
    const ws = check(validateId(workspaceId, 'Workspace id'));
    return this.http.url([...ROOT, 'workspaces', ws, 'sessions'], buildQuery(o, { top: true, required: REQUIRED.session }));
  }

  private promptsUrl(ws: string, sessionId: string, o: ListOptions): string {
    return this.http.url(
      [...this.sessionPath(ws, sessionId), 'prompts'],
      buildQuery(o, { top: true, required: REQUIRED.prompt }),
    );
  }

  private evaluationsUrl(ws: string, sessionId: string, promptId: string, o: ListOptions = {}): string {
    const path = [...this.promptPath(ws, sessionId, promptId), 'evaluations'];
    return this.http.url(path, buildQuery(o, { top: true, required: REQUIRED.evaluation }));
  }

  private sessionPath(workspaceId: string, sessionId: string): string[] {
    const ws = check(validateId(workspaceId, 'Workspace id'));
    const s = check(validateId(sessionId, 'Session id'));
    return [...ROOT, 'workspaces', ws, 'sessions', s];
  }

  private promptPath(ws: string, sessionId: string, promptId: string): string[] {
    return [...this.sessionPath(ws, sessionId), 'prompts', check(validateId(promptId, 'Prompt id'))];
  }

  private evaluationPath(ref: EvaluationRef): string[] {
    if (typeof ref !== 'object' || ref === null) throw new GraphValidationError('An evaluation reference is required.');
    return [
      ...this.promptPath(ref.workspaceId, ref.sessionId, ref.promptId),
      'evaluations',
      check(validateId(ref.evaluationId, 'Evaluation id')),
    ];
  }

  private getEvaluationResponse(ref: EvaluationRef, o: SelectOptions): Promise<GraphResponse> {
    const url = this.http.url(this.evaluationPath(ref), selectQuery(o.select, REQUIRED.evaluation));
    return this.http.send({ method: 'GET', url, signal: o.signal });
  }
}

function selectQuery(select: string[] | undefined, required: readonly string[]): [string, string][] {
  const value = selectList(select, required);
  return value ? [['$select', value]] : [];
}
