import * as vscode from 'vscode';
import { firstLine, formatUtc, relativeTime } from '../core/time';
import { describeError } from '../errors';
import type { Prompt, Session } from '../graph';
import { Disposable } from '../lifecycle';
import type { Copilot } from '../service';
import { sessionLabel } from '../shared/protocol';

export const VIEW_ID = 'securityCopilot.sessions';
export const STATE_CONTEXT = 'securityCopilot.state';
export type ViewState = 'signedOut' | 'misconfigured' | 'empty' | 'loading' | 'ready' | 'error';

/** Most prompts listed under one session in the tree; the panel shows them all. */
const MAX_PROMPTS_IN_TREE = 200;

export type Node =
  | { kind: 'session'; sessionId: string }
  | { kind: 'prompt'; sessionId: string; prompt: Prompt }
  | { kind: 'loadMore' }
  | { kind: 'message'; key: string; label: string; icon: string; tooltip?: string; parent?: Node; error?: boolean; command?: vscode.Command };

type PromptsState = { status: 'loading' } | { status: 'loaded'; prompts: Prompt[]; truncated: boolean } | { status: 'error'; error: unknown };

/**
 * Sessions of the configured workspace, newest first, with a "Load more" row driven by `@odata.nextLink`.
 * `getChildren` never throws and never shows a popup: failures become rows with a retry action.
 */
