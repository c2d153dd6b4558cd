import * as vscode from 'vscode';
import { isSignedOutError } from '../auth/auth';
import { matchesPluginFilter, pluginOrigin } from '../core/pluginOrigin';
import { describeError } from '../errors';
import type { Plugin } from '../graph';
import { Disposable } from '../lifecycle';
import type { Copilot } from '../service';

export type PluginNode =
  | { kind: 'plugin'; plugin: Plugin }
  | { kind: 'detail'; id: string; label: string; description?: string }
  | { kind: 'message'; id: string; label: string; command?: vscode.Command; icon: string };

const MAX_PAGES = 20;

function md(text: string): string {
  // Plugin texts come from the service and are untrusted: escape every Markdown character.
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** The workspace's plugins (view `securityCopilot.plugins`): origin, enabled, preview; settings read-only. */
export class PluginsView extends Disposable implements vscode.TreeDataProvider<PluginNode> {
  private readonly changed = this.register(new vscode.EventEmitter<PluginNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<PluginNode>;
  private loading: Promise<Plugin[]> | undefined;
  private plugins: Plugin[] | undefined;
  private filterText = '';
  private generation = 0;

  constructor(private readonly copilot: Copilot) {
    super();
    this.view = this.register(vscode.window.createTreeView('securityCopilot.plugins', { treeDataProvider: this, showCollapseAll: true }));
    this.register(copilot.onDidChangeSettings(() => this.reload()));
    this.register(copilot.auth.onDidChange(() => this.reload()));
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    this.view.message = this.filterText ? vscode.l10n.t('Filter: "{0}"', this.filterText) : undefined;
    this.changed.fire(undefined);
  }

  /** Forgets the list and loads it again (workspace or account changed, Refresh). */
  reload(): void {
    this.generation++;
    this.plugins = undefined;
    this.loading = undefined;
    this.changed.fire(undefined);
  }

  /** The plugins as last loaded (loads them if needed); for commands and tests. */
  async list(): Promise<Plugin[]> {
    if (this.plugins) return this.plugins;
    const generation = this.generation;
    this.loading ??= (async () => {
      const all: Plugin[] = [];
      let nextLink: string | undefined;
      const workspace = this.copilot.workspaceId;
      for (let i = 0; i < MAX_PAGES; i++) {
        const page = await this.copilot.client.listPlugins(workspace, nextLink ? { nextLink } : {});
        all.push(...page.items);
        nextLink = page.nextLink;
        if (!nextLink) break;
      }
      return all.sort((a, b) => (a.displayName ?? a.name).localeCompare(b.displayName ?? b.name));
    })();
    const loaded = await this.loading.finally(() => {
      if (this.generation === generation) this.loading = undefined;
    });
    if (this.generation === generation) this.plugins = loaded;
    return loaded;
  }

  getTreeItem(node: PluginNode): vscode.TreeItem {
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.label);
      item.id = node.id;
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.command = node.command;
      item.contextValue = 'message';
      return item;
    }
    if (node.kind === 'detail') {
      const item = new vscode.TreeItem(node.label);
      item.id = node.id;
      item.description = node.description;
      item.contextValue = 'pluginDetail';
      return item;
    }
    const p = node.plugin;
    const origin = pluginOrigin(p);
    const enabled = p.isEnabled !== false;
    const preview = p.previewState && p.previewState !== 'ga' ? vscode.l10n.t('preview ({0})', p.previewState) : undefined;
    const item = new vscode.TreeItem(p.displayName || p.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `plugin:${p.name}`;
    item.description = [origin.label, enabled ? vscode.l10n.t('enabled') : vscode.l10n.t('disabled'), preview].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(origin.kind === 'mcp' ? 'server' : enabled ? 'extensions' : 'circle-slash');
    item.contextValue = `plugin.${origin.kind}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    tooltip.appendMarkdown(`**${md(p.displayName || p.name)}** (\`${md(p.name)}\`)\n\n`);
    if (p.description) tooltip.appendMarkdown(`${md(p.description)}\n\n`);
    tooltip.appendMarkdown(`${md(vscode.l10n.t('From: {0}', origin.label))}${origin.external ? ` — ${md(vscode.l10n.t('not from Microsoft'))}` : ''}\n\n`);
    tooltip.appendMarkdown(md(vscode.l10n.t('Category: {0} · catalog: {1} · {2}{3}', p.category ?? '?', p.catalogScope ?? '?', enabled ? 'enabled' : 'disabled', preview ? ` · ${preview}` : '')));
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `${p.displayName || p.name}, ${item.description}` };
    return item;
  }

  async getChildren(node?: PluginNode): Promise<PluginNode[]> {
    if (node?.kind === 'plugin') return this.details(node.plugin);
    if (node) return [];
    let plugins: Plugin[];
    try {
      plugins = await this.list();
    } catch (e) {
      if (isSignedOutError(e)) {
        return [{ kind: 'message', id: 'signin', label: vscode.l10n.t('Sign in to see the plugins'), icon: 'sign-in', command: { command: 'securityCopilot.signIn', title: 'Sign In' } }];
      }
      return [{ kind: 'message', id: 'error', label: describeError(e).message, icon: 'error', command: { command: 'securityCopilot.refreshPlugins', title: vscode.l10n.t('Retry') } }];
    }
    const shown = plugins.filter((p) => matchesPluginFilter(p, this.filterText));
    if (plugins.length === 0) return [{ kind: 'message', id: 'empty', label: vscode.l10n.t('No plugins in this workspace'), icon: 'info' }];
    if (shown.length === 0) return [{ kind: 'message', id: 'nomatch', label: vscode.l10n.t('No plugin matches "{0}"', this.filterText), icon: 'filter', command: { command: 'securityCopilot.filterPlugins', title: 'Filter' } }];
    return shown.map((plugin) => ({ kind: 'plugin', plugin }));
  }

  private details(p: Plugin): PluginNode[] {
    const id = (s: string): string => `plugin:${p.name}:${s}`;
    const out: PluginNode[] = [
      { kind: 'detail', id: id('origin'), label: vscode.l10n.t('From'), description: `${pluginOrigin(p).label} (${p.category ?? '?'}, ${p.catalogScope ?? '?'})` },
      { kind: 'detail', id: id('auth'), label: vscode.l10n.t('Authentication'), description: p.authType ?? 'none' },
    ];
    for (const [i, s] of p.settings.entries()) {
      // Secret values are never shown (the service should not send them; if it does, they stay hidden).
      const value = s.settingValue === 'secretString' ? '••••••' : (s.value ?? '');
      out.push({ kind: 'detail', id: id(`setting:${i}`), label: s.label || s.name || vscode.l10n.t('Setting'), description: `${value}${s.isRequired ? ` (${vscode.l10n.t('required')})` : ''}` });
    }
    return out;
  }
}
