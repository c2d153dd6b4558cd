import * as vscode from 'vscode';
import { firstLine, formatUtc, relativeTime } from '../core/time';
import { describeError } from '../errors';
import { finalOutcome, idKey, type PromptEntry } from '../engine';
import type { Session } from '../graph';
import { Disposable } from '../lifecycle';
import type { Copilot } from '../service';
import { sessionLabel } from '../shared/protocol';

export const VIEW_ID = 'securityCopilot.sessions';
export const STATE_CONTEXT = 'securityCopilot.state';
export type ViewState = 'signedOut' | 'misconfigured' | 'empty' | 'loading' | 'ready' | 'error';

/** Most prompts listed under one session in the tree; the panel shows them all. */
const MAX_PROMPTS_IN_TREE = 200;
/** The newest sessions loaded are rows of the tree itself, up to this many. */
export const FLAT_SESSIONS = 200;
/** Older loaded sessions are folded into collapsed groups of this many. */
export const GROUP_SIZE = 200;

const count = new Intl.NumberFormat('en-US');

export type Node =
  | { kind: 'session'; sessionId: string }
  | { kind: 'group'; index: number }
  | { kind: 'prompt'; sessionId: string; promptId: string }
  | { kind: 'loadMore' }
  | { kind: 'message'; key: string; label: string; icon: string; tooltip?: string; parent?: Node; error?: boolean; command?: vscode.Command };

/**
 * Sessions of the configured workspace, newest first, with a "Load more" row driven by `@odata.nextLink`.
 * A view of the engine: a prompt sent from anywhere shows at once (with a state icon while it runs).
 * `getChildren` never throws and never shows a popup: failures become rows with a retry action.
 *
 * VS Code asks again for every child of a node that changed (and of its expanded descendants), so a page of
 * "Load more" must not change the root once the list is long: past the newest FLAT_SESSIONS, sessions are
 * folded into collapsed groups of GROUP_SIZE, and a page that only fills the last group refreshes that group
 * alone. Loading a page costs O(page + group), not O(sessions loaded).
 */
