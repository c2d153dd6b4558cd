// The session panel's script (browser). It only renders what the host sends and reports what the user does;
// all Graph work happens in the extension host. Everything from Graph is untrusted and set via textContent
// or through the sanitizing renderer.
import './startMark';
import './l10nSetup';
import * as l10n from '@vscode/l10n';
import {
  isHostMessage,
  sessionLabel,
  type EvaluationView,
  type HostMessage,
  type PanelState,
  type PromptView,
  type SessionView,
  type WebviewMessage,
} from '../shared/protocol';
import { PromptList } from './promptList';
import { createRenderer, toolButton, type CodeBlockActions } from './render';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const sessionId = document.body.dataset.sessionId ?? '';
const renderer = createRenderer(window);
const send = (m: WebviewMessage) => vscode.postMessage(m);
const codeActions: CodeBlockActions = {
  copy: (code) => send({ type: 'copyText', text: code, what: 'code' }),
  openInEditor: (code, language) => send({ type: 'openInEditor', code, language }),
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function icon(name: string, spin = false): HTMLSpanElement {
  const span = el('span', `codicon codicon-${name}${spin ? ' codicon-modifier-spin' : ''}`);
  span.setAttribute('aria-hidden', 'true');
  return span;
}

function formatDate(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

// ---------- layout ----------
const app = document.getElementById('app') as HTMLElement;
app.textContent = '';
const header = el('header', 'session-header');
const titleRow = el('div', 'title-row');
const title = el('h1', 'session-title', l10n.t('Loading…'));
title.id = 'session-title';
const headerActions = el('div', 'header-actions');
const renameButton = toolButton(document, 'edit', l10n.t('Rename'), l10n.t('Rename this session'), () => send({ type: 'rename' }));
headerActions.append(
  renameButton,
  toolButton(document, 'export', l10n.t('Export'), l10n.t('Export the session as Markdown'), () => send({ type: 'export' })),
  toolButton(document, 'refresh', l10n.t('Refresh'), l10n.t('Load the session again from Graph'), () => send({ type: 'refresh' })),
);
titleRow.append(title, headerActions);
const meta = el('div', 'session-meta');
header.append(titleRow, meta);

const banner = el('div', 'banner');
banner.setAttribute('role', 'status');
banner.hidden = true;

const list = el('section', 'prompts');
list.setAttribute('aria-label', l10n.t('Prompts and answers'));
const empty = el('p', 'empty', l10n.t('No prompts yet. Ask Security Copilot something below.'));
empty.hidden = true;

const composer = el('footer', 'composer');
const draftNote = el('p', 'draft-note');
draftNote.hidden = true;
const input = el('textarea', 'prompt-input');
input.id = 'prompt-input';
input.rows = 3;
input.placeholder = l10n.t('Ask Security Copilot… (Ctrl+Enter to send)');
input.setAttribute('aria-label', l10n.t('Prompt'));
const sendError = el('p', 'send-error');
sendError.setAttribute('role', 'alert');
sendError.hidden = true;
const composerBar = el('div', 'composer-bar');
const hint = el('span', 'hint', navigator.platform.toLowerCase().includes('mac') ? l10n.t('⌘+Enter to send') : l10n.t('Ctrl+Enter to send'));
const sendButton = toolButton(document, 'send', l10n.t('Send'), l10n.t('Send this prompt to Security Copilot'), () => submit());
sendButton.classList.add('primary');
sendButton.id = 'send-button';
composerBar.append(hint, sendButton);
const sendStatus = el('p', 'send-status');
sendStatus.setAttribute('role', 'status');
sendStatus.hidden = true;
composer.append(draftNote, input, sendError, sendStatus, composerBar);
const signInBanner = el('div', 'banner error sign-in-banner');
signInBanner.setAttribute('role', 'alert');
signInBanner.hidden = true;
signInBanner.append(
  icon('sign-in'),
  el('span', 'banner-text', l10n.t('Microsoft Graph no longer accepts your sign-in; background updates stopped.')),
  toolButton(document, 'sign-in', l10n.t('Sign in again'), l10n.t('Sign in again to continue'), () => send({ type: 'signIn' })),
);
const unreadableNote = el('p', 'note unreadable-note');
unreadableNote.hidden = true;
app.append(header, signInBanner, banner, list, unreadableNote, empty, composer);

// ---------- state ----------
let session: SessionView | undefined;
/** Only the prompts near the view are in the DOM in a long session (see promptList.ts). */
const prompts = new PromptList({ container: list, render: (p) => renderPrompt(p), header, footer: composer });
let sending = false;
/** Why write actions are off (read-only mode), or undefined. */
let readOnly: string | undefined;

/** Disables a write action in read-only mode, with the reason as its tooltip. */
function applyReadOnly(button: HTMLButtonElement): HTMLButtonElement {
  button.dataset.title ??= button.title;
  if (readOnly) {
    button.disabled = true;
    button.title = readOnly;
    return button;
  }
  button.title = button.dataset.title;
  if (!sending || button !== sendButton) button.disabled = false;
  return button;
}

const saved = vscode.getState();
vscode.setState({ sessionId, draft: saved?.draft });
if (saved?.draft) {
  input.value = saved.draft;
  requestAnimationFrame(autosize);
}
let saveTimer: ReturnType<typeof setTimeout> | undefined;
/** Grows the prompt box with its content (CSS caps it at 40% of the panel), so a draft can be reviewed whole. */
function autosize(): void {
  input.style.height = 'auto';
  input.style.height = `${input.scrollHeight + 2}px`;
}
input.addEventListener('input', () => {
  autosize();
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => vscode.setState({ sessionId, draft: input.value }), 300);
  sendError.hidden = true;
});
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    submit();
  }
});

