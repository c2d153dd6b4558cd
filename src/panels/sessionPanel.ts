import * as vscode from 'vscode';
import { describeError } from '../errors';
import { isTerminalState, mayHaveBeenProcessed, validateId, validatePromptContent, type Evaluation, type Prompt } from '../graph';
import { Disposable } from '../lifecycle';
import type { Copilot } from '../service';
import {
  isWebviewMessage,
  sessionLabel,
  type HostMessage,
  type PanelState,
  type PromptView,
  type SessionView,
  type WebviewMessage,
} from '../shared/protocol';
import { renderPanelHtml } from './html';
import { toEvaluationView, toEvaluationViews, toPromptView, toSessionView } from './views';

export const PANEL_VIEW_TYPE = 'securityCopilot.session';

/** How many prompts' evaluations are fetched at once when a session opens. */
const EVALUATION_FETCH_CONCURRENCY = 4;

/** Everything a panel needs from the rest of the extension. */
export interface PanelHost {
  readonly copilot: Copilot;
  readonly extensionUri: vscode.Uri;
}

/**
 * One webview panel showing one session: its details and prompts with their answers, a prompt box, and
 * live following of evaluations that are still running. Data lives in the host; the webview only renders.
 */
export class SessionPanel extends Disposable {
  private session: SessionView | undefined;
  private prompts: PromptView[] = [];
  private readonly followers = new Map<string, AbortController>();
  private readonly loadAbort = new AbortController();
  private ready = false;
  private pendingDraft: { text: string; note?: string } | undefined;
  /** A send-state change the webview missed while it was hidden (e.g. "clear the draft: it was sent"). */
  private missedSendState: (HostMessage & { type: 'sendState' }) | undefined;
  private sending = false;
  /** The last send or load failure shown in the panel (kept for the snapshot). */
  private lastSendError: string | undefined;
  private lastLoadError: string | undefined;
  private loading: Promise<void> | undefined;
  private readonly disposeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly sessionId: string,
    readonly panel: vscode.WebviewPanel,
    private readonly host: PanelHost,
  ) {
    super();
    const copilot = host.copilot;
    panel.webview.options = webviewOptions(host.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'activity.svg');
    const cached = copilot.store.get(sessionId);
    panel.title = cached ? sessionLabel(cached.displayName) : 'Security Copilot session';
    panel.webview.html = renderPanelHtml(panel.webview, host.extensionUri, sessionId);
    this.register(panel.onDidDispose(() => this.dispose()));
    // Without retainContextWhenHidden a hidden webview is torn down; when shown again it reloads and sends
    // `ready`, and only then can it receive messages (a draft set meanwhile waits for it).
    this.register(panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    }));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    this.register(
      copilot.store.onDidChangeSession((s) => {
        if (s.id !== sessionId) return;
        panel.title = sessionLabel(s.displayName);
        this.session = toSessionView(s, copilot.workspaceId);
        this.post({ type: 'sessionUpdated', session: this.session });
      }),
    );
    this.register(copilot.auth.onDidChange((session) => {
      if (session && !this.session) void this.load();
    }));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.loadAbort.abort();
    for (const c of this.followers.values()) c.abort();
    this.followers.clear();
    this.disposeEmitter.fire();
    super.dispose();
    this.panel.dispose();
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Puts text in the prompt box for the user to review and send (never sends by itself). */
  setDraft(text: string, note?: string): void {
    this.pendingDraft = { text, note };
    if (this.ready) this.flushDraft();
  }

  private flushDraft(): void {
    if (!this.pendingDraft) return;
    this.post({ type: 'setDraft', ...this.pendingDraft });
    this.pendingDraft = undefined;
  }

  private post(message: HostMessage): void {
    if (message.type === 'sendState') this.lastSendError = message.error;
    if (message.type === 'loadFailed') this.lastLoadError = message.message;
    if (message.type === 'sessionLoaded') this.lastLoadError = undefined;
    if (this.isDisposed) return;
    if (!this.ready && message.type === 'sendState') {
      // Keep a pending "clear the draft" even if a later state change comes in while hidden.
      this.missedSendState = { ...message, clearDraft: message.clearDraft || this.missedSendState?.clearDraft };
    }
    void this.panel.webview.postMessage(message);
  }

  private get client() {
    return this.host.copilot.client;
  }

  private get workspaceId() {
    return this.host.copilot.workspaceId;
  }

  /** What the panel currently shows (a copy). */
  snapshot(): { session: SessionView | undefined; prompts: PromptView[]; sending: boolean; sendError?: string; loadError?: string } {
    return structuredClone({
      session: this.session,
      prompts: this.prompts,
      sending: this.sending,
      sendError: this.lastSendError,
      loadError: this.lastLoadError,
    });
  }

  /** Handles one message from the webview. Anything that fails the protocol guard is ignored. */
  async receive(raw: unknown): Promise<void> {
    if (!isWebviewMessage(raw)) {
      this.host.copilot.log.warn('Ignored a malformed message from the session panel.');
      return;
    }
    const m: WebviewMessage = raw;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.session) this.post({ type: 'sessionLoaded', session: this.session, prompts: this.prompts });
        else void this.load();
        if (this.missedSendState) this.post({ ...this.missedSendState, sending: this.sending });
        this.missedSendState = undefined;
        this.flushDraft();
        return;
      case 'refresh':
        return this.load();
      case 'signIn':
        return this.signIn();
      case 'rename':
        await vscode.commands.executeCommand('securityCopilot.renameSession', this.sessionId);
        return;
      case 'export':
        await vscode.commands.executeCommand('securityCopilot.exportSession', this.sessionId);
        return;
      case 'sendPrompt':
        return this.send(m.content);
      case 'rerun':
        return this.rerun(m.promptId);
      case 'retryFollow':
        return this.resume(m.promptId);
      case 'stop':
        return this.stop(m.promptId);
      case 'openLink':
        return openLink(m.href);
      case 'copyText':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage(m.what === 'answer' ? 'Answer copied as Markdown' : 'Code copied', 3000);
        return;
      case 'openInEditor':
        return openInEditor(m.code, m.language);
    }
  }

  private async signIn(): Promise<void> {
    try {
      if (this.host.copilot.auth.account) await this.host.copilot.auth.reauthenticate();
      else await this.host.copilot.auth.signIn();
      await this.load();
    } catch (e) {
      const view = describeError(e);
      if (!view.cancelled) void vscode.window.showErrorMessage(`Sign-in failed: ${view.message}`);
    }
  }

  /** (Re)loads the session, its prompts, then each prompt's evaluations; follows those still running. */
  load(): Promise<void> {
    this.loading ??= this.doLoad().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async doLoad(): Promise<void> {
    const signal = this.loadAbort.signal;
    this.post({ type: 'loading' });
    try {
      const id = validateId(this.sessionId, 'Session ID');
      if (!id.ok) throw new Error(id.message);
      const session = await this.client.getSession(this.workspaceId, this.sessionId, { signal });
      this.host.copilot.store.upsert(session);
      this.session = toSessionView(session, this.workspaceId);
      this.panel.title = sessionLabel(session.displayName);
      const prompts: Prompt[] = [];
      for await (const p of this.client.listPrompts(this.workspaceId, this.sessionId, { signal })) prompts.push(p);
      prompts.sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime));
      const following = new Set(this.followers.keys());
      this.prompts = prompts.map((p) => ({ ...toPromptView(p, null), follow: following.has(p.id) ? 'following' : 'idle' }));
      this.post({ type: 'sessionLoaded', session: this.session, prompts: this.prompts });
      await this.loadEvaluations(prompts.map((p) => p.id), signal);
    } catch (e) {
      if (signal.aborted) return;
      const view = describeError(e);
      this.host.copilot.log.error(`Loading session ${this.sessionId} failed`, e);
      this.post({ type: 'loadFailed', message: view.message, signIn: view.signIn });
    }
  }

  private async loadEvaluations(promptIds: string[], signal: AbortSignal): Promise<void> {
    const queue = [...promptIds];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && !signal.aborted; id = queue.shift()) {
        const promptId = id;
        try {
          const evaluations = await this.client.listEvaluations(this.workspaceId, this.sessionId, promptId, { signal });
          this.updatePrompt(promptId, (p) => ({ ...p, evaluations: toEvaluationViews(evaluations), error: undefined }));
          const latest = latestOf(evaluations);
          if (latest && !isTerminalState(latest.state) && !this.followers.has(promptId)) this.follow(promptId, latest.id);
        } catch (e) {
          if (signal.aborted) return;
          this.updatePrompt(promptId, (p) => ({ ...p, evaluations: p.evaluations ?? [], error: describeError(e).message }));
        }
      }
    };
    await Promise.all(Array.from({ length: EVALUATION_FETCH_CONCURRENCY }, worker));
  }

  private updatePrompt(promptId: string, change: (p: PromptView) => PromptView): void {
    const index = this.prompts.findIndex((p) => p.id === promptId);
    if (index < 0) return;
    const next = change(this.prompts[index]);
    this.prompts[index] = next;
    this.post({ type: 'promptUpdated', prompt: next });
  }

  private upsertEvaluation(promptId: string, evaluation: Evaluation): void {
    this.updatePrompt(promptId, (p) => {
      const list = [...(p.evaluations ?? [])];
      const view = toEvaluationView(evaluation);
      const at = list.findIndex((e) => e.id === evaluation.id);
      if (at >= 0) list[at] = view;
      else list.push(view);
      return { ...p, evaluations: list };
    });
  }

  /**
   * Follows one evaluation until it finishes. Polling backs off and honours Retry-After (in the client); it
   * stops when the user presses Stop or the panel closes. The API has no cancel, so Stop only stops watching.
   */
  private follow(promptId: string, evaluationId: string): void {
    this.followers.get(promptId)?.abort();
    const controller = new AbortController();
    this.followers.set(promptId, controller);
    this.updatePrompt(promptId, (p) => ({ ...p, follow: 'following', error: undefined }));
    const ref = { workspaceId: this.workspaceId, sessionId: this.sessionId, promptId, evaluationId };
    void this.client
      .waitForEvaluation(ref, { signal: controller.signal, onUpdate: (e) => this.upsertEvaluation(promptId, e) })
      .then((outcome) => {
        this.upsertEvaluation(promptId, outcome.evaluation);
        this.updatePrompt(promptId, (p) => ({ ...p, follow: 'idle' }));
        if (outcome.kind !== 'success') this.host.copilot.log.warn(`Evaluation ${evaluationId}: ${outcome.kind} — ${outcome.message}`);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) {
          this.updatePrompt(promptId, (p) => ({ ...p, follow: p.follow === 'following' ? 'stopped' : p.follow }));
          return;
        }
        this.updatePrompt(promptId, (p) => ({ ...p, follow: 'failed', error: describeError(e).message }));
      })
      .finally(() => {
        if (this.followers.get(promptId) === controller) this.followers.delete(promptId);
      });
  }

  private stop(promptId: string): void {
    const controller = this.followers.get(promptId);
    if (!controller) return;
    this.updatePrompt(promptId, (p) => ({ ...p, follow: 'stopped' }));
    this.followers.delete(promptId);
    controller.abort();
  }

  private resume(promptId: string): void {
    const prompt = this.prompts.find((p) => p.id === promptId);
    const latest = prompt?.evaluations?.at(-1);
    if (latest) this.follow(promptId, latest.id);
    else void this.rerun(promptId);
  }

  /** Sends a new prompt: create the prompt, then its evaluation, then follow it. Never creates a prompt twice. */
  private async send(text: string): Promise<void> {
    if (this.sending) return;
    const checked = validatePromptContent(text);
    if (!checked.ok) {
      this.post({ type: 'sendState', sending: false, error: checked.message });
      return;
    }
    this.sending = true;
    this.post({ type: 'sendState', sending: true });
    let prompt: Prompt;
    try {
      prompt = await this.client.createPrompt(this.workspaceId, this.sessionId, checked.value);
    } catch (e) {
      this.sending = false;
      const view = describeError(e);
      const hint = mayHaveBeenProcessed(e) ? ' The prompt may have been created: refresh before sending it again.' : '';
      this.post({ type: 'sendState', sending: false, error: `${view.message}${hint}` });
      return;
    }
    // The prompt exists now: clear the draft so a second press can't create it again.
    this.prompts.push({ ...toPromptView(prompt, []) });
    this.post({ type: 'promptUpdated', prompt: this.prompts[this.prompts.length - 1] });
    this.sending = false;
    this.post({ type: 'sendState', sending: false, clearDraft: true });
    await this.startEvaluation(prompt.id);
  }

  private async rerun(promptId: string): Promise<void> {
    if (this.followers.has(promptId)) return;
    await this.startEvaluation(promptId);
  }

  private async startEvaluation(promptId: string): Promise<void> {
    this.updatePrompt(promptId, (p) => ({ ...p, follow: 'following', error: undefined }));
    try {
      const evaluation = await this.client.createEvaluation(this.workspaceId, this.sessionId, promptId);
      this.upsertEvaluation(promptId, evaluation);
      this.follow(promptId, evaluation.id);
    } catch (e) {
      const view = describeError(e);
      const hint = mayHaveBeenProcessed(e) ? ' It may have started anyway: refresh to check before running it again.' : '';
      this.updatePrompt(promptId, (p) => ({ ...p, follow: 'failed', error: `Could not start the evaluation: ${view.message}${hint}` }));
    }
  }
}

