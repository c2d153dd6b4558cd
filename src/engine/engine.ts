// The engine: one store of sessions, prompts and evaluations with change events, and the operations every
// surface shares (ask, re-run, follow, stop, cancel, rename, create). No `vscode` import: it runs in plain Node.
//
// Rules it keeps whatever the surfaces do:
// - Exactly once. At most one create in flight per send (same session and text), per prompt (its evaluation)
//   and per session name; a second caller gets the first caller's promise. After an ambiguous failure of a POST
//   (5xx, timeout, reset after sending: `mayHaveBeenProcessed`) the engine re-reads before anything else and
//   continues with what the service did create. Retry means "find out and continue", never a blind POST. When
//   that re-read shows nothing (the service may still be working on it), the next attempt of the same create
//   (same session name, same prompt text in the session) looks once more before it POSTs. A lost rename is
//   checked on the session itself.
// - One follower per evaluation across the window, whoever asked, paced to read each evaluation about once a
//   second (the first reads sooner), slower for states that may last (pending, deferred, waitingForInput,
//   unknown), honouring Retry-After, within a window-wide read budget with fair queuing.
// - Generations. `reset()` (sign-out, account or workspace switch) stops every follower and forgets every
//   entity; a result that arrives for an older generation, or for a load that a refresh replaced, is dropped,
//   and the replaced load's reads are aborted (not retried in the background).
// - Sign-in without surprises. A 401 (after the client's one silent retry) puts the engine in "sign in again":
//   background work stops and the surfaces offer a button; `resumeAfterSignIn()` continues.
// - Tolerant reading. Items that don't fit are skipped and counted (`unreadable`); times compare as instants;
//   ids are keyed case-insensitively.
import {
  failureCause,
  GraphCancelledError,
  isAuthError,
  isCancelledError,
  isMalformedResponseError,
  isNetworkError,
  isThrottledError,
  isTimeoutError,
  mayHaveBeenProcessed,
  OUTCOME_MESSAGES,
  outcomeOf,
  validateDisplayName,
  validateId,
  validatePromptContent,
  type Evaluation,
  type EvaluationOutcome,
  type EvaluationRef,
  type Prompt,
  type Session,
  type SkippedItem,
} from '../graph';
import { Emitter } from './events';
import { ReadBudget } from './readBudget';
import { compareInstants, idKey, msOf } from './time';
import type {
  AskOptions,
  AskResult,
  CancelResult,
  EngineHost,
  EngineOptions,
  FinishEvent,
  ListState,
  PromptEntry,
  PromptRef,
  RunPhase,
  SendState,
  SessionDetail,
} from './types';

const DEFAULTS = {
  readsPerSecond: 6,
  // One read a second from the start, never more often: an answer shows about a second after completing at worst,
  // and a short run is not read three times in its first second (reads at 0.4 and 1.1 s made 1.06–1.19 reads/s).
  firstReadsMs: [1000] as readonly number[],
  intervalMs: 1000,
  politeMaxMs: 15_000,
  followTimeoutMs: 30 * 60_000,
  loadConcurrency: 4,
  failedReadDelayMs: 1000,
  throttledReadDelayMs: 5000,
  clockSkewMs: 5 * 60_000,
};

/** Result types that end an evaluation even if its state didn't say `completed` yet. */
const FAILED_RESULTS = new Set(['error', 'rejected', 'timedOut', 'capacityExceeded', 'needAdditionalClaims']);
/** States that may last long: read less often, and say so. */
const POLITE_NOTES: Partial<Record<Evaluation['state'], string>> = {
  pending: 'Security Copilot has this evaluation pending; checking less often until it runs.',
  deferred: 'Security Copilot deferred this evaluation; checking less often until it runs.',
  waitingForInput:
    'Security Copilot is waiting for input that this API gives no way to send; checking less often. Open the session in the Security Copilot portal to continue it there.',
  unknown: 'Security Copilot reports an unknown state for this evaluation; checking less often.',
  unknownFutureValue: 'Security Copilot reports a state this extension does not know; checking less often.',
};
/** Prompts asked for per page when a session loads. */
const PROMPT_PAGE = 200;
/** Statuses with which a service refuses the (unpublished) cancel PATCH. */
const CANCEL_REFUSED = new Set([400, 403, 404, 405, 501]);

/** The outcome of an evaluation if it is over (terminal state, isCancelled, or a failed result). */
export function finalOutcome(e: Evaluation): EvaluationOutcome | undefined {
  const outcome = outcomeOf(e);
  if (outcome) return outcome;
  const type = e.result?.type;
  if (type && FAILED_RESULTS.has(type)) return outcomeOf({ ...e, state: 'completed' });
  return undefined;
}

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    message: string,
    readonly details: { signIn?: boolean; promptId?: string; sessionId?: string } = {},
  ) {
    super(message);
  }
}

interface MutablePrompt {
  sessionId: string;
  prompt: Prompt;
  evaluations: Evaluation[] | null;
  evaluationsError?: string;
  run: RunPhase;
  cancel?: PromptEntry['cancel'];
  /** Evaluation ids known before a start whose POST failed ambiguously (a Retry looks for one not in here). */
  lostStart?: Set<string>;
  /** The last start did not (as far as a re-read could tell) create an evaluation: Retry may POST again. */
  startFailed?: boolean;
  /** Callers of ask/waitForAnswer waiting right now. */
  waiting: number;
  /** The evaluation whose end was last announced (so it is announced once). */
  finishedEvaluation?: string;
}

interface MutableDetail {
  sessionId: string;
  session?: Session;
  status: SessionDetail['status'];
  error?: unknown;
  prompts: Map<string, MutablePrompt>;
  withEvaluations: boolean;
  unreadable: number;
  sending?: SendState;
  generation: number;
  loading?: Promise<void>;
  loadingWithEvaluations?: boolean;
  /** Aborts the reads of the load in flight (a load that replaces it, a Refresh or a reset stops them). */
  loadAbort?: AbortController;
}

interface Unsettled {
  started: number;
  known: Set<string>;
}

const NOT_TWICE = 'checks first, so it is never created twice';

interface Follower {
  key: string;
  ref: EvaluationRef;
  controller: AbortController;
  done: Promise<void>;
}

function sortPrompts(list: MutablePrompt[]): MutablePrompt[] {
  return list.sort((a, b) => compareInstants(a.prompt.createdDateTime, b.prompt.createdDateTime) || a.prompt.id.localeCompare(b.prompt.id));
}

function sortEvaluations(list: Evaluation[]): Evaluation[] {
  return list.sort((a, b) => compareInstants(a.createdDateTime, b.createdDateTime) || a.id.localeCompare(b.id));
}