function submit(): void {
  if (sending || readOnly) return;
  const text = input.value;
  if (!text.trim()) {
    showSendError(l10n.t('Type a question first.'));
    return;
  }
  // Busy at once: a double click must not send twice (the host also joins repeated sends into one).
  setSending(true);
  send({ type: 'sendPrompt', content: text });
}

function showSendError(message: string | undefined): void {
  sendError.textContent = message ?? '';
  sendError.hidden = !message;
}

function setSending(value: boolean): void {
  sending = value;
  input.readOnly = value || !!readOnly;
  sendButton.disabled = value || !!readOnly;
  sendButton.querySelector('span:last-child')!.textContent = value ? 'Sending…' : 'Send';
  composer.classList.toggle('sending', value);
}

// Links: the only way out of the panel is through the extension.
document.addEventListener('click', (e) => {
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a) return;
  e.preventDefault();
  const href = a.getAttribute('data-href');
  if (href) send({ type: 'openLink', href });
});
document.addEventListener('keydown', (e) => {
  const a = (e.target as Element | null)?.closest?.('a[data-href]');
  if (a && e.key === 'Enter') send({ type: 'openLink', href: a.getAttribute('data-href') ?? '' });
});

// ---------- rendering ----------
function renderHeader(): void {
  if (!session) return;
  title.textContent = sessionLabel(session.displayName);
  title.classList.toggle('untitled', !session.displayName?.trim());
  meta.textContent = '';
  const parts: [string, string][] = [
    [l10n.t('ID'), session.id],
    [l10n.t('Created'), formatDate(session.createdDateTime)],
    [l10n.t('Modified'), formatDate(session.lastModifiedDateTime)],
    [l10n.t('Workspace'), session.workspaceId],
  ];
  for (const [k, v] of parts) {
    const item = el('span', 'meta-item');
    item.append(el('span', 'meta-key', `${k} `), el('span', 'meta-value', v));
    meta.append(item);
  }
}

/** What an evaluation's state is called on its badge (read when rendered, after the bundle is set). */
const STATE_TEXT: Record<string, () => string> = {
  created: () => l10n.t('Queued'),
  pending: () => l10n.t('Pending'),
  deferred: () => l10n.t('Deferred'),
  running: () => l10n.t('Running'),
  completed: () => l10n.t('Completed'),
  cancelled: () => l10n.t('Cancelled'),
  waitingForInput: () => l10n.t('Waiting for input'),
  unknown: () => l10n.t('Unknown state'),
  unknownFutureValue: () => l10n.t('Unknown state'),
};