export class SessionsTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sessionNodes = new Map<string, Node & { kind: 'session' }>();
  private readonly prompts = new Map<string, PromptsState>();
  private readonly loadMoreNode: Node = { kind: 'loadMore' };
  readonly view: vscode.TreeView<Node>;
  private viewState: ViewState | undefined;

  constructor(private readonly copilot: Copilot) {
    super();
    this.view = this.register(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
    this.register(copilot.store.onDidChangeList(() => this.changed.fire(undefined)));
    this.register(
      copilot.store.onDidChangeSession((s) => {
        const node = this.sessionNodes.get(s.id);
        if (node) this.changed.fire(node);
      }),
    );
  }

  /** Reloads everything from Graph (the Refresh command). */
  refresh(): Promise<void> {
    this.prompts.clear();
    return this.copilot.store.reload();
  }

  /** Re-reads one session's prompts the next time it is shown. */
  refreshPrompts(sessionId: string): void {
    this.prompts.delete(sessionId);
    const node = this.sessionNodes.get(sessionId);
    if (node) this.changed.fire(node);
  }

  nodeFor(sessionId: string): Node & { kind: 'session' } {
    let node = this.sessionNodes.get(sessionId);
    if (!node) {
      node = { kind: 'session', sessionId };
      this.sessionNodes.set(sessionId, node);
    }
    return node;
  }

  /** Shows and selects a session row (after create or open). */
  async reveal(sessionId: string): Promise<void> {
    if (!this.copilot.store.get(sessionId)) return;
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
    return undefined;
  }

  getChildren(node?: Node): Node[] {
    try {
      if (!node) return this.rootChildren();
      if (node.kind === 'session') return this.promptChildren(node);
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
    const state = this.copilot.store.state;
    if (state.status === 'idle') {
      void this.copilot.store.reload();
      this.setState('loading');
      return [this.loadingRow('Loading sessions…')];
    }
    if (state.status === 'loading') {
      this.setState('loading');
      return [this.loadingRow('Loading sessions…')];
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
    const rows: Node[] = state.sessions.map((s) => this.nodeFor(s.id));
    if (state.moreError) rows.push(this.errorRow('more', state.moreError));
    else if (state.hasMore) rows.push(this.loadMoreNode);
    return rows;
  }

  private promptChildren(node: Node & { kind: 'session' }): Node[] {
    const state = this.prompts.get(node.sessionId);
    if (!state) {
      this.prompts.set(node.sessionId, { status: 'loading' });
      void this.loadPrompts(node);
      return [this.loadingRow('Loading prompts…', node)];
    }
    if (state.status === 'loading') return [this.loadingRow('Loading prompts…', node)];
    if (state.status === 'error') return [this.errorRow(`prompts:${node.sessionId}`, state.error, node)];
    if (state.prompts.length === 0) {
      return [{ kind: 'message', key: `empty:${node.sessionId}`, label: 'No prompts yet', icon: 'info', parent: node }];
    }
    const rows: Node[] = state.prompts.map((prompt) => ({ kind: 'prompt', sessionId: node.sessionId, prompt }));
    if (state.truncated) {
      rows.push({
        kind: 'message',
        key: `truncated:${node.sessionId}`,
        label: `Open the session to see all prompts`,
        icon: 'ellipsis',
        parent: node,
        command: { command: 'securityCopilot.openSession', title: 'Open Session', arguments: [node.sessionId] },
      });
    }
    return rows;
  }

  private async loadPrompts(node: Node & { kind: 'session' }): Promise<void> {
    try {
      const prompts: Prompt[] = [];
      let truncated = false;
      for await (const p of this.copilot.client.listPrompts(this.copilot.workspaceId, node.sessionId)) {
        if (prompts.length >= MAX_PROMPTS_IN_TREE) {
          truncated = true;
          break;
        }
        prompts.push(p);
      }
      prompts.sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime));
      this.prompts.set(node.sessionId, { status: 'loaded', prompts, truncated });
    } catch (e) {
      this.prompts.set(node.sessionId, { status: 'error', error: e });
    }
    this.changed.fire(node);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'session':
        return this.sessionItem(node.sessionId);
      case 'prompt':
        return this.promptItem(node.sessionId, node.prompt);
      case 'loadMore': {
        const loading = this.copilot.store.state.loadingMore;
        const item = new vscode.TreeItem(loading ? 'Loading more sessions…' : 'Load more sessions');
        item.id = 'loadMore';
        item.iconPath = new vscode.ThemeIcon(loading ? 'loading~spin' : 'ellipsis');
        item.contextValue = 'loadMore';
        if (!loading) item.command = { command: 'securityCopilot.loadMoreSessions', title: 'Load More Sessions' };
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

  private sessionItem(sessionId: string): vscode.TreeItem {
    const s: Session | undefined = this.copilot.store.get(sessionId);
    const label = sessionLabel(s?.displayName);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `session:${sessionId}`;
    item.contextValue = 'session';
    item.iconPath = new vscode.ThemeIcon('comment-discussion');
    item.description = relativeTime(s?.lastModifiedDateTime ?? s?.createdDateTime);
    // Plain-text tooltip: session names are untrusted and must not be interpreted as Markdown.
    item.tooltip = [
      label,
      `ID: ${sessionId}`,
      `Created: ${formatUtc(s?.createdDateTime)}`,
      `Modified: ${formatUtc(s?.lastModifiedDateTime)}`,
    ].join('\n');
    item.accessibilityInformation = { label: `Session ${label}, ${item.description}` };
    item.command = { command: 'securityCopilot.openSession', title: 'Open Session', arguments: [sessionId] };
    return item;
  }

  private promptItem(sessionId: string, prompt: Prompt): vscode.TreeItem {
    const item = new vscode.TreeItem(firstLine(prompt.content) || '(empty prompt)');
    item.id = `prompt:${sessionId}:${prompt.id}`;
    item.contextValue = 'prompt';
    item.iconPath = new vscode.ThemeIcon('comment');
    item.description = relativeTime(prompt.createdDateTime);
    item.tooltip = `${prompt.content ?? ''}\n\nPrompt ID: ${prompt.id}\nCreated: ${formatUtc(prompt.createdDateTime)}`;
    item.command = { command: 'securityCopilot.openSession', title: 'Open Session', arguments: [sessionId] };
    return item;
  }

  private loadingRow(label: string, parent?: Node): Node {
    return { kind: 'message', key: `loading:${parent ? JSON.stringify(parent) : 'root'}`, label, icon: 'loading~spin', parent };
  }

  private errorRow(key: string, error: unknown, parent?: Node): Node {
    const view = describeError(error);
    const command: vscode.Command = view.signIn
      ? { command: 'securityCopilot.signIn', title: 'Sign In' }
      : { command: 'securityCopilot.retryTreeLoad', title: 'Retry', arguments: [parent] };
    const action = view.signIn ? 'click to sign in' : 'click to retry';
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
    if (this.copilot.store.state.moreError && this.copilot.store.state.status === 'loaded') return this.copilot.store.loadMore();
    return this.refresh();
  }
}