function newestFirst(a: Session, b: Session): number {
  return compareInstants(b.createdDateTime, a.createdDateTime) || a.id.localeCompare(b.id);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A failure in a few words, for a note next to a running prompt (the request log has the details). */
function briefly(e: unknown): string {
  const status = (e as { status?: number }).status;
  if (isThrottledError(e)) return status === 503 ? 'Microsoft Graph is temporarily unavailable (HTTP 503)' : 'Microsoft Graph is throttling requests';
  if (isTimeoutError(e)) return 'Microsoft Graph did not answer in time';
  if (isNetworkError(e)) return 'the connection to Microsoft Graph failed';
  if (isMalformedResponseError(e)) return 'Graph sent an answer that could not be read';
  if (status !== undefined) return `Graph returned HTTP ${status}`;
  return failureCause(e);
}

export class CopilotEngine {
  private readonly o: typeof DEFAULTS;
  private readonly budget: ReadBudget;
  private epoch = 0;
  private disposed = false;

  // ---- list ----
  private readonly sessions = new Map<string, Session>();
  private order: string[] = [];
  /** The keys in `order`, to test membership in O(1). */
  private readonly inOrder = new Set<string>();
  /** `list.sessions` as last built, and the change count it was built at (bumped by every order or session change). */
  private listSessions: { version: number; sessions: readonly Session[] } | undefined;
  private listVersion = 0;
  private nextLink: string | undefined;
  private listStatus: ListState['status'] = 'idle';
  private listError: unknown;
  private moreError: unknown;
  private listUnreadable = 0;
  private listLoading: Promise<void> | undefined;
  private moreLoading: Promise<void> | undefined;
  private listGeneration = 0;
  /**
   * Aborts the list reads (first page, Load more) of the current generation: a superseded read must stop, not
   * keep retrying in the background (its result could not be used, and its requests would still cost).
   */
  private listAbort = new AbortController();

  // ---- details, in-flight operations, followers ----
  private readonly details = new Map<string, MutableDetail>();
  private readonly sends = new Map<string, Promise<PromptRef>>();
  private readonly starts = new Map<string, Promise<void>>();
  private readonly creates = new Map<string, Promise<Session>>();
  /**
   * Creates whose outcome is unknown: a POST failed ambiguously and the re-read right after did not show what it
   * created (the service may still be working on it). The next attempt of the same create looks again first.
   * Keyed by session name / `session\ncontent`; the first attempt's start time and what was known before it.
   */
  private readonly unsettledSessions = new Map<string, Unsettled>();
  private readonly unsettledSends = new Map<string, Unsettled>();
  private readonly followers = new Map<string, Follower>();
  private cancelUnsupported: string | undefined;
  private signInRequired = false;

  private readonly listChanged = new Emitter<void>();
  /** The session list (order, paging, status) changed. */
  readonly onDidChangeList = this.listChanged.event;
  private readonly sessionChanged = new Emitter<string>();
  /** A session's entity or detail (status, prompt set, sending) changed; the id as Graph sent it. */
  readonly onDidChangeSession = this.sessionChanged.event;
  private readonly promptChanged = new Emitter<PromptRef>();
  /** One prompt's evaluations or run changed. */
  readonly onDidChangePrompt = this.promptChanged.event;
  private readonly finished = new Emitter<FinishEvent>();
  /** An evaluation the engine followed reached its end. */
  readonly onDidFinish = this.finished.event;
  private readonly signInChanged = new Emitter<boolean>();
  /** Graph kept rejecting the token (true) / work resumed after a new sign-in (false). */
  readonly onDidChangeSignInRequired = this.signInChanged.event;
  private readonly resetEmitter = new Emitter<void>();
  /** Everything was forgotten (sign-out, account or workspace switch). */
  readonly onDidReset = this.resetEmitter.event;

  constructor(
    private readonly host: EngineHost,
    options: EngineOptions = {},
  ) {
    this.o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
    this.budget = new ReadBudget(this.o.readsPerSecond);
  }

  private get client() {
    return this.host.client();
  }

  /** An error to reject a write with when the host refuses writes (read-only access); nothing is sent. */
  private writeRefusal(): EngineError | undefined {
    const reason = this.host.writesRefused?.();
    return reason ? new EngineError(reason) : undefined;
  }

  private get ws(): string {
    return this.host.workspaceId();
  }

  /** Graph kept rejecting the token: background work is stopped until the user signs in again. */
  get signInNeeded(): boolean {
    return this.signInRequired;
  }

  /** Reads granted to followers so far (benchmark, tests). */
  get followReads(): number {
    return this.budget.total;
  }

  /** Evaluations being followed right now. */
  get activeFollowers(): number {
    return this.followers.size;
  }

  // =========================================================================================================
  // List of sessions
  // =========================================================================================================

  get list(): ListState {
    return {
      status: this.listStatus,
      sessions: this.orderedSessions(),
      hasMore: !!this.nextLink,
      loadingMore: !!this.moreLoading,
      error: this.listError,
      moreError: this.moreError,
      unreadable: this.listUnreadable,
    };
  }

  /** The listed sessions in order: built again only after a change, so reading the list is O(1) (the tree does often). */
  private orderedSessions(): readonly Session[] {
    if (this.listSessions?.version !== this.listVersion) {
      const sessions = this.order.map((k) => this.sessions.get(k)).filter((s): s is Session => !!s);
      this.listSessions = { version: this.listVersion, sessions };
    }
    return this.listSessions.sessions;
  }

  session(id: string): Session | undefined {
    return this.sessions.get(idKey(id));
  }

  private skippedLogger(counter: () => void) {
    return (item: SkippedItem) => {
      counter();
      this.host.log.warn(`Left out a ${item.what}${item.id ? ` (id ${item.id})` : ` (item ${item.index})`} that could not be read: ${item.reason}`);
    };
  }

  /** Records fresh data for a session (get, create, rename) and tells everyone who shows it. */
  upsertSession(session: Session, options: { addToList?: boolean } = {}): void {
    const key = idKey(session.id);
    const before = this.sessions.get(key);
    this.sessions.set(key, session);
    this.listVersion++;
    if (options.addToList && !this.inOrder.has(key)) {
      this.addToOrder([key]);
      if (this.listStatus === 'idle') this.listStatus = 'loaded';
      this.listChanged.fire();
    }
    const detail = this.details.get(key);
    if (detail) detail.session = session;
    if (!before || before.displayName !== session.displayName || before.lastModifiedDateTime !== session.lastModifiedDateTime) {
      this.sessionChanged.fire(session.id);
    }
  }

  /**
   * Adds sessions (already in `sessions`) to the list, keeping it newest first. Only the new ones are sorted;
   * a page older than the whole list (the usual next page) is appended, anything else is merged in: a page
   * costs O(page) or O(list) comparisons, never a sort of the whole list.
   */
  private addToOrder(keys: readonly string[]): void {
    this.listVersion++; // the sessions of `keys` may be fresher objects even when none is new
    const fresh = [...new Set(keys)].filter((k) => !this.inOrder.has(k) && this.sessions.has(k));
    if (!fresh.length) return;
    const session = (k: string) => this.sessions.get(k)!;
    fresh.sort((a, b) => newestFirst(session(a), session(b)));
    for (const k of fresh) this.inOrder.add(k);
    const last = this.order.at(-1);
    if (last === undefined || newestFirst(session(last), session(fresh[0])) <= 0) {
      for (const k of fresh) this.order.push(k);
      return;
    }
    const merged: string[] = [];
    let i = 0;
    let j = 0;
    while (i < this.order.length && j < fresh.length) {
      if (newestFirst(session(fresh[j]), session(this.order[i])) < 0) merged.push(fresh[j++]);
      else merged.push(this.order[i++]);
    }
    while (i < this.order.length) merged.push(this.order[i++]);
    while (j < fresh.length) merged.push(fresh[j++]);
    this.order = merged;
  }

  /** Loads the first page, replacing the list. Concurrent calls share one request. */
  reloadList(): Promise<void> {
    if (this.listLoading) return this.listLoading;
    // A Load more still in flight is for the list being replaced.
    const signal = this.supersedeListReads();
    const generation = this.listGeneration;
    const epoch = this.epoch;
    this.listStatus = 'loading';
    this.listError = undefined;
    this.moreError = undefined;
    this.listChanged.fire();
    const current = (): boolean => generation === this.listGeneration && epoch === this.epoch;
    this.listLoading = (async () => {
      let unreadable = 0;
      try {
        const page = await this.client.listSessionsPage(this.ws, {
          top: this.host.pageSize(),
          signal,
          onSkipped: this.skippedLogger(() => unreadable++),
        });
        if (!current()) return;
        this.order = [];
        this.inOrder.clear();
        this.listVersion++;
        for (const s of page.items) this.sessions.set(idKey(s.id), s);
        this.addToOrder(page.items.map((s) => idKey(s.id)));
        this.nextLink = page.nextLink;
        this.listStatus = 'loaded';
        this.listUnreadable = unreadable;
      } catch (e) {
        if (!current()) return;
        this.noteAuthFailure(e);
        this.listStatus = 'error';
        this.listError = e;
        this.nextLink = undefined;
      } finally {
        if (current()) {
          this.listLoading = undefined;
          this.listChanged.fire();
        }
      }
    })();
    return this.listLoading;
  }

  /** Loads the next page (if any) and appends it. Concurrent calls share one request. */
  loadMore(): Promise<void> {
    if (this.moreLoading) return this.moreLoading;
    const link = this.nextLink;
    if (!link || this.listLoading) return Promise.resolve();
    const generation = this.listGeneration;
    const epoch = this.epoch;
    const signal = this.listAbort.signal;
    const current = (): boolean => generation === this.listGeneration && epoch === this.epoch;
    this.moreLoading = (async () => {
      try {
        this.moreError = undefined;
        this.listChanged.fire();
        let unreadable = 0;
        const page = await this.client.listSessionsPage(this.ws, { nextLink: link, signal, onSkipped: this.skippedLogger(() => unreadable++) });
        if (!current()) return;
        for (const s of page.items) this.sessions.set(idKey(s.id), s);
        this.addToOrder(page.items.map((s) => idKey(s.id)));
        this.nextLink = page.nextLink;
        this.listUnreadable += unreadable;
      } catch (e) {
        if (!current()) return;
        this.noteAuthFailure(e);
        this.moreError = e;
      } finally {
        if (current()) {
          this.moreLoading = undefined;
          this.listChanged.fire();
        }
      }
    })();
    return this.moreLoading;
  }

  /**
   * Starts a new generation of list reads: the reads of the previous one are aborted and can no longer write
   * back (nor clear the new generation's in-flight markers). Returns the new generation's signal.
   */
  private supersedeListReads(): AbortSignal {
    this.listAbort.abort();
    this.listAbort = new AbortController();
    this.listGeneration++;
    this.listLoading = undefined;
    this.moreLoading = undefined;
    return this.listAbort.signal;
  }

  /**
   * Creates a session. The same name asked twice at once is one create; a lost response is looked up, and an
   * attempt whose outcome stayed unknown is looked up again before the next POST of the same name.
   */
  createSession(displayName: string): Promise<Session> {
    const name = validateDisplayName(displayName);
    if (!name.ok) return Promise.reject(new EngineError(name.message));
    const refused = this.writeRefusal();
    if (refused) return Promise.reject(refused);
    const key = name.value;
    const existing = this.creates.get(key);
    if (existing) return existing;
    const epoch = this.epoch;
    const promise = (async () => {
      const unsettled = this.unsettledSessions.get(key);
      const started = unsettled?.started ?? Date.now();
      const known = unsettled?.known ?? new Set(this.sessions.keys());
      let session: Session | undefined;
      if (unsettled) {
        try {
          session = await this.findLostSession(key, started, known);
        } catch (e) {
          this.noteAuthFailure(e);
          throw new EngineError(`Could not check whether Graph created the session of the earlier attempt (${failureCause(e)}). Creating it again ${NOT_TWICE}.`);
        }
        if (session) this.host.log.info(`A lost create response: found session ${session.id} that Graph created after all.`);
      }
      if (!session) {
        try {
          session = await this.client.createSession(this.ws, key);
        } catch (e) {
          this.noteAuthFailure(e);
          if (!mayHaveBeenProcessed(e)) throw e;
          // The service may have created it: look for it before anyone tries again.
          let checkError: unknown;
          session = await this.findLostSession(key, started, known).catch((c: unknown) => {
            checkError = c;
            return undefined;
          });
          if (!session) {
            if (epoch === this.epoch) this.unsettledSessions.set(key, { started, known });
            throw new EngineError(
              checkError === undefined
                ? `The session is not in your list after the failure (${failureCause(e)}). Creating it again ${NOT_TWICE}.`
                : `Could not create the session (${failureCause(e)}), and could not check whether Graph created it (${failureCause(checkError)}). Creating it again ${NOT_TWICE}.`,
            );
          }
          this.host.log.info(`A lost create response: found session ${session.id} that Graph created.`);
        }
      }
      this.unsettledSessions.delete(key);
      if (epoch === this.epoch) this.upsertSession(session, { addToList: true });
      return session;
    })().finally(() => this.creates.delete(key));
    this.creates.set(key, promise);
    return promise;
  }

  private async findLostSession(name: string, started: number, known: Set<string>): Promise<Session | undefined> {
    const page = await this.client.listSessionsPage(this.ws, { top: 50 });
    return page.items
      .filter((s) => s.displayName === name && !known.has(idKey(s.id)) && msOf(s.createdDateTime) >= started - this.o.clockSkewMs)
      .sort(newestFirst)[0];
  }

  /** PATCHes the session's name; everyone showing it updates at once. */
  async rename(sessionId: string, displayName: string): Promise<Session> {
    const name = validateDisplayName(displayName);
    if (!name.ok) throw new EngineError(name.message);
    const refused = this.writeRefusal();
    if (refused) throw refused;
    const epoch = this.epoch;
    try {
      const session = await this.client.renameSession(this.ws, sessionId, name.value);
      if (epoch === this.epoch) this.upsertSession(session);
      return session;
    } catch (e) {
      this.noteAuthFailure(e);
      if (!mayHaveBeenProcessed(e)) throw e;
      // The answer was lost: the session itself says whether the rename happened.
      const current = await this.client.getSession(this.ws, sessionId).catch(() => undefined);
      if (current?.displayName === name.value) {
        this.host.log.info(`A lost rename response: session ${current.id} has the new name.`);
        if (epoch === this.epoch) this.upsertSession(current);
        return current;
      }
      throw new EngineError(
        `${current ? 'The session still has its old name' : 'Could not check whether the session was renamed'} (${failureCause(e)}). Renaming it again is safe.`,
        { sessionId },
      );
    }
  }

  // =========================================================================================================
  // One session: prompts and evaluations
  // =========================================================================================================

  /** What the engine knows of a session's prompts (undefined when nobody asked yet). */
  detail(sessionId: string): SessionDetail | undefined {
    const d = this.details.get(idKey(sessionId));
    if (!d) return undefined;
    return {
      sessionId: d.sessionId,
      session: d.session ?? this.session(sessionId),
      status: d.status,
      error: d.error,
      prompts: sortPrompts([...d.prompts.values()]).map((p) => this.snapshot(p)),
      withEvaluations: d.withEvaluations,
      unreadable: d.unreadable,
      sending: d.sending,
    };
  }

  /** One prompt's state. */
  prompt(sessionId: string, promptId: string): PromptEntry | undefined {
    const p = this.details.get(idKey(sessionId))?.prompts.get(idKey(promptId));
    return p ? this.snapshot(p) : undefined;
  }

  private snapshot(p: MutablePrompt): PromptEntry {
    return {
      sessionId: p.sessionId,
      prompt: p.prompt,
      evaluations: p.evaluations ? [...p.evaluations] : null,
      evaluationsError: p.evaluationsError,
      run: p.run,
      cancel: p.cancel,
    };
  }

  private ensureDetail(sessionId: string): MutableDetail {
    const key = idKey(sessionId);
    let d = this.details.get(key);
    if (!d) {
      d = { sessionId, status: 'idle', prompts: new Map(), withEvaluations: false, unreadable: 0, generation: 0 };
      this.details.set(key, d);
    }
    return d;
  }

  private firePrompt(p: MutablePrompt): void {
    this.promptChanged.fire({ sessionId: p.sessionId, promptId: p.prompt.id });
  }

  /**
   * Loads a session's prompts (and, with `evaluations`, each prompt's evaluations, newest prompts first so what
   * is on screen arrives first). Concurrent calls share one load; `force` replaces a load in flight (Refresh),
   * whose results are then dropped. Prompts that are running keep their run state and follower.
   */
  loadSession(sessionId: string, options: { evaluations?: boolean; force?: boolean; session?: boolean } = {}): Promise<void> {
    const id = validateId(sessionId, 'Session ID');
    if (!id.ok) return Promise.reject(new EngineError(id.message));
    const d = this.ensureDetail(sessionId);
    const withEvaluations = !!options.evaluations;
    if (d.loading && !options.force && (d.loadingWithEvaluations || !withEvaluations)) return d.loading;
    const generation = ++d.generation;
    // The load this one replaces stops its reads: its results could not be used.
    d.loadAbort?.abort();
    const abort = new AbortController();
    d.loadAbort = abort;
    const signal = abort.signal;
    const epoch = this.epoch;
    const current = (): boolean => generation === d.generation && epoch === this.epoch && this.details.get(idKey(sessionId)) === d;
    d.status = 'loading';
    d.error = undefined;
    // Prompts known when the listing starts: only these can be missing from it because Graph no longer has them.
    // One sent meanwhile may be missing because the listing was read before its create.
    const knownAtStart = new Set(d.prompts.keys());
    d.withEvaluations ||= withEvaluations;
    d.loadingWithEvaluations = withEvaluations;
    this.sessionChanged.fire(d.sessionId);
    const load = (async () => {
      try {
        let unreadable = 0;
        const [session, prompts] = await Promise.all([
          options.session === false ? Promise.resolve(undefined) : this.client.getSession(this.ws, sessionId, { signal }),
          (async () => {
            const out: Prompt[] = [];
            // Big pages: a long session should cost few round trips (Graph pages on with nextLink if it caps $top).
            for await (const p of this.client.listPrompts(this.ws, sessionId, { top: PROMPT_PAGE, signal, onSkipped: this.skippedLogger(() => unreadable++) })) out.push(p);
            return out;
          })(),
        ]);
        if (!current()) return;
        if (session) this.upsertSession(session);
        d.unreadable = unreadable;
        const seen = new Set<string>();
        for (const prompt of prompts) {
          const key = idKey(prompt.id);
          seen.add(key);
          const existing = d.prompts.get(key);
          if (existing) existing.prompt = prompt;
          else d.prompts.set(key, { sessionId: d.sessionId, prompt, evaluations: null, run: { kind: 'idle' }, waiting: 0 });
        }
        // A prompt Graph didn't list (deleted, or not yet visible) stays only while something runs for it, or if
        // it was added after the listing started.
        for (const [key, p] of d.prompts) if (!seen.has(key) && knownAtStart.has(key) && !this.isBusy(p)) d.prompts.delete(key);
        d.status = 'loaded';
        this.sessionChanged.fire(d.sessionId);
        if (withEvaluations) await this.loadEvaluations(d, current, signal);
      } catch (e) {
        if (!current()) return;
        this.noteAuthFailure(e);
        d.status = 'error';
        d.error = e;
        this.sessionChanged.fire(d.sessionId);
      } finally {
        if (d.generation === generation) {
          d.loading = undefined;
          d.loadingWithEvaluations = undefined;
          d.loadAbort = undefined;
        }
      }
    })();
    d.loading = load;
    return load;
  }

  private isBusy(p: MutablePrompt): boolean {
    return p.run.kind === 'starting' || p.run.kind === 'checking' || p.run.kind === 'following' || p.waiting > 0;
  }

  /**
   * Reads every prompt's evaluations in few round trips (JSON batching, 20 per request; the client falls back to
   * single reads where `$batch` is refused), newest prompts first: the panel opens at the newest prompts, so
   * what is on screen arrives first, and each answer is shown as soon as its part arrived.
   */
  private async loadEvaluations(d: MutableDetail, current: () => boolean, signal: AbortSignal): Promise<void> {
    const order = sortPrompts([...d.prompts.values()]).reverse();
    if (order.length === 0) return;
    const epoch = this.epoch;
    const byKey = new Map(order.map((p) => [p.prompt.id, p]));
    const settle = (promptId: string, result: Evaluation[] | Error): void => {
      const p = byKey.get(promptId);
      if (!p || !current() || epoch !== this.epoch) return;
      byKey.delete(promptId);
      if (result instanceof Error) {
        this.noteAuthFailure(result);
        this.failEvaluations(p, result);
        return;
      }
      this.takeEvaluations(p, result);
    };
    let unreadable = 0;
    try {
      const results = await this.client.listEvaluationsMany(this.ws, d.sessionId, order.map((p) => p.prompt.id), {
        concurrency: this.o.loadConcurrency,
        signal,
        onResult: settle,
        onSkipped: this.skippedLogger(() => unreadable++),
      });
      for (const [promptId, result] of results) settle(promptId, result);
    } catch (e) {
      for (const promptId of [...byKey.keys()]) settle(promptId, e instanceof Error ? e : new Error(String(e)));
    }
    if (unreadable && current()) {
      d.unreadable += unreadable;
      this.sessionChanged.fire(d.sessionId);
    }
  }

  /** Lists one prompt's evaluations and merges them; follows the latest if it still runs. */
  private async refreshEvaluations(p: MutablePrompt, current: () => boolean = () => true): Promise<boolean> {
    const epoch = this.epoch;
    try {
      let unreadable = 0;
      const list = await this.client.listEvaluations(this.ws, p.sessionId, p.prompt.id, {
        onSkipped: this.skippedLogger(() => unreadable++),
      });
      if (!current() || epoch !== this.epoch) return false;
      this.takeEvaluations(p, list);
      return true;
    } catch (e) {
      if (!current() || epoch !== this.epoch) return false;
      this.noteAuthFailure(e);
      this.failEvaluations(p, e);
      return false;
    }
  }

  /** Records a prompt's freshly listed evaluations; follows the latest if it still runs, or ends its follower. */
  private takeEvaluations(p: MutablePrompt, list: readonly Evaluation[]): void {
    this.mergeEvaluations(p, list);
    p.evaluationsError = undefined;
    this.firePrompt(p);
    const latest = p.evaluations?.at(-1);
    if (latest && !finalOutcome(latest) && p.run.kind !== 'stopped' && !this.signInRequired) this.follow(p, latest);
    else if (latest && finalOutcome(latest) && p.run.kind === 'following') this.finish(p, latest);
  }

  /** The prompt's answers could not be listed: say so (it then offers Retry, never "Not evaluated yet"). */
  private failEvaluations(p: MutablePrompt, e: unknown): void {
    p.evaluationsError = `${p.evaluations ? 'Could not refresh the answers' : 'Could not load the answers'}: ${describe(e)}`;
    this.firePrompt(p);
  }

  private mergeEvaluations(p: MutablePrompt, incoming: readonly Evaluation[]): void {
    const byId = new Map((p.evaluations ?? []).map((e) => [idKey(e.id), e]));
    for (const e of incoming) {
      const known = byId.get(idKey(e.id));
      // Keep whichever copy is newer: a follower's read may be fresher than a list that started earlier.
      if (!known || compareInstants(e.lastModifiedDateTime, known.lastModifiedDateTime) >= 0 || (finalOutcome(e) && !finalOutcome(known))) {
        byId.set(idKey(e.id), e);
      }
    }
    p.evaluations = sortEvaluations([...byId.values()]);
  }

  private upsertEvaluation(p: MutablePrompt, e: Evaluation): void {
    this.mergeEvaluations(p, [e]);
    this.firePrompt(p);
  }

  // =========================================================================================================
  // Ask: prompt + evaluation, exactly once
  // =========================================================================================================

  /**
   * Sends a prompt and starts its evaluation. Resolves once the prompt exists; its evaluation's start then
   * shows in the prompt's run state. A second call with the same session and text while the first is in flight
   * gets the same promise.
   */
  submit(sessionId: string, content: string): Promise<PromptRef> {
    const sid = validateId(sessionId, 'Session ID');
    if (!sid.ok) return Promise.reject(new EngineError(sid.message));
    const text = validatePromptContent(content);
    if (!text.ok) return Promise.reject(new EngineError(text.message));
    const refused = this.writeRefusal();
    if (refused) return Promise.reject(refused);
    if (this.signInRequired) return Promise.reject(new EngineError('Sign in again to send prompts.', { signIn: true }));
    const key = `${idKey(sessionId)}\n${text.value}`;
    const existing = this.sends.get(key);
    if (existing) return existing;
    const promise = this.doSubmit(sessionId, text.value).finally(() => this.sends.delete(key));
    this.sends.set(key, promise);
    return promise;
  }

  private async doSubmit(sessionId: string, content: string): Promise<PromptRef> {
    const d = this.ensureDetail(sessionId);
    const epoch = this.epoch;
    const unsettledKey = `${idKey(sessionId)}\n${content}`;
    const unsettled = this.unsettledSends.get(unsettledKey);
    const known = unsettled?.known ?? new Set(d.prompts.keys());
    const started = unsettled?.started ?? Date.now();
    const setSending = (s: SendState | undefined): void => {
      if (epoch !== this.epoch) return;
      d.sending = s;
      this.sessionChanged.fire(d.sessionId);
    };
    const fail = (message: string): EngineError => {
      setSending({ content, phase: 'failed', message });
      return new EngineError(message, { sessionId });
    };
    let prompt: Prompt | undefined;
    if (unsettled) {
      // An earlier send of this text may have been created after all: look before sending again.
      setSending({ content, phase: 'checking', message: 'Checking whether Graph created the prompt of the earlier attempt…' });
      try {
        prompt = await this.findLostPrompt(sessionId, content, started, known);
      } catch (checkError) {
        this.noteAuthFailure(checkError);
        throw fail(`Could not check whether Graph created the prompt of the earlier attempt (${failureCause(checkError)}). Sending it again ${NOT_TWICE}.`);
      }
      if (prompt) this.host.log.info(`A lost create response: found prompt ${prompt.id} that Graph created after all.`);
    }
    if (!prompt) {
      setSending({ content, phase: 'creating' });
      try {
        prompt = await this.client.createPrompt(this.ws, sessionId, content);
      } catch (e) {
        this.noteAuthFailure(e);
        if (!mayHaveBeenProcessed(e)) {
          setSending({ content, phase: 'failed', message: describe(e) });
          throw e;
        }
        setSending({ content, phase: 'checking', message: 'The answer from Graph was lost; checking whether the prompt was created…' });
        let found: Prompt | undefined;
        try {
          found = await this.findLostPrompt(sessionId, content, started, known);
        } catch (checkError) {
          if (epoch === this.epoch) this.unsettledSends.set(unsettledKey, { started, known });
          throw fail(`Could not send the prompt (${failureCause(e)}), and could not check whether Graph created it (${failureCause(checkError)}). Sending it again ${NOT_TWICE}.`);
        }
        if (!found) {
          if (epoch === this.epoch) this.unsettledSends.set(unsettledKey, { started, known });
          throw fail(`The prompt is not in the session after the failure (${failureCause(e)}). Sending it again ${NOT_TWICE}.`);
        }
        this.host.log.info(`A lost create response: found prompt ${found.id} that Graph created.`);
        prompt = found;
      }
    }
    this.unsettledSends.delete(unsettledKey);
    if (epoch !== this.epoch) throw new GraphCancelledError('The account or workspace changed.');
    const entry: MutablePrompt = { sessionId: d.sessionId, prompt, evaluations: [], run: { kind: 'idle' }, waiting: 0 };
    const existing = d.prompts.get(idKey(prompt.id));
    d.prompts.set(idKey(prompt.id), existing ?? entry);
    d.sending = undefined;
    this.sessionChanged.fire(d.sessionId);
    // The prompt exists: from here on its run state (starting, failed, following) tells the rest. The start is
    // guarded on its own (one POST per prompt), so the send is done.
    void this.start(existing ?? entry);
    return { sessionId: d.sessionId, promptId: prompt.id };
  }

  private async findLostPrompt(sessionId: string, content: string, started: number, known: Set<string>): Promise<Prompt | undefined> {
    const candidates: Prompt[] = [];
    for await (const p of this.client.listPrompts(this.ws, sessionId)) {
      if (known.has(idKey(p.id)) || p.content?.trim() !== content.trim()) continue;
      if (msOf(p.createdDateTime) < started - this.o.clockSkewMs) continue;
      candidates.push(p);
    }
    return candidates.sort((a, b) => compareInstants(b.createdDateTime, a.createdDateTime))[0];
  }

  /** Sends a prompt and waits for its answer (chat, tools, promptbooks). */
  async ask(sessionId: string, content: string, options: AskOptions = {}): Promise<AskResult> {
    if (options.signal?.aborted) throw new GraphCancelledError();
    // A send is not abortable once it started (the POST may already have created the prompt); an abort that
    // comes meanwhile ends the wait right after, with the prompt's ids on the error.
    const ref = await this.submit(sessionId, content);
    return this.waitForAnswer(ref.sessionId, ref.promptId, options);
  }

  /** Runs the prompt again. Ignored while a run of it is starting, being checked or followed. */
  rerun(sessionId: string, promptId: string): Promise<void> {
    const p = this.details.get(idKey(sessionId))?.prompts.get(idKey(promptId));
    if (!p) return Promise.reject(new EngineError('That prompt is not in this session (refresh the session).'));
    const refused = this.writeRefusal();
    if (refused) return Promise.reject(refused);
    if (this.signInRequired) return Promise.reject(new EngineError('Sign in again to run prompts.', { signIn: true }));
    if (p.evaluations === null || p.evaluationsError) {
      // Unknown answers: find out first (a Retry), never a blind POST.
      return this.retry(sessionId, promptId);
    }
    const latest = p.evaluations.at(-1);
    if (latest && !finalOutcome(latest)) {
      if (p.run.kind !== 'following') this.follow(p, latest);
      return Promise.resolve();
    }
    return this.start(p);
  }

  /** Starts one evaluation of the prompt; concurrent calls share the one POST. */
  private start(p: MutablePrompt): Promise<void> {
    const key = `${idKey(p.sessionId)}/${idKey(p.prompt.id)}`;
    const inFlight = this.starts.get(key);
    if (inFlight) return inFlight;
    if (p.run.kind === 'following' || p.run.kind === 'checking') return Promise.resolve();
    const promise = this.doStart(p).finally(() => this.starts.delete(key));
    this.starts.set(key, promise);
    return promise;
  }

  private async doStart(p: MutablePrompt): Promise<void> {
    const refused = this.writeRefusal();
    if (refused) {
      this.setRun(p, { kind: 'failed', message: refused.message });
      return;
    }
    const epoch = this.epoch;
    const known = new Set((p.evaluations ?? []).map((e) => idKey(e.id)));
    this.setRun(p, { kind: 'starting' });
    p.cancel = undefined;
    p.startFailed = true;
    let evaluation: Evaluation;
    try {
      evaluation = await this.client.createEvaluation(this.ws, p.sessionId, p.prompt.id);
    } catch (e) {
      if (epoch !== this.epoch) return;
      if (this.noteAuthFailure(e)) {
        this.setRun(p, { kind: 'failed', message: 'Sign in again to run this prompt.', signIn: true });
        return;
      }
      if (mayHaveBeenProcessed(e)) {
        p.lostStart = known;
        this.setRun(p, { kind: 'checking', message: `The answer from Graph was lost (${failureCause(e)}); checking whether the evaluation started…` });
        await this.checkLostStart(p, failureCause(e));
        return;
      }
      this.setRun(p, { kind: 'failed', message: `Could not start the evaluation: ${describe(e)}` });
      return;
    }
    if (epoch !== this.epoch) return;
    p.lostStart = undefined;
    p.startFailed = false;
    this.upsertEvaluation(p, evaluation);
    if (finalOutcome(evaluation)) this.finish(p, evaluation);
    else this.follow(p, evaluation);
  }

  /** After an ambiguous start: list the evaluations and follow one the service created. */
  private async checkLostStart(p: MutablePrompt, cause: string): Promise<void> {
    const epoch = this.epoch;
    const known = p.lostStart ?? new Set<string>();
    let list: Evaluation[];
    try {
      list = await this.client.listEvaluations(this.ws, p.sessionId, p.prompt.id);
    } catch (e) {
      if (epoch !== this.epoch) return;
      if (this.noteAuthFailure(e)) {
        this.setRun(p, { kind: 'failed', message: 'Sign in again to check this prompt.', signIn: true });
        return;
      }
      this.setRun(p, {
        kind: 'failed',
        message: `Starting the evaluation may have worked (${cause}), but its answers could not be read (${failureCause(e)}). Retry checks again before running anything.`,
      });
      return;
    }
    if (epoch !== this.epoch) return;
    this.mergeEvaluations(p, list);
    p.evaluationsError = undefined;
    const created = sortEvaluations(list.filter((e) => !known.has(idKey(e.id)))).at(-1);
    if (created) {
      p.lostStart = undefined;
      p.startFailed = false;
      this.host.log.info(`A lost create response: found evaluation ${created.id} that Graph started.`);
      if (finalOutcome(created)) this.finish(p, created);
      else this.follow(p, created);
      return;
    }
    this.setRun(p, { kind: 'failed', message: `Security Copilot shows no run of this prompt after the failure (${cause}). Retry checks again and starts it only if there is none.` });
  }

  /**
   * "Find out and continue": re-reads the prompt's evaluations, then follows what runs, or — only when a start
   * failed and the re-read shows nothing new — starts it.
   */
  async retry(sessionId: string, promptId: string): Promise<void> {
    const p = this.details.get(idKey(sessionId))?.prompts.get(idKey(promptId));
    if (!p) throw new EngineError('That prompt is not in this session (refresh the session).');
    if (p.run.kind === 'starting' || p.run.kind === 'checking' || p.run.kind === 'following') return;
    const key = `${idKey(p.sessionId)}/${idKey(p.prompt.id)}`;
    const inFlight = this.starts.get(key);
    if (inFlight) return inFlight;
    const promise = (async () => {
      // Evaluations that existed before the failed start: anything else appeared since and is what it created.
      const before = p.lostStart ?? new Set((p.evaluations ?? []).map((e) => idKey(e.id)));
      this.setRun(p, { kind: 'checking', message: 'Checking what Security Copilot has for this prompt…' });
      const ok = await this.refreshEvaluations(p);
      if (!ok) {
        if (p.run.kind === 'checking') this.setRun(p, { kind: 'failed', message: p.evaluationsError ?? 'Could not check the prompt.' });
        return;
      }
      const appeared = (p.evaluations ?? []).some((e) => !before.has(idKey(e.id)));
      p.lostStart = undefined;
      if (appeared) p.startFailed = false;
      if (p.run.kind === 'following') return;
      this.setRun(p, { kind: 'idle' });
      const latest = p.evaluations?.at(-1);
      if (p.startFailed && (!latest || finalOutcome(latest))) await this.doStart(p);
    })().finally(() => {
      if (this.starts.get(key) === promise) this.starts.delete(key);
    });
    this.starts.set(key, promise);
    return promise;
  }

  private setRun(p: MutablePrompt, run: RunPhase): void {
    p.run = run;
    this.firePrompt(p);
  }

  // =========================================================================================================
  // Following
  // =========================================================================================================

  private followerKey(p: MutablePrompt, evaluationId: string): string {
    return [this.ws, p.sessionId, p.prompt.id, evaluationId].map(idKey).join('/');
  }

  private follow(p: MutablePrompt, evaluation: Evaluation): void {
    if (this.disposed) return;
    // One follower per prompt: a newer evaluation replaces the follower of an older one.
    for (const [key, f] of this.followers) {
      if (idKey(f.ref.sessionId) === idKey(p.sessionId) && idKey(f.ref.promptId) === idKey(p.prompt.id) && idKey(f.ref.evaluationId) !== idKey(evaluation.id)) {
        f.controller.abort();
        this.followers.delete(key);
      }
    }
    const key = this.followerKey(p, evaluation.id);
    this.setRun(p, { kind: 'following', evaluationId: evaluation.id, note: POLITE_NOTES[evaluation.state] });
    if (this.followers.has(key)) return;
    const controller = new AbortController();
    const ref: EvaluationRef = { workspaceId: this.ws, sessionId: p.sessionId, promptId: p.prompt.id, evaluationId: evaluation.id };
    const follower: Follower = { key, ref, controller, done: Promise.resolve() };
    this.followers.set(key, follower);
    follower.done = this.runFollower(p, follower, evaluation).finally(() => {
      if (this.followers.get(key) === follower) this.followers.delete(key);
    });
  }

  private async runFollower(p: MutablePrompt, f: Follower, first: Evaluation): Promise<void> {
    const signal = f.controller.signal;
    const epoch = this.epoch;
    const started = Date.now();
    let reads = 0;
    let failures = 0;
    let politeDelay = 2000;
    let state = first.state;
    let nextAt = Date.now() + (this.o.firstReadsMs[0] ?? this.o.intervalMs);
    for (;;) {
      try {
        await sleepUntil(nextAt, signal);
        if (Date.now() - started > this.o.followTimeoutMs) {
          this.setRun(p, { kind: 'failed', message: OUTCOME_MESSAGES.clientTimedOut.replace('refresh the session later', 'Retry to keep following') });
          return;
        }
        await this.budget.acquire(signal);
        const readStart = Date.now();
        const { evaluation, throttledMs } = await this.client.readEvaluation(f.ref, { signal });
        if (signal.aborted || epoch !== this.epoch) return;
        reads++;
        failures = 0;
        this.upsertEvaluation(p, evaluation);
        if (finalOutcome(evaluation)) {
          this.finish(p, evaluation);
          return;
        }
        const note = POLITE_NOTES[evaluation.state];
        if (p.run.kind === 'following' && p.run.note !== note) this.setRun(p, { kind: 'following', evaluationId: evaluation.id, note });
        let delay: number;
        if (note) {
          // A new state gets a prompt look; a state that lasts is read less and less often.
          politeDelay = evaluation.state === state ? Math.min(this.o.politeMaxMs, politeDelay * 1.5) : Math.min(2000, this.o.politeMaxMs);
          delay = politeDelay;
        } else {
          delay = this.o.firstReadsMs[reads] ?? this.o.intervalMs;
        }
        state = evaluation.state;
        // Start to start, so an answer shows within one interval of completing; never sooner than Retry-After.
        nextAt = Math.max(readStart + delay, Date.now() + throttledMs);
      } catch (e) {
        if (signal.aborted || isCancelledError(e) || epoch !== this.epoch) return;
        if (this.noteAuthFailure(e)) {
          this.setRun(p, { kind: 'failed', message: 'Sign in again to keep following this evaluation.', signIn: true });
          return;
        }
        if (isAuthError(e)) {
          // A 403: a fresh token won't add a missing role, so reading again is pointless.
          this.setRun(p, { kind: 'failed', message: `Could not read the evaluation: ${failureCause(e)}. Retry checks it again.` });
          return;
        }
        let wait: number;
        if (isThrottledError(e)) {
          wait = Math.max(e.retryAfterMs ?? 0, this.o.throttledReadDelayMs);
        } else {
          failures++;
          if (failures >= 4) {
            this.setRun(p, { kind: 'failed', message: `Lost track of the evaluation: ${failureCause(e)}. Retry checks it again.` });
            return;
          }
          wait = this.o.failedReadDelayMs * 2 ** failures;
        }
        nextAt = Date.now() + wait;
        // Still following: the prompt says why the state is not moving (a good read replaces the note).
        if (p.run.kind === 'following') {
          const note = `Could not read the evaluation (${briefly(e)}); checking again in ${Math.max(1, Math.round(wait / 1000))} s.`;
          this.setRun(p, { kind: 'following', evaluationId: f.ref.evaluationId, note });
        }
      }
    }
  }

  private finish(p: MutablePrompt, evaluation: Evaluation): void {
    const outcome = finalOutcome(evaluation);
    if (!outcome) return;
    // Whoever saw the end first (the follower, a cancel's answer, a list), the prompt's follower stops now.
    for (const [key, f] of this.followers) {
      if (idKey(f.ref.sessionId) === idKey(p.sessionId) && idKey(f.ref.promptId) === idKey(p.prompt.id)) {
        f.controller.abort();
        this.followers.delete(key);
      }
    }
    if (p.run.kind === 'idle' && p.finishedEvaluation === idKey(evaluation.id)) return;
    p.finishedEvaluation = idKey(evaluation.id);
    // Read before the run goes idle: that settles the waiting callers (and counts them down).
    const awaited = p.waiting > 0;
    this.setRun(p, { kind: 'idle' });
    if (outcome.kind !== 'success') this.host.log.warn(`Evaluation ${evaluation.id}: ${outcome.kind} — ${outcome.message}`);
    else this.host.log.info(`Evaluation ${evaluation.id} of prompt ${p.prompt.id} completed.`);
    this.finished.fire({ sessionId: p.sessionId, promptId: p.prompt.id, prompt: p.prompt, outcome, awaited });
  }

  /** Stops following the prompt's evaluation (it may still finish on the service). */
  stop(sessionId: string, promptId: string): void {
    const p = this.details.get(idKey(sessionId))?.prompts.get(idKey(promptId));
    if (!p || p.run.kind !== 'following') return;
    const evaluationId = p.run.evaluationId;
    const f = this.followers.get(this.followerKey(p, evaluationId));
    f?.controller.abort();
    if (f) this.followers.delete(f.key);
    this.setRun(p, { kind: 'stopped', evaluationId });
  }

  /** Follows the prompt's latest evaluation again (after Stop). */
  resume(sessionId: string, promptId: string): Promise<void> {
    const p = this.details.get(idKey(sessionId))?.prompts.get(idKey(promptId));
    if (!p) return Promise.reject(new EngineError('That prompt is not in this session (refresh the session).'));
    const latest = p.evaluations?.at(-1);
    if (p.run.kind === 'stopped' && latest && !finalOutcome(latest)) {
      this.follow(p, latest);
      return Promise.resolve();
    }
    return this.retry(sessionId, promptId);
  }

  /**
   * Asks the service to cancel the running evaluation (PATCH isCancelled). A refusal (400/403/404/405/501) is
   * remembered for the window: the surfaces then offer stopping to follow instead.
   */
  async cancel(sessionId: string, promptId: string): Promise<CancelResult> {
    const p = this.details.get(idKey(sessionId))?.prompts.get(idKey(promptId));
    if (!p) return { kind: 'notRunning' };
    const latest = p.evaluations?.at(-1);
    if (!latest || finalOutcome(latest)) return { kind: 'notRunning' };
    const refused = this.writeRefusal();
    if (refused) throw refused;
    if (this.cancelUnsupported) return { kind: 'unsupported', message: this.cancelUnsupported };
    p.cancel = { state: 'requesting' };
    this.firePrompt(p);
    const epoch = this.epoch;
    try {
      const updated = await this.client.cancelEvaluation(
        { workspaceId: this.ws, sessionId: p.sessionId, promptId: p.prompt.id, evaluationId: latest.id },
      );
      if (epoch !== this.epoch) return { kind: 'failed', message: 'The account or workspace changed.' };
      p.cancel = { state: 'requested' };
      if (updated) this.upsertEvaluation(p, updated);
      else this.firePrompt(p);
      if (updated && finalOutcome(updated)) this.finish(p, updated);
      else if (p.run.kind !== 'following') this.follow(p, updated ?? latest);
      return { kind: 'cancelled' };
    } catch (e) {
      const status = (e as { status?: number }).status;
      if (status !== undefined && CANCEL_REFUSED.has(status)) {
        this.cancelUnsupported = `Security Copilot does not support cancelling an evaluation here (HTTP ${status}). You can stop following it instead; it may still finish.`;
        p.cancel = { state: 'refused', message: this.cancelUnsupported };
        this.firePrompt(p);
        return { kind: 'unsupported', message: this.cancelUnsupported };
      }
      this.noteAuthFailure(e);
      p.cancel = { state: 'refused', message: `Could not cancel: ${describe(e)}` };
      this.firePrompt(p);
      return { kind: 'failed', message: describe(e) };
    }
  }

  /** Whether cancelling was refused in this window (then only stopping to follow is offered). */
  get cancelSupported(): boolean {
    return this.cancelUnsupported === undefined;
  }

  /**
   * Waits for the prompt's answer: resolves with the outcome of its latest evaluation when it ends. Aborting
   * `signal` stops this wait only.
   */
  waitForAnswer(sessionId: string, promptId: string, options: AskOptions = {}): Promise<AskResult> {
    const p = this.details.get(idKey(sessionId))?.prompts.get(idKey(promptId));
    if (!p) return Promise.reject(new EngineError('That prompt is not known here (load its session first).'));
    const signal = options.signal;
    return new Promise<AskResult>((resolve, reject) => {
      p.waiting++;
      let settled = false;
      const done = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        p.waiting--;
        sub.dispose();
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      // The error says which prompt it was, so a caller whose wait was cancelled can still cancel the run.
      const onAbort = (): void => done(() => reject(Object.assign(new GraphCancelledError(), { sessionId: p.sessionId, promptId: p.prompt.id })));
      const check = (): void => {
        const latest = p.evaluations?.at(-1);
        try {
          options.onUpdate?.(this.snapshot(p));
        } catch {
          // a failing progress callback must not end the wait
        }
        if (p.run.kind === 'failed') {
          const run = p.run;
          done(() => reject(new EngineError(run.message, { signIn: run.signIn, sessionId: p.sessionId, promptId: p.prompt.id })));
          return;
        }
        if (p.run.kind === 'stopped') {
          done(() => reject(new EngineError('Stopped following the evaluation; it may still finish.', { sessionId: p.sessionId, promptId: p.prompt.id })));
          return;
        }
        if (latest && p.run.kind === 'idle') {
          const outcome = finalOutcome(latest);
          if (outcome) done(() => resolve({ sessionId: p.sessionId, promptId: p.prompt.id, evaluationId: latest.id, outcome }));
        }
      };
      const sub = this.onDidChangePrompt((ref) => {
        if (idKey(ref.sessionId) === idKey(p.sessionId) && idKey(ref.promptId) === idKey(p.prompt.id)) check();
      });
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      check();
      // An idle prompt whose latest evaluation still runs (e.g. read by a list): make sure someone follows it.
      const latest = p.evaluations?.at(-1);
      if (!settled && p.run.kind === 'idle' && latest && !finalOutcome(latest)) this.follow(p, latest);
    });
  }

  // =========================================================================================================
  // Sign-in and resets
  // =========================================================================================================

  /** Marks the engine as needing a new sign-in on a 401 that the client's silent retry could not fix. */
  private noteAuthFailure(e: unknown): boolean {
    if (!isAuthError(e) || (e as { status?: number }).status !== 401) return false;
    if (!this.signInRequired) {
      this.signInRequired = true;
      this.host.log.warn('Graph keeps rejecting the token, so background work stopped until you sign in again.');
      for (const f of this.followers.values()) f.controller.abort();
      for (const d of this.details.values()) {
        for (const p of d.prompts.values()) {
          if (p.run.kind === 'following') this.setRun(p, { kind: 'failed', message: 'Sign in again to keep following this evaluation.', signIn: true });
        }
      }
      this.followers.clear();
      this.signInChanged.fire(true);
    }
    return true;
  }

  /** After a successful interactive sign-in: background work continues where it stopped. */
  resumeAfterSignIn(): void {
    if (!this.signInRequired) return;
    this.signInRequired = false;
    this.signInChanged.fire(false);
    // The list load the refused sign-in failed is background work too.
    if (this.listStatus === 'error' && isAuthError(this.listError)) void this.reloadList();
    for (const d of this.details.values()) {
      for (const p of d.prompts.values()) {
        if (p.run.kind === 'failed' && p.run.signIn) void this.retry(p.sessionId, p.prompt.id).catch(() => undefined);
      }
    }
  }

  /** Forgets everything and stops every follower (sign-out, account or workspace switch). */
  reset(): void {
    this.epoch++;
    this.host.log.info(`Forgot every session and stopped ${this.followers.size} follower(s) (account or workspace changed).`);
    for (const f of this.followers.values()) f.controller.abort();
    this.followers.clear();
    this.sends.clear();
    this.starts.clear();
    this.creates.clear();
    this.unsettledSessions.clear();
    this.unsettledSends.clear();
    for (const d of this.details.values()) d.loadAbort?.abort();
    this.details.clear();
    // Another account or workspace may well support cancelling.
    this.cancelUnsupported = undefined;
    this.sessions.clear();
    this.order = [];
    this.inOrder.clear();
    this.listVersion++;
    this.nextLink = undefined;
    this.listStatus = 'idle';
    this.listError = undefined;
    this.moreError = undefined;
    this.listUnreadable = 0;
    this.supersedeListReads();
    if (this.signInRequired) {
      this.signInRequired = false;
      this.signInChanged.fire(false);
    }
    this.listChanged.fire();
    this.resetEmitter.fire();
  }

  /** Refresh: reload the list and drop cached prompts (a load in flight can no longer write back). */
  refreshAll(): Promise<void> {
    for (const [key, d] of this.details) {
      d.generation++;
      d.loadAbort?.abort();
      d.loadAbort = undefined;
      d.loading = undefined;
      const busy = [...d.prompts.values()].some((p) => this.isBusy(p));
      if (!busy) this.details.delete(key);
      else d.status = 'idle';
    }
    // Not shared with a load in flight: reloadList supersedes it (aborting its reads).
    this.listLoading = undefined;
    return this.reloadList();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.epoch++;
    this.listAbort.abort();
    for (const d of this.details.values()) d.loadAbort?.abort();
    for (const f of this.followers.values()) f.controller.abort();
    this.followers.clear();
    this.budget.dispose();
    for (const e of [this.listChanged, this.sessionChanged, this.promptChanged, this.finished, this.signInChanged, this.resetEmitter]) e.dispose();
  }
}

function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  const ms = at - Date.now();
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(new GraphCancelledError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new GraphCancelledError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
