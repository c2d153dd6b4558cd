// dist/panel.js: one session's webview panel in the extension host (SessionPanel): what the panel shows of the
// engine's state and what its clicks do. SessionPanels (src/panels/sessionPanel.ts, in the extension bundle)
// keeps the panels and registers the serializer; it loads this bundle when the first panel opens or is restored
// (src/panels/load.ts). The live objects and the error mapping come in through PanelHost (types only here).
import * as vscode from 'vscode';
import { idKey, sameId } from '../engine/time';
import { validatePromptContent } from '../graph/validate';
import { Disposable } from '../lifecycle';
import {
  isWebviewMessage,
  sessionLabel,
  type HostMessage,
  type PromptView,
  type SessionView,
  type WebviewMessage,
} from '../shared/protocol';
import { renderPanelHtml } from './html';
import { webviewOptions, type PanelHost } from './options';
import { toPromptViewFromEntry, toSessionView } from './views';


type Action = 'rerun' | 'retryFollow' | 'stop' | 'cancel';

const readOnlyReason = (): string =>
  vscode.l10n.t('Read-only mode (setting Security Copilot › Auth: Access): sending, re-running, cancelling and renaming are turned off.');

/**
 * One webview panel showing one session: a view of the engine's state for that session. It posts what the
 * engine holds and turns the user's clicks into engine operations (which keep every create to exactly once);
 * it holds no Graph logic of its own.
 */
/** Most prompts in one `promptsUpdated` message, and prompts sent with their answers in `sessionLoaded`. */
const PROMPTS_PER_MESSAGE = 20;

