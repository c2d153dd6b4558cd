// The session panels in the extension bundle: one panel per session id, the serializer that restores them after
// a window reload (registered at activation), and the loading of dist/panel.js (SessionPanel, src/panels/panel.ts)
// when the first panel opens or is restored.
import * as vscode from 'vscode';
import { idKey } from '../engine/time';
import { validateId } from '../graph/validate';
import { Disposable } from '../lifecycle';
import type { PanelState } from '../shared/protocol';
import { loadPanel } from './load';
import { webviewOptions, type PanelHost } from './options';
import type { SessionPanel } from './panel';

export type { PanelHost } from './options';
export type { SessionPanel } from './panel';

export const PANEL_VIEW_TYPE = 'securityCopilot.session';

/** Keeps one panel per session id and restores panels after a window reload. */
export class SessionPanels extends Disposable implements vscode.WebviewPanelSerializer<PanelState> {
  private readonly panels = new Map<string, SessionPanel>();

  constructor(private readonly host: PanelHost) {
    super();
    this.register(vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, this));
  }

  get(sessionId: string): SessionPanel | undefined {
    return this.panels.get(idKey(sessionId));
  }

  get openSessionIds(): string[] {
    return [...this.panels.values()].map((p) => p.sessionId);
  }

  /** Whether a panel of the session is visible (the tree does not count). */
  isVisible(sessionId: string): boolean {
    return this.get(sessionId)?.visible ?? false;
  }

  /** Opens the session's panel, or reveals it if it is already open. */
  show(sessionId: string): SessionPanel {
    const existing = this.panels.get(idKey(sessionId));
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      vscode.l10n.t('Security Copilot session'),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewOptions(this.host.extensionUri),
    );
    return this.adopt(sessionId, panel);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    const id = typeof state?.sessionId === 'string' ? state.sessionId : '';
    if (!validateId(id).ok || this.panels.has(idKey(id))) {
      panel.dispose();
      return;
    }
    this.adopt(id, panel);
  }

  private adopt(sessionId: string, panel: vscode.WebviewPanel): SessionPanel {
    const sessionPanel = new (loadPanel().SessionPanel)(sessionId, panel, this.host);
    this.panels.set(idKey(sessionId), sessionPanel);
    sessionPanel.onDidDispose(() => {
      if (this.panels.get(idKey(sessionId)) === sessionPanel) this.panels.delete(idKey(sessionId));
    });
    return sessionPanel;
  }

  /** Reloads every open panel (Refresh). */
  reloadAll(): void {
    for (const p of this.panels.values()) void p.load(true);
  }

  override dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
    super.dispose();
  }
}