export class SessionsTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sessionNodes = new Map<string, Node & { kind: 'session' }>();
  private readonly promptNodes = new Map<string, Node & { kind: 'prompt' }>();
  private readonly groupNodes: (Node & { kind: 'group' })[] = [];
  private readonly sessionItems = new Map<string, { session: Session | undefined; item: vscode.TreeItem }>();
  private readonly loadMoreNode: Node = { kind: 'loadMore' };
  readonly view: vscode.TreeView<Node>;
  private viewState: ViewState | undefined;
  /** The list as the tree last showed it: the sessions in order, and everything else the root rows depend on. */
  private shownSessions: readonly Session[] = [];
  private shownShape = '';

  constructor(private readonly copilot: Copilot) {
    super();
    this.view = this.register(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
    const engine = copilot.engine;
    this.register(engine.onDidChangeList(() => this.onListChanged()));
    this.register(engine.onDidChangeSession((id) => this.fireSession(id)));
    this.register(
      engine.onDidChangePrompt((ref) => {
        const node = this.promptNodes.get(`${idKey(ref.sessionId)}/${idKey(ref.promptId)}`);
        // A prompt the tree doesn't show yet changes the session's children.
        if (node) this.changed.fire(node);
        else this.fireSession(ref.sessionId);
      }),
    );
    this.register(engine.onDidChangeSignInRequired(() => this.changed.fire(undefined)));
    this.register(
      engine.onDidReset(() => {
        this.sessionNodes.clear();
        this.promptNodes.clear();
        this.sessionItems.clear();
        this.shownSessions = [];
        this.changed.fire(undefined);
      }),
    );
  }

  /**
   * Refreshes as little as the change needs: only the "Load more" row when a page starts loading, only the
   * groups a page added to when the root keeps its rows, the root otherwise.
   */
  private onListChanged(): void {
    const list = this.copilot.engine.list;
    const now = list.sessions;
    const shape = [list.status, list.hasMore, !!list.error, !!list.moreError, list.unreadable, this.copilot.engine.signInNeeded, groupCount(now.length)].join('|');
    const before = this.shownSessions;
    const sameShape = shape === this.shownShape;
    this.shownSessions = now;
    this.shownShape = shape;
    // The first row that is another session than before (the engine keeps unchanged sessions as the same objects).
    let first = 0;
    if (now === before) first = now.length;
    else while (first < before.length && first < now.length && (before[first] === now[first] || idKey(before[first].id) === idKey(now[first].id))) first++;
    if (!sameShape || first < Math.min(FLAT_SESSIONS, Math.max(before.length, now.length))) {
      this.changed.fire(undefined);
      return;
    }
    this.changed.fire(this.loadMoreNode);
    if (first === before.length && first === now.length) return;
    for (let g = Math.floor((first - FLAT_SESSIONS) / GROUP_SIZE); g < groupCount(now.length); g++) this.changed.fire(this.groupNode(g));
  }

  private groupNode(index: number): Node & { kind: 'group' } {
    let node = this.groupNodes[index];
    if (!node) {
      node = { kind: 'group', index };
      this.groupNodes[index] = node;
    }
    return node;
  }

  private fireSession(sessionId: string): void {
    const node = this.sessionNodes.get(idKey(sessionId));
    if (node) this.changed.fire(node);
  }

  /** Reloads everything from Graph (the Refresh command); loads still in flight can no longer write back. */
  refresh(): Promise<void> {
    return this.copilot.engine.refreshAll();
  }

  /** Re-reads one session's prompts. */
  refreshPrompts(sessionId: string): void {
    void this.copilot.engine.loadSession(sessionId, { session: false, force: true }).catch(() => undefined);
  }

  nodeFor(sessionId: string): Node & { kind: 'session' } {
    const key = idKey(sessionId);
    let node = this.sessionNodes.get(key);
    if (!node) {
      node = { kind: 'session', sessionId };
      this.sessionNodes.set(key, node);
    }
    return node;
  }

  private promptNode(sessionId: string, promptId: string): Node & { kind: 'prompt' } {
    const key = `${idKey(sessionId)}/${idKey(promptId)}`;
    let node = this.promptNodes.get(key);
    if (!node) {
      node = { kind: 'prompt', sessionId, promptId };
      this.promptNodes.set(key, node);
    }
    return node;
  }

  /** Shows and selects a session row (after create or open). */
  async reveal(sessionId: string): Promise<void> {
    if (!this.copilot.engine.session(sessionId)) return;
    try {
      await this.view.reveal(this.nodeFor(sessionId), { select: true, focus: false });
    } catch (e) {
      // Reveal fails when the view has never been shown; that's fine.
      this.copilot.log.warn(`Could not reveal session ${sessionId}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private setState(state: ViewState): void {
    if (this.viewState === state) return;
    this.viewState = state;
    void vscode.commands.executeCommand('setContext', STATE_CONTEXT, state);
  }

  getParent(node: Node): Node | undefined {
    if (node.kind === 'prompt') return this.nodeFor(node.sessionId);
    if (node.kind === 'message') return node.parent;
    if (node.kind === 'session') {
      const key = idKey(node.sessionId);
      const index = this.copilot.engine.list.sessions.findIndex((s) => idKey(s.id) === key);
      return index >= FLAT_SESSIONS ? this.groupNode(Math.floor((index - FLAT_SESSIONS) / GROUP_SIZE)) : undefined;
    }
    return undefined;
  }

  getChildren(node?: Node): Node[] {
    try {
      if (!node) return this.rootChildren();
      if (node.kind === 'session') return this.promptChildren(node);
      if (node.kind === 'group') return this.groupSessions(node.index).map((s) => this.nodeFor(s.id));
      return [];
    } catch (e) {
      return [this.errorRow('tree', e, node)];
    }
  }

  private rootChildren(): Node[] {
    if (!this.copilot.settings.endpoint.ok) {
      this.setState('misconfigured');
      return [];
    }
    const engine = this.copilot.engine;
    const state = engine.list;
    if (engine.signInNeeded && state.status !== 'loaded') {
      this.setState('error');
      return [this.signInAgainRow()];
    }
    if (state.status === 'idle') {
      void engine.reloadList();
      this.setState('loading');
      return [this.loadingRow(vscode.l10n.t('Loading sessions…'))];
    }
    if (state.status === 'loading') {
      this.setState('loading');
      return [this.loadingRow(vscode.l10n.t('Loading sessions…'))];
    }
    if (state.status === 'error') {
      const view = describeError(state.error);
      if (view.signIn && (state.error as Error | undefined)?.name === 'SignedOutError') {
        this.setState('signedOut');
        return [];
      }
      this.setState('error');
      return [this.errorRow('root', state.error)];
    }
    if (state.sessions.length === 0) {
      this.setState('empty');
      return [];
    }
    this.setState('ready');
    const rows: Node[] = [];
    if (engine.signInNeeded) rows.push(this.signInAgainRow());
    for (const s of state.sessions.slice(0, FLAT_SESSIONS)) rows.push(this.nodeFor(s.id));
    for (let g = 0; g < groupCount(state.sessions.length); g++) rows.push(this.groupNode(g));
    if (state.unreadable) rows.push(this.unreadableRow('root', state.unreadable, 'session'));
    if (state.moreError) rows.push(this.errorRow('more', state.moreError));
    else if (state.hasMore) rows.push(this.loadMoreNode);
    return rows;
  }

  /** The sessions folded into group `index` (newest first). */
  private groupSessions(index: number): readonly Session[] {
    const start = FLAT_SESSIONS + index * GROUP_SIZE;
    return this.copilot.engine.list.sessions.slice(start, start + GROUP_SIZE);
  }

  private signInAgainRow(): Node {
    // A Conditional Access challenge says what is asked (or that the last sign-in did not satisfy it).
    const claims = this.copilot.auth.claimsMessage;
    return {
      kind: 'message',
      key: 'signInAgain',
      label: claims
        ? claims.unsatisfied
          ? vscode.l10n.t('Conditional Access: your sign-in did not satisfy the policy')
          : vscode.l10n.t('Your organization asks for an additional sign-in step. Sign in again')
        : vscode.l10n.t('Graph no longer accepts your sign-in. Sign in again'),
      tooltip: claims ? vscode.l10n.t('{0} Background loading stopped.', claims.message) : vscode.l10n.t('Background loading stopped. Click to sign in again.'),
      icon: 'sign-in',
      error: true,
      command: { command: 'securityCopilot.signInAgain', title: vscode.l10n.t('Sign In Again') },
    };
  }

  private unreadableRow(key: string, count: number, what: 'session' | 'prompt', parent?: Node): Node {
    const label =
      what === 'session'
        ? count === 1
          ? vscode.l10n.t('1 session could not be read')
          : vscode.l10n.t('{0} sessions could not be read', count)
        : count === 1
          ? vscode.l10n.t('1 prompt could not be read')
          : vscode.l10n.t('{0} prompts could not be read', count);
    const tooltip = vscode.l10n.t('{0}: Graph sent data in a shape this extension does not understand. Details are in the log.', label);
    return { kind: 'message', key: `unreadable:${key}`, label, icon: 'warning', parent, tooltip };
  }

  private promptChildren(node: Node & { kind: 'session' }): Node[] {
    const engine = this.copilot.engine;
    const detail = engine.detail(node.sessionId);
    if (!detail || detail.status === 'idle') {
      // Never loaded, or a Refresh dropped it (prompts still running stay listed meanwhile).
      void engine.loadSession(node.sessionId, { session: false }).catch(() => undefined);
      if (!detail || detail.prompts.length === 0) return [this.loadingRow(vscode.l10n.t('Loading prompts…'), node)];
    }
    if (detail.status === 'loading' && detail.prompts.length === 0) return [this.loadingRow(vscode.l10n.t('Loading prompts…'), node)];
    if (detail.status === 'error') return [this.errorRow(`prompts:${idKey(node.sessionId)}`, detail.error, node)];
    const rows: Node[] = [];
    const prompts = detail.prompts;
    const shown = prompts.length > MAX_PROMPTS_IN_TREE ? prompts.slice(prompts.length - MAX_PROMPTS_IN_TREE) : prompts;
    if (shown.length < prompts.length) {
      rows.push({
        kind: 'message',
        key: `truncated:${idKey(node.sessionId)}`,
        label: `${prompts.length - shown.length} older prompts: open the session to see all`,
        icon: 'ellipsis',
        parent: node,
        command: { command: 'securityCopilot.openSession', title: vscode.l10n.t('Open Session'), arguments: [node.sessionId] },
      });
    }
    rows.push(...shown.map((p) => this.promptNode(node.sessionId, p.prompt.id)));
    if (detail.sending && detail.sending.phase !== 'failed') {
      rows.push({ kind: 'message', key: `sending:${idKey(node.sessionId)}`, label: vscode.l10n.t('Sending: {0}', firstLine(detail.sending.content)), icon: 'loading~spin', parent: node });
    }
    if (detail.unreadable) rows.push(this.unreadableRow(idKey(node.sessionId), detail.unreadable, 'prompt', node));
    if (rows.length === 0) {
      return [{ kind: 'message', key: `empty:${idKey(node.sessionId)}`, label: vscode.l10n.t('No prompts yet'), icon: 'info', parent: node }];
    }
    return rows;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'session':
        return this.sessionItem(node.sessionId);
      case 'prompt':
        return this.promptItem(node.sessionId, node.promptId);
      case 'group':
        return this.groupItem(node.index);
      case 'loadMore': {
        const loading = this.copilot.engine.list.loadingMore;
        const item = new vscode.TreeItem(loading ? vscode.l10n.t('Loading more sessions…') : vscode.l10n.t('Load more sessions'));
        item.id = 'loadMore';
        item.iconPath = new vscode.ThemeIcon(loading ? 'loading~spin' : 'ellipsis');
        item.contextValue = 'loadMore';
        if (!loading) item.command = { command: 'securityCopilot.loadMoreSessions', title: vscode.l10n.t('Load More Sessions') };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label);
        item.id = `message:${node.key}`;
        item.iconPath = new vscode.ThemeIcon(node.icon, node.error ? new vscode.ThemeColor('errorForeground') : undefined);
        item.tooltip = node.tooltip ?? node.label;
        item.contextValue = node.error ? 'error' : 'message';
        item.command = node.command;
        return item;
      }
    }
  }

  /**
   * A session's row, made again only when the session or its relative time changed: VS Code asks for every
   * row of the root when it changes, and rows made afresh each time were most of that work.
   */
  private sessionItem(sessionId: string): vscode.TreeItem {
    const key = idKey(sessionId);
    const s: Session | undefined = this.copilot.engine.session(sessionId);
    const description = relativeTime(s?.lastModifiedDateTime ?? s?.createdDateTime, Date.now(), vscode.env.language);
    const cached = this.sessionItems.get(key);
    if (cached && cached.session === s && cached.item.description === description) return cached.item;
    const label = sessionLabel(s?.displayName);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `session:${key}`;
    item.contextValue = 'session';
    item.iconPath = new vscode.ThemeIcon('comment-discussion');
    item.description = description;
    // Plain-text tooltip: session names are untrusted and must not be interpreted as Markdown.
    item.tooltip = [
      label,
      vscode.l10n.t('ID: {0}', sessionId),
      vscode.l10n.t('Created: {0}', formatUtc(s?.createdDateTime)),
      vscode.l10n.t('Modified: {0}', formatUtc(s?.lastModifiedDateTime)),
    ].join('\n');
    item.accessibilityInformation = { label: vscode.l10n.t('Session {0}, {1}', label, item.description) };
    item.command = { command: 'securityCopilot.openSession', title: vscode.l10n.t('Open Session'), arguments: [sessionId] };
    this.sessionItems.set(key, { session: s, item });
    return item;
  }

  private groupItem(index: number): vscode.TreeItem {
    const sessions = this.groupSessions(index);
    const from = FLAT_SESSIONS + index * GROUP_SIZE + 1;
    const to = from + Math.max(0, sessions.length - 1);
    const item = new vscode.TreeItem(vscode.l10n.t('Sessions {0}–{1}', count.format(from), count.format(to)), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `group:${index}`;
    item.contextValue = 'sessionGroup';
    item.iconPath = new vscode.ThemeIcon('history');
    const newest = formatDay(sessions[0]?.createdDateTime);
    const oldest = formatDay(sessions.at(-1)?.createdDateTime);
    item.description = newest === oldest ? newest : `${newest} – ${oldest}`;
    item.tooltip = vscode.l10n.t('Older sessions {0} to {1} of those loaded, newest first (created {2}).', count.format(from), count.format(to), item.description);
    return item;
  }

  private promptItem(sessionId: string, promptId: string): vscode.TreeItem {
    const entry = this.copilot.engine.prompt(sessionId, promptId);
    const prompt = entry?.prompt;
    const item = new vscode.TreeItem(firstLine(prompt?.content) || vscode.l10n.t('(empty prompt)'));
    item.id = `prompt:${idKey(sessionId)}:${idKey(promptId)}`;
    item.contextValue = 'prompt';
    const state = entry ? promptState(entry) : undefined;
    item.iconPath = state?.icon ?? new vscode.ThemeIcon('comment');
    item.description = state?.label ?? relativeTime(prompt?.createdDateTime, Date.now(), vscode.env.language);
    item.tooltip = `${prompt?.content ?? ''}\n\n${state?.label ? `${state.label}\n` : ''}${vscode.l10n.t('Prompt ID: {0}', promptId)}\n${vscode.l10n.t('Created: {0}', formatUtc(prompt?.createdDateTime))}`;
    item.command = { command: 'securityCopilot.openSession', title: vscode.l10n.t('Open Session'), arguments: [sessionId] };
    return item;
  }

  private loadingRow(label: string, parent?: Node): Node {
    return { kind: 'message', key: `loading:${parent ? JSON.stringify(parent) : 'root'}`, label, icon: 'loading~spin', parent };
  }

  private errorRow(key: string, error: unknown, parent?: Node): Node {
    const view = describeError(error);
    const command: vscode.Command = view.signIn
      ? { command: 'securityCopilot.signIn', title: vscode.l10n.t('Sign In') }
      : { command: 'securityCopilot.retryTreeLoad', title: vscode.l10n.t('Retry'), arguments: [parent] };
    const action = view.signIn ? vscode.l10n.t('click to sign in') : vscode.l10n.t('click to retry');
    return {
      kind: 'message',
      key: `error:${key}`,
      label: `${view.message} (${action})`,
      tooltip: view.message,
      icon: 'error',
      error: true,
      parent,
      command,
    };
  }

  /** Retry action of an error row: the root list, "load more", or one session's prompts. */
  retry(parent?: Node): Promise<void> {
    if (parent?.kind === 'session') {
      this.refreshPrompts(parent.sessionId);
      return Promise.resolve();
    }
    const list = this.copilot.engine.list;
    if (list.moreError && list.status === 'loaded') return this.copilot.engine.loadMore();
    return this.refresh();
  }
}

/** How many groups `sessions` loaded sessions need past the flat ones. */
function groupCount(sessions: number): number {
  return Math.max(0, Math.ceil((sessions - FLAT_SESSIONS) / GROUP_SIZE));
}

/** "2025-03-12" (UTC), or '' for a missing date. */
function formatDay(iso: string | null | undefined): string {
  return formatUtc(iso).slice(0, 10).replace('—', '');
}

/** The state icon of a prompt row: running, stopped, failed, or how its latest answer ended. */
function promptState(entry: PromptEntry): { icon: vscode.ThemeIcon; label: string } | undefined {
  const run = entry.run;
  if (run.kind === 'starting') return { icon: new vscode.ThemeIcon('loading~spin'), label: vscode.l10n.t('Starting…') };
  if (run.kind === 'checking') return { icon: new vscode.ThemeIcon('loading~spin'), label: vscode.l10n.t('Checking…') };
  if (run.kind === 'following') return { icon: new vscode.ThemeIcon('loading~spin'), label: vscode.l10n.t('Running…') };
  if (run.kind === 'failed') return { icon: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')), label: vscode.l10n.t('Needs attention') };
  if (run.kind === 'stopped') return { icon: new vscode.ThemeIcon('debug-pause'), label: vscode.l10n.t('Not followed') };
  const latest = entry.evaluations?.at(-1);
  const outcome = latest ? finalOutcome(latest) : undefined;
  if (outcome && outcome.kind !== 'success') return { icon: new vscode.ThemeIcon('warning'), label: vscode.l10n.t('No answer') };
  return undefined;
}