function stateBadge(e: EvaluationView, following: boolean): HTMLElement {
  const badge = el('span', `state state-${e.state}`);
  const running = !['completed', 'cancelled'].includes(e.state);
  const kind = e.outcome?.kind;
  const iconName = running ? (following ? 'loading' : 'clock') : kind === 'success' ? 'pass' : kind === 'cancelled' ? 'circle-slash' : 'warning';
  badge.append(icon(iconName, running && following), el('span', 'state-text', STATE_TEXT[e.state]?.() ?? e.state));
  badge.dataset.state = e.state;
  return badge;
}

function elapsed(e: EvaluationView, live: boolean): HTMLElement {
  const span = el('span', 'elapsed');
  const start = Date.parse(e.createdDateTime);
  if (live && !e.completedDateTime) {
    span.dataset.since = String(start);
    span.textContent = formatDuration(Date.now() - start);
  } else if (e.completedDateTime) {
    span.textContent = l10n.t('took {0}', formatDuration(Date.parse(e.completedDateTime) - start));
  }
  return span;
}

function renderAnswer(e: EvaluationView): HTMLElement {
  const box = el('div', 'answer markdown');
  if (e.content) box.append(renderer.render(e.content, codeActions));
  return box;
}

function renderEvaluation(p: PromptView, e: EvaluationView, latest: boolean): HTMLElement {
  const wrap = el('div', latest ? 'evaluation latest' : 'evaluation previous');
  wrap.dataset.evaluationId = e.id;
  const following = latest && p.follow === 'following';
  const status = el('div', 'status-line');
  status.append(stateBadge(e, following), elapsed(e, following));
  if (latest && following) {
    if (p.canCancel && p.cancel?.state !== 'requesting' && p.cancel?.state !== 'requested') {
      status.append(applyReadOnly(toolButton(document, 'circle-slash', l10n.t('Cancel'), l10n.t('Ask Security Copilot to cancel this evaluation'), () => send({ type: 'cancel', promptId: p.id }))));
    }
    status.append(toolButton(document, 'debug-stop', l10n.t('Stop following'), l10n.t('Stop following this evaluation (it may still finish)'), () => send({ type: 'stop', promptId: p.id })));
  }
  wrap.append(status);
  if (e.content && (e.outcome?.kind === 'success' || !e.outcome)) {
    wrap.append(renderAnswer(e));
    const tools = el('div', 'answer-tools');
    tools.append(toolButton(document, 'copy', l10n.t('Copy answer'), l10n.t('Copy this answer as Markdown'), () => send({ type: 'copyText', text: e.content ?? '', what: 'answer' })));
    if (latest) tools.append(applyReadOnly(toolButton(document, 'debug-rerun', l10n.t('Re-run'), l10n.t('Ask Security Copilot to answer this prompt again'), () => send({ type: 'rerun', promptId: p.id }))));
    wrap.append(tools);
  } else if (e.outcome && e.outcome.kind !== 'success') {
    const box = el('div', `outcome outcome-${e.outcome.kind}`);
    box.setAttribute('role', 'alert');
    box.append(icon('warning'), el('span', 'outcome-message', e.outcome.message));
    if (e.content) box.append(el('div', 'outcome-detail', e.content));
    if (latest) {
      for (const action of e.outcome.actions) {
        if (action === 'retry') box.append(applyReadOnly(toolButton(document, 'debug-rerun', l10n.t('Try again'), l10n.t('Run this prompt again'), () => send({ type: 'rerun', promptId: p.id }))));
        if (action === 'signIn') box.append(toolButton(document, 'sign-in', l10n.t('Sign in again'), l10n.t('Sign in again to grant what is needed'), () => send({ type: 'signIn' })));
        if (action === 'refresh') box.append(toolButton(document, 'refresh', l10n.t('Refresh'), l10n.t('Load the session again'), () => send({ type: 'refresh' })));
      }
      if (!e.outcome.actions.includes('retry')) {
        box.append(applyReadOnly(toolButton(document, 'debug-rerun', l10n.t('Re-run'), l10n.t('Run this prompt again'), () => send({ type: 'rerun', promptId: p.id }))));
      }
    }
    wrap.append(box);
  }
  return wrap;
}

