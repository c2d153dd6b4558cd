import * as vscode from 'vscode';
import type { Session } from '../graph';
import { Disposable } from '../lifecycle';
import type { Copilot } from '../service';

export type ListStatus = 'idle' | 'loading' | 'loaded' | 'error';

export interface ListState {
  status: ListStatus;
  /** Newest first (by creation time). */
  sessions: readonly Session[];
  /** More pages exist (Graph gave an `@odata.nextLink`). */
  hasMore: boolean;
  loadingMore: boolean;
  /** Why the first page failed (status 'error'). */
  error?: unknown;
  /** Why the last "Load more" failed; the list keeps what it had. */
  moreError?: unknown;
}

function newestFirst(a: Session, b: Session): number {
  return b.createdDateTime.localeCompare(a.createdDateTime);
}

/**
 * One cache of sessions keyed by id, shared by the tree, the panels and the pickers, so a rename or a create
 * shows everywhere at once. It also holds the tree's paged list (`nextLink` kept opaque).
 */
export class SessionStore extends Disposable {
  private readonly byId = new Map<string, Session>();
  private order: string[] = [];
  private nextLink: string | undefined;
  private status: ListStatus = 'idle';
  private error: unknown;
  private moreError: unknown;
  private loading: Promise<void> | undefined;
  private loadingMore: Promise<void> | undefined;
  private generation = 0;

  private readonly listChanged = this.register(new vscode.EventEmitter<void>());
  /** The list (order, paging, status) changed. */
  readonly onDidChangeList = this.listChanged.event;
  private readonly sessionChanged = this.register(new vscode.EventEmitter<Session>());
  /** One session's data changed (rename, refetch). */
  readonly onDidChangeSession = this.sessionChanged.event;

  constructor(private readonly copilot: Copilot) {
    super();
  }

  get state(): ListState {
    return {
      status: this.status,
      sessions: this.order.map((id) => this.byId.get(id)).filter((s): s is Session => !!s),
      hasMore: !!this.nextLink,
      loadingMore: !!this.loadingMore,
      error: this.error,
      moreError: this.moreError,
    };
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  /** Records fresh data for a session (from a get, create or rename) and tells everyone who shows it. */
  upsert(session: Session, options: { addToList?: boolean } = {}): void {
    const before = this.byId.get(session.id);
    this.byId.set(session.id, session);
    if (options.addToList && !this.order.includes(session.id)) {
      this.order.unshift(session.id);
      this.sortOrder();
      if (this.status === 'idle') this.status = 'loaded';
      this.listChanged.fire();
    }
    if (!before || before.displayName !== session.displayName || before.lastModifiedDateTime !== session.lastModifiedDateTime) {
      this.sessionChanged.fire(session);
    }
  }

  private sortOrder(): void {
    this.order = this.order
      .map((id) => this.byId.get(id))
      .filter((s): s is Session => !!s)
      .sort(newestFirst)
      .map((s) => s.id);
  }

  /** Loads the first page, replacing the list. Concurrent calls share one request. */
  reload(): Promise<void> {
    if (this.loading) return this.loading;
    const generation = ++this.generation;
    this.status = 'loading';
    this.error = undefined;
    this.moreError = undefined;
    this.listChanged.fire();
    this.loading = (async () => {
      try {
        const page = await this.copilot.client.listSessionsPage(this.copilot.workspaceId, {
          top: this.copilot.settings.pageSize,
        });
        if (generation !== this.generation) return;
        this.order = [];
        for (const s of page.items) {
          this.byId.set(s.id, s);
          this.order.push(s.id);
        }
        this.sortOrder();
        this.nextLink = page.nextLink;
        this.status = 'loaded';
      } catch (e) {
        if (generation !== this.generation) return;
        this.status = 'error';
        this.error = e;
        this.nextLink = undefined;
      } finally {
        if (generation === this.generation) {
          this.loading = undefined;
          this.listChanged.fire();
        }
      }
    })();
    return this.loading;
  }

  /** Loads the next page (if any) and appends it. Concurrent calls share one request. */
  loadMore(): Promise<void> {
    if (this.loadingMore) return this.loadingMore;
    const link = this.nextLink;
    if (!link || this.loading) return Promise.resolve();
    const generation = this.generation;
    this.loadingMore = (async () => {
      try {
        this.moreError = undefined;
        this.listChanged.fire();
        const page = await this.copilot.client.listSessionsPage(this.copilot.workspaceId, { nextLink: link });
        if (generation !== this.generation) return;
        for (const s of page.items) {
          this.byId.set(s.id, s);
          if (!this.order.includes(s.id)) this.order.push(s.id);
        }
        this.sortOrder();
        this.nextLink = page.nextLink;
      } catch (e) {
        if (generation !== this.generation) return;
        // Keep what we have; the tree shows the error on the "Load more" row.
        this.moreError = e;
      } finally {
        this.loadingMore = undefined;
        this.listChanged.fire();
      }
    })();
    return this.loadingMore;
  }

  /** Forgets everything (sign-out, account or endpoint change). */
  clear(): void {
    this.generation++;
    this.byId.clear();
    this.order = [];
    this.nextLink = undefined;
    this.status = 'idle';
    this.error = undefined;
    this.moreError = undefined;
    this.loading = undefined;
    this.loadingMore = undefined;
    this.listChanged.fire();
  }
}
