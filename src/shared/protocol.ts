// Every message between the session panel (webview) and the extension host, declared once and imported by
// both sides. No `vscode`, no DOM. Messages are validated on arrival with the guards below: the webview renders
// untrusted content, so the host never trusts what it receives, and the webview checks what the host sends.

/**
 * The panel's persisted state (what `WebviewPanelSerializer` gets back after a reload). Restoring uses the session
 * id only: the session's data is always fetched again. The webview also keeps the user's unsent draft here.
 */
export interface PanelState {
  sessionId: string;
  draft?: string;
}

export interface SessionView {
  id: string;
  /** `null` when Graph has no name for the session; the webview shows "Untitled session". */
  displayName: string | null;
  createdDateTime: string;
  lastModifiedDateTime: string;
  workspaceId: string;
}

export type EvaluationStateView =
  | 'unknown' | 'created' | 'running' | 'completed' | 'cancelled' | 'pending' | 'deferred' | 'waitingForInput'
  | 'unknownFutureValue';

export type OutcomeKindView =
  | 'success' | 'error' | 'rejected' | 'timedOut' | 'capacityExceeded' | 'needAdditionalClaims' | 'cancelled'
  | 'unknown';

/** What the user can do about an outcome; the webview shows one button per action. */
export type OutcomeAction = 'retry' | 'signIn' | 'refresh';

export interface EvaluationView {
  id: string;
  state: EvaluationStateView;
  createdDateTime: string;
  runStartDateTime: string | null;
  completedDateTime: string | null;
  /** Markdown answer (untrusted) once the evaluation completed. */
  content: string | null;
  outcome: { kind: OutcomeKindView; message: string; actions: OutcomeAction[] } | null;
}

/**
 * Where the prompt's run stands: `starting` (the evaluation is being created), `checking` (re-reading what the
 * service did after a lost response), `following` (reading it until it ends), `stopped` (the user stopped
 * following; it may still finish), `failed` (see `error`; Retry finds out and continues).
 */
export type FollowState = 'idle' | 'starting' | 'checking' | 'following' | 'stopped' | 'failed';

export interface PromptView {
  id: string;
  content: string | null;
  createdDateTime: string;
  /** Oldest first; the last one is the latest answer. `null` while they are still being loaded, or when they could not be (`error`). */
  evaluations: EvaluationView[] | null;
  follow: FollowState;
  /** Set when loading or following this prompt failed. */
  error?: string;
  /** The failure needs a new sign-in (offer "Sign in again", not Retry). */
  signIn?: boolean;
  /** A note on the run (a state that may last, a check in progress). */
  note?: string;
  /** Cancel is offered while it runs, unless the service refused it in this window. */
  canCancel?: boolean;
  cancel?: { state: 'requesting' | 'requested' | 'refused'; message?: string };
}

// ---- host → webview ----
export type HostMessage =
  | { type: 'loading' }
  | { type: 'sessionLoaded'; session: SessionView; prompts: PromptView[]; unreadable?: number }
  | { type: 'sessionUpdated'; session: SessionView }
  /** Prompts that changed or are new (new ones at the end, in order), sent together: one layout for all. */
  | { type: 'promptsUpdated'; prompts: PromptView[] }
  | { type: 'loadFailed'; message: string; signIn: boolean }
  | { type: 'sendState'; sending: boolean; error?: string; clearDraft?: boolean; status?: string }
  /** Graph keeps rejecting the token: background work stopped until "Sign in again". */
  | { type: 'signInRequired'; required: boolean }
  /** Read-only mode (`securityCopilot.auth.access`): write actions are disabled, with the reason as tooltip. */
  | { type: 'access'; readOnly: boolean; reason?: string }
  | { type: 'setDraft'; text: string; note?: string };

// ---- webview → host ----
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'signIn' }
  | { type: 'rename' }
  | { type: 'export' }
  | { type: 'sendPrompt'; content: string }
  | { type: 'rerun'; promptId: string }
  | { type: 'retryFollow'; promptId: string }
  | { type: 'stop'; promptId: string }
  | { type: 'cancel'; promptId: string }
  | { type: 'openLink'; href: string }
  | { type: 'copyText'; text: string; what: 'answer' | 'code' }
  | { type: 'openInEditor'; code: string; language: string };

type Shape = Record<string, 'string' | 'boolean' | 'object' | 'array'>;

const webviewShapes: { [K in WebviewMessage['type']]: Shape } = {
  ready: {},
  refresh: {},
  signIn: {},
  rename: {},
  export: {},
  sendPrompt: { content: 'string' },
  rerun: { promptId: 'string' },
  retryFollow: { promptId: 'string' },
  stop: { promptId: 'string' },
  cancel: { promptId: 'string' },
  openLink: { href: 'string' },
  copyText: { text: 'string', what: 'string' },
  openInEditor: { code: 'string', language: 'string' },
};

const hostShapes: { [K in HostMessage['type']]: Shape } = {
  loading: {},
  sessionLoaded: { session: 'object', prompts: 'array' },
  sessionUpdated: { session: 'object' },
  promptsUpdated: { prompts: 'array' },
  loadFailed: { message: 'string', signIn: 'boolean' },
  sendState: { sending: 'boolean' },
  setDraft: { text: 'string' },
  signInRequired: { required: 'boolean' },
  access: { readOnly: 'boolean' },
};

/** Longest string the host accepts from the webview (a prompt is at most 16 000 characters; code blocks too). */
export const MAX_MESSAGE_STRING = 200_000;

function hasKind(v: unknown, kind: Shape[string]): boolean {
  if (kind === 'array') return Array.isArray(v);
  if (kind === 'object') return typeof v === 'object' && v !== null && !Array.isArray(v);
  return typeof v === kind;
}

function matches(value: unknown, shapes: Record<string, Shape>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(shapes, type)) return false;
  const shape = shapes[type];
  for (const [key, kind] of Object.entries(shape)) {
    const v = record[key];
    if (!hasKind(v, kind)) return false;
    if (typeof v === 'string' && v.length > MAX_MESSAGE_STRING) return false;
  }
  return true;
}

/** Guard for what the host receives from the webview. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (!matches(value, webviewShapes)) return false;
  const m = value as WebviewMessage;
  if (m.type === 'copyText' && m.what !== 'answer' && m.what !== 'code') return false;
  return true;
}

/** Guard for what the webview receives from the host. */
export function isHostMessage(value: unknown): value is HostMessage {
  return matches(value, hostShapes);
}

/** Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** Shows bidi controls as `[U+202E]` instead of obeying them (a reversed name can't pass for another). */
export function revealBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase()}]`);
}

/** The name shown for a session everywhere (tree, panel title, pickers, notifications): untrusted text. */
export function sessionLabel(displayName: string | null | undefined): string {
  const name = displayName?.trim();
  return name ? revealBidiControls(name) : 'Untitled session';
}