function renderPrompt(p: PromptView): HTMLElement {
  const article = el('article', 'prompt');
  article.dataset.promptId = p.id;
  const question = el('div', 'question');
  question.append(icon('account'), el('div', 'question-text', p.content ?? ''), el('time', 'question-time', formatDate(p.createdDateTime)));
  article.append(question);
  const evaluations = p.evaluations;
  const busy = p.follow === 'starting' || p.follow === 'checking' || p.follow === 'following';
  if (evaluations === null) {
    if (!p.error) {
      const loading = el('div', 'status-line muted');
      loading.append(icon('loading', true), el('span', '', p.follow === 'checking' ? l10n.t('Checking…') : l10n.t('Loading answer…')));
      article.append(loading);
    }
  } else if (evaluations.length === 0) {
    const none = el('div', 'status-line muted');
    if (busy) none.append(icon('loading', true), el('span', '', p.follow === 'checking' ? l10n.t('Checking…') : l10n.t('Starting…')));
    else if (p.follow === 'failed') none.append(el('span', '', l10n.t('No answer yet.')));
    else {
      none.append(el('span', '', l10n.t('Not evaluated yet.')));
      none.append(applyReadOnly(toolButton(document, 'play', l10n.t('Run'), l10n.t('Ask Security Copilot to answer this prompt'), () => send({ type: 'rerun', promptId: p.id }))));
    }
    article.append(none);
  } else {
    const latest = evaluations[evaluations.length - 1];
    article.append(renderEvaluation(p, latest, true));
    const previous = evaluations.slice(0, -1);
    if (previous.length) {
      const details = el('details', 'previous-answers');
      details.append(el('summary', '', l10n.t('Previous answers ({0})', previous.length)));
      for (const e of [...previous].reverse()) details.append(renderEvaluation(p, e, false));
      article.append(details);
    }
  }
  if (p.note && busy) {
    const note = el('div', 'note run-note');
    note.append(icon('info'), el('span', '', p.note));
    article.append(note);
  }
  if (p.cancel?.state === 'requested' && busy) {
    const note = el('div', 'note cancel-note');
    note.append(icon('circle-slash'), el('span', '', l10n.t('Cancel requested; waiting for Security Copilot to stop.')));
    article.append(note);
  }
  if (p.cancel?.state === 'refused' && p.cancel.message && busy) {
    const note = el('div', 'note cancel-note');
    note.append(icon('info'), el('span', '', p.cancel.message));
    article.append(note);
  }
  if (p.follow === 'stopped') {
    const note = el('div', 'note');
    note.append(
      icon('info'),
      el('span', '', l10n.t('Stopped following. The evaluation may still finish on Security Copilot.')),
      toolButton(document, 'eye', l10n.t('Resume'), l10n.t('Follow this evaluation again'), () => send({ type: 'retryFollow', promptId: p.id })),
    );
    article.append(note);
  }
  if (p.error) {
    const err = el('div', 'prompt-error');
    err.setAttribute('role', 'alert');
    err.append(icon('error'), el('span', '', p.error));
    if (p.signIn) err.append(toolButton(document, 'sign-in', l10n.t('Sign in again'), l10n.t('Sign in again to continue'), () => send({ type: 'signIn' })));
    else err.append(toolButton(document, 'refresh', l10n.t('Retry'), l10n.t('Check what Security Copilot has for this prompt, then continue'), () => send({ type: 'retryFollow', promptId: p.id })));
    article.append(err);
  }
  return article;
}

/** Re-renders one prompt only (state changes must not redraw the whole panel); a new one is shown. */
function upsertPrompts(batch: PromptView[]): void {
  prompts.upsertMany(batch);
  empty.hidden = prompts.size > 0;
  scheduleTicker();
}

/** A session opens at its newest prompts (at the bottom), whose answers are read first. */
function renderAll(next: PromptView[], atNewest: boolean): void {
  prompts.setAll(next, atNewest);
  empty.hidden = next.length > 0;
  scheduleTicker();
}