function latestOf(evaluations: Evaluation[]): Evaluation | undefined {
  return [...evaluations].sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime)).at(-1);
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** Links from answers are untrusted: only https, and VS Code still asks before opening an unknown site. */
export async function openLink(href: string): Promise<void> {
  let url: URL | undefined;
  try {
    url = new URL(href);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:') {
    void vscode.window.showWarningMessage(`Blocked a link that is not https: ${href.slice(0, 200)}`);
    return;
  }
  await vscode.env.openExternal(vscode.Uri.parse(url.toString(), true));
}

async function openInEditor(code: string, language: string): Promise<void> {
  const wanted = language.toLowerCase() === 'kusto' ? 'kql' : language.toLowerCase();
  const languages = await vscode.languages.getLanguages();
  const candidates = wanted === 'kql' ? ['kql', 'kusto'] : [wanted];
  const languageId = candidates.find((l) => languages.includes(l)) ?? 'plaintext';
  const doc = await vscode.workspace.openTextDocument({ content: code, language: languageId });
  await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
}

/** Keeps one panel per session id and restores panels after a window reload. */
export class SessionPanels extends Disposable implements vscode.WebviewPanelSerializer<PanelState> {
  private readonly panels = new Map<string, SessionPanel>();

  constructor(private readonly host: PanelHost) {
    super();
    this.register(vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, this));
  }

  get(sessionId: string): SessionPanel | undefined {
    return this.panels.get(sessionId);
  }

  get openSessionIds(): string[] {
    return [...this.panels.keys()];
  }

  /** Opens the session's panel, or reveals it if it is already open. */
  show(sessionId: string): SessionPanel {
    const existing = this.panels.get(sessionId);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Security Copilot session',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewOptions(this.host.extensionUri),
    );
    return this.adopt(sessionId, panel);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    const id = typeof state?.sessionId === 'string' ? state.sessionId : '';
    if (!validateId(id).ok || this.panels.has(id)) {
      panel.dispose();
      return;
    }
    this.adopt(id, panel);
  }

  private adopt(sessionId: string, panel: vscode.WebviewPanel): SessionPanel {
    const sessionPanel = new SessionPanel(sessionId, panel, this.host);
    this.panels.set(sessionId, sessionPanel);
    sessionPanel.onDidDispose(() => {
      if (this.panels.get(sessionId) === sessionPanel) this.panels.delete(sessionId);
    });
    return sessionPanel;
  }

  /** Reloads every open panel (after sign-in, account or settings changes). */
  reloadAll(): void {
    for (const p of this.panels.values()) void p.load();
  }

  override dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
    super.dispose();
  }
}