export class SessionPanel extends Disposable {
  private ready = false;
  private pendingDraft: { text: string; note?: string } | undefined;
  /** A send-state change the webview missed while it was hidden (e.g. "clear the draft: it was sent"). */
  private missedSendState: (HostMessage & { type: 'sendState' }) | undefined;
  private sending: string | undefined;
  private lastSendError: string | undefined;
  /** The last load failure, shown again to a webview that (re)starts after it. */
  private lastLoadFailed: (HostMessage & { type: 'loadFailed' }) | undefined;
  /** The load this panel started, while it runs. */
  private loadInFlight: Promise<void> | undefined;
  /**
   * Prompt changes not posted yet, by prompt: posted together once this turn's events are handled, so a batch
   * of answers read together is one message and one layout in the webview, not one each.
   */
  private readonly queued = new Map<string, PromptView>();
  private flushScheduled = false;
  /** Prompt ids the webview has been shown (keyed), to tell appends from a full re-render. */
  private shown = new Set<string>();
  private readonly warned = new Set<string>();
  private lastStatus: string | undefined;
  private readonly disposeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly sessionId: string,
    readonly panel: vscode.WebviewPanel,
    private readonly host: PanelHost,
  ) {
    super();
    const engine = host.copilot.engine;
    panel.webview.options = webviewOptions(host.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'activity.svg');
    const cached = engine.session(sessionId);
    panel.title = cached ? sessionLabel(cached.displayName) : vscode.l10n.t('Security Copilot session');
    panel.webview.html = renderPanelHtml(panel.webview, host.extensionUri, sessionId);
    this.register(panel.onDidDispose(() => this.dispose()));
    // Without retainContextWhenHidden a hidden webview is torn down; when shown again it reloads and sends
    // `ready`, and only then can it receive messages (a draft set meanwhile waits for it).
    this.register(panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    }));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    this.register(engine.onDidChangeSession((id) => {
      if (sameId(id, sessionId)) this.onSessionChanged();
    }));
    this.register(engine.onDidChangePrompt((ref) => {
      if (!sameId(ref.sessionId, sessionId)) return;
      const entry = engine.prompt(sessionId, ref.promptId);
      if (!entry) return;
      if (!this.shown.has(idKey(ref.promptId))) {
        this.onSessionChanged();
        return;
      }
      this.queuePrompt(toPromptViewFromEntry(entry, engine.cancelSupported, this.host.finalOutcome));
    }));
    this.register(engine.onDidChangeSignInRequired((required) => this.post({ type: 'signInRequired', required })));
    this.register(host.copilot.onDidChangeSettings(() => this.postAccess()));
    this.register(engine.onDidReset(() => {
      // Another account or workspace: nothing of the previous one stays on screen.
      this.shown.clear();
      this.post({ type: 'loading' });
      void this.load();
    }));
    // The session's data is read while VS Code starts the webview (a few hundred milliseconds), not after it.
    if (!engine.detail(sessionId)?.withEvaluations) void this.load();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposeEmitter.fire();
    super.dispose();
    this.panel.dispose();
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Whether the user can see this panel now. */
  get visible(): boolean {
    return !this.isDisposed && this.panel.visible;
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

  /**
   * Posts a message after the prompt changes queued before it (the webview sees them in order). A full
   * (re)load or a reset replaces what was queued.
   */
  private post(message: HostMessage): void {
    if (message.type === 'sessionLoaded' || message.type === 'loading') this.queued.clear();
    else this.flushPrompts();
    this.postNow(message);
  }

  private queuePrompt(view: PromptView): void {
    // A prompt already queued keeps its place in the queue with its newest view.
    this.queued.set(idKey(view.id), view);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushPrompts(1);
      if (this.queued.size) this.scheduleFlush();
    });
  }

  /** Posts what is queued as `promptsUpdated` messages of up to PROMPTS_PER_MESSAGE prompts (`messages` of them at most). */
  private flushPrompts(messages = Infinity): void {
    for (let i = 0; i < messages && this.queued.size; i++) {
      const prompts: PromptView[] = [];
      for (const [key, view] of this.queued) {
        if (prompts.length === PROMPTS_PER_MESSAGE) break;
        prompts.push(view);
        this.queued.delete(key);
      }
      this.postNow({ type: 'promptsUpdated', prompts });
    }
  }

  /**
   * Until the webview said `ready` (and while it is hidden, which tears it down) nothing is posted: it could not
   * receive it, and `ready` sends it everything it needs. What it must not miss is kept for then.
   */
  private postNow(message: HostMessage): void {
    if (message.type === 'sendState') this.lastSendError = message.error;
    if (message.type === 'loadFailed') {
      this.lastLoadFailed = message;
    }
    if (message.type === 'sessionLoaded') {
      this.lastLoadFailed = undefined;
    }
    if (this.isDisposed) return;
    if (!this.ready) {
      if (message.type === 'sendState') {
        // Keep a pending "clear the draft" even if a later state change comes in while hidden.
        this.missedSendState = { ...message, clearDraft: message.clearDraft || this.missedSendState?.clearDraft };
      }
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private get engine() {
    return this.host.copilot.engine;
  }

  private sessionView(): SessionView | undefined {
    const session = this.engine.detail(this.sessionId)?.session ?? this.engine.session(this.sessionId);
    return session ? toSessionView(session, this.host.copilot.workspaceId) : undefined;
  }

  private promptViews(): PromptView[] {
    const detail = this.engine.detail(this.sessionId);
    return (detail?.prompts ?? []).map((p) => toPromptViewFromEntry(p, this.engine.cancelSupported, this.host.finalOutcome));
  }

  /** What the panel currently shows (a copy). */
  snapshot(): { session: SessionView | undefined; prompts: PromptView[]; sending: boolean; sendError?: string; loadError?: string } {
    return structuredClone({
      session: this.sessionView(),
      prompts: this.promptViews(),
      sending: this.sending !== undefined,
      sendError: this.lastSendError,
      loadError: this.lastLoadFailed?.message,
    });
  }

  /** Re-posts what changed in the session: its name, its prompt set, its load state. */
  private onSessionChanged(): void {
    const detail = this.engine.detail(this.sessionId);
    const session = this.sessionView();
    if (session) this.panel.title = sessionLabel(session.displayName);
    if (!detail) return;
    if (detail.status === 'error') {
      const view = this.host.describeError(detail.error);
      this.host.copilot.log.error(`Loading session ${this.sessionId} failed`, detail.error);
      this.post({ type: 'loadFailed', message: view.message, signIn: view.signIn });
      return;
    }
    if (this.sending && detail.sending?.content === this.sending && detail.sending.phase === 'checking') {
      this.post({ type: 'sendState', sending: true, status: detail.sending.message });
    }
    const finishedLoading = this.lastStatus === 'loading' && detail.status === 'loaded';
    this.lastStatus = detail.status;
    if (!session || (detail.status === 'loading' && this.shown.size === 0)) return;
    const prompts = this.promptViews();
    const ids = prompts.map((p) => idKey(p.id));
    const onlyAdded = !finishedLoading && this.shown.size > 0 && [...this.shown].every((id) => ids.includes(id));
    if (onlyAdded) {
      this.post({ type: 'sessionUpdated', session });
      for (const p of prompts) {
        if (this.shown.has(idKey(p.id))) continue;
        this.shown.add(idKey(p.id));
        this.queuePrompt(p);
      }
      return;
    }
    this.shown = new Set(ids);
    // The newest prompts come with their answers (the first screen); the answers of the older ones follow in
    // messages of their own, newest first, so the first message stays small when every answer is already here
    // (a session opened again, or read while VS Code started the webview).
    const later = new Set(prompts.slice(0, Math.max(0, prompts.length - PROMPTS_PER_MESSAGE)).filter((p) => p.evaluations?.length));
    const first = later.size ? prompts.map((p) => (later.has(p) ? { ...p, evaluations: null } : p)) : prompts;
    this.post({ type: 'sessionLoaded', session, prompts: first, unreadable: detail.unreadable });
    for (const p of [...later].reverse()) this.queued.set(idKey(p.id), p);
    if (later.size) this.scheduleFlush();
  }

  /** Handles one message from the webview. Anything that fails the protocol guard is ignored. */
  async receive(raw: unknown): Promise<void> {
    if (!isWebviewMessage(raw)) {
      this.warnOnce('malformed', 'Ignored a malformed message from the session panel.');
      return;
    }
    const m: WebviewMessage = raw;
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        this.shown.clear();
        this.queued.clear();
        this.postAccess();
        if (this.engine.signInNeeded) this.post({ type: 'signInRequired', required: true });
        if (this.loadInFlight) {
          // Started with the panel: what has arrived is shown now, the rest as it comes.
          this.post({ type: 'loading' });
          this.onSessionChanged();
        } else if (this.engine.detail(this.sessionId)?.withEvaluations && this.sessionView()) {
          this.onSessionChanged();
        } else if (this.lastLoadFailed) {
          this.post(this.lastLoadFailed);
        } else {
          void this.load();
        }
        if (this.missedSendState) this.post({ ...this.missedSendState, sending: this.sending !== undefined });
        this.missedSendState = undefined;
        this.flushDraft();
        return;
      }
      case 'refresh':
        return this.load(true);
      case 'signIn':
        await vscode.commands.executeCommand('securityCopilot.signInAgain');
        return;
      case 'rename':
        await vscode.commands.executeCommand('securityCopilot.renameSession', this.sessionId);
        return;
      case 'export':
        await vscode.commands.executeCommand('securityCopilot.exportSession', this.sessionId);
        return;
      case 'sendPrompt':
        return this.send(m.content);
      case 'rerun':
      case 'retryFollow':
      case 'stop':
      case 'cancel':
        return this.act(m.type, m.promptId);
      case 'openLink':
        return openLink(m.href).catch((e: unknown) => this.host.copilot.log.error('Opening a link failed', e));
      case 'copyText':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage(m.what === 'answer' ? vscode.l10n.t('Answer copied as Markdown') : vscode.l10n.t('Code copied'), 3000);
        return;
      case 'openInEditor':
        return openInEditor(m.code, m.language).catch((e: unknown) => {
          this.host.copilot.log.error('Opening the code in an editor failed', e);
          void vscode.window.showErrorMessage(vscode.l10n.t('Could not open the code in an editor: {0}', this.host.describeError(e).message));
        });
    }
  }

  private postAccess(): void {
    const readOnly = this.host.copilot.readOnly;
    this.post({ type: 'access', readOnly, reason: readOnly ? readOnlyReason() : undefined });
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.host.copilot.log.warn(message);
  }

  /** Reloads the session, its prompts and their answers (newest first); the engine follows what still runs. */
  load(force = false): Promise<void> {
    this.post({ type: 'loading' });
    this.lastStatus = 'loading';
    this.lastLoadFailed = undefined;
    const loading: Promise<void> = this.engine
      .loadSession(this.sessionId, { evaluations: true, force })
      .catch((e: unknown) => {
        const view = this.host.describeError(e);
        this.post({ type: 'loadFailed', message: view.message, signIn: view.signIn });
      })
      .finally(() => {
        if (this.loadInFlight === loading) this.loadInFlight = undefined;
      });
    this.loadInFlight = loading;
    return loading;
  }

  /** Prompt actions from the webview: only for prompts this panel shows. */
  private async act(action: Action, promptId: string): Promise<void> {
    if (!this.shown.has(idKey(promptId)) || !this.engine.prompt(this.sessionId, promptId)) {
      this.warnOnce(`foreign:${action}`, `Ignored "${action}" from the session panel for a prompt it does not show.`);
      return;
    }
    if ((action === 'rerun' || action === 'cancel') && this.host.copilot.readOnly) {
      void vscode.window.showInformationMessage(readOnlyReason());
      return;
    }
    try {
      switch (action) {
        case 'rerun':
          return await this.engine.rerun(this.sessionId, promptId);
        case 'retryFollow':
          return await this.engine.resume(this.sessionId, promptId);
        case 'stop':
          this.engine.stop(this.sessionId, promptId);
          return;
        case 'cancel': {
          const result = await this.engine.cancel(this.sessionId, promptId);
          if (result.kind === 'unsupported') {
            const stopFollowing = vscode.l10n.t('Stop Following');
            const choice = await vscode.window.showWarningMessage(result.message, stopFollowing);
            if (choice === stopFollowing) this.engine.stop(this.sessionId, promptId);
          } else if (result.kind === 'failed') {
            void vscode.window.showErrorMessage(vscode.l10n.t('Could not cancel the evaluation: {0}', result.message));
          }
          return;
        }
      }
    } catch (e) {
      const view = this.host.describeError(e);
      if (!view.cancelled) void vscode.window.showErrorMessage(view.message);
    }
  }

  /** Sends a new prompt through the engine (one create per send, whatever the UI does). */
  private async send(text: string): Promise<void> {
    if (this.sending !== undefined) return;
    if (this.host.copilot.readOnly) {
      this.post({ type: 'sendState', sending: false, error: readOnlyReason() });
      return;
    }
    const checked = validatePromptContent(text);
    if (!checked.ok) {
      this.post({ type: 'sendState', sending: false, error: checked.message });
      return;
    }
    this.sending = checked.value;
    this.post({ type: 'sendState', sending: true });
    try {
      await this.engine.submit(this.sessionId, checked.value);
      // The prompt exists now: clear the draft so a second press can't create it again.
      this.sending = undefined;
      this.post({ type: 'sendState', sending: false, clearDraft: true });
    } catch (e) {
      this.sending = undefined;
      this.post({ type: 'sendState', sending: false, error: this.host.describeError(e).message });
    }
  }
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
    void vscode.window.showWarningMessage(vscode.l10n.t('Blocked a link that is not https: {0}', href.slice(0, 200)));
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