function showBanner(kind: 'loading' | 'error' | null, message?: string, signIn = false): void {
  banner.textContent = '';
  banner.className = `banner ${kind ?? ''}`;
  banner.hidden = !kind;
  if (!kind) return;
  banner.append(icon(kind === 'loading' ? 'loading' : 'error', kind === 'loading'), el('span', 'banner-text', message ?? ''));
  if (kind === 'error') {
    if (signIn) banner.append(toolButton(document, 'sign-in', l10n.t('Sign In'), l10n.t('Sign in to Security Copilot'), () => send({ type: 'signIn' })));
    banner.append(toolButton(document, 'refresh', l10n.t('Retry'), l10n.t('Load the session again'), () => send({ type: 'refresh' })));
  }
}

// A one-second ticker updates elapsed times, only while something is being followed.
let ticker: ReturnType<typeof setInterval> | undefined;
function scheduleTicker(): void {
  const live = [...prompts.values()].some((p) => p.follow === 'following' || p.follow === 'starting');
  if (live && !ticker) {
    ticker = setInterval(() => {
      for (const span of Array.from(document.querySelectorAll<HTMLElement>('.elapsed[data-since]'))) {
        span.textContent = formatDuration(Date.now() - Number(span.dataset.since));
      }
    }, 1000);
  } else if (!live && ticker) {
    clearInterval(ticker);
    ticker = undefined;
  }
}

/** promptsUpdated messages marked for the bench so far. */
let updateMarks = 0;

function onMessage(m: HostMessage): void {
  switch (m.type) {
    case 'loading':
      showBanner('loading', l10n.t('Loading session…'));
      return;
    case 'sessionLoaded': {
      const firstLoad = !session;
      // Marks for the bench (what the panel does with its first data, and when it had it): no other effect.
      if (firstLoad) performance.mark('securityCopilot:sessionLoaded');
      session = m.session;
      showBanner(null);
      renderHeader();
      renderAll(m.prompts, firstLoad);
      if (firstLoad) performance.mark('securityCopilot:firstRender');
      unreadableNote.textContent = m.unreadable ? (m.unreadable === 1 ? l10n.t('1 prompt could not be read (details in the log).') : l10n.t('{0} prompts could not be read (details in the log).', m.unreadable)) : '';
      unreadableNote.hidden = !m.unreadable;
      return;
    }
    case 'signInRequired':
      signInBanner.hidden = !m.required;
      return;
    case 'access':
      readOnly = m.readOnly ? (m.reason ?? l10n.t('Read-only mode')) : undefined;
      document.body.classList.toggle('read-only', !!readOnly);
      applyReadOnly(sendButton);
      applyReadOnly(renameButton);
      input.readOnly = !!readOnly || sending;
      input.placeholder = readOnly ? readOnly : l10n.t('Ask Security Copilot… (Ctrl+Enter to send)');
      prompts.rerenderAll();
      return;
    case 'sessionUpdated':
      session = m.session;
      renderHeader();
      return;
    case 'promptsUpdated': {
      // Marked for the bench (received, with the prompts it carried; rendered): the first 50 only, as marks are
      // kept for the page's life.
      const marked = updateMarks < 50;
      if (marked) {
        updateMarks++;
        performance.mark('securityCopilot:promptsUpdated', { detail: m.prompts.map((p) => p.id) });
      }
      upsertPrompts(m.prompts);
      if (marked) performance.mark('securityCopilot:promptsRendered');
      return;
    }
    case 'loadFailed':
      showBanner('error', m.message, m.signIn);
      if (!session) title.textContent = l10n.t('Could not load the session');
      return;
    case 'sendState':
      setSending(m.sending);
      showSendError(m.error);
      sendStatus.textContent = m.status ?? '';
      sendStatus.hidden = !m.status;
      if (m.clearDraft) {
        input.value = '';
        autosize();
        draftNote.hidden = true;
        vscode.setState({ sessionId, draft: '' });
      }
      return;
    case 'setDraft':
      input.value = m.text;
      draftNote.textContent = m.note ?? '';
      draftNote.hidden = !m.note;
      vscode.setState({ sessionId, draft: m.text });
      autosize();
      // Start at the top: the user reviews the whole prompt before sending.
      input.focus();
      input.setSelectionRange(0, 0);
      input.scrollTop = 0;
      input.scrollIntoView({ block: 'nearest' });
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) onMessage(event.data);
});
performance.mark('securityCopilot:ready');
send({ type: 'ready' });
