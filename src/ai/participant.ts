import * as vscode from 'vscode';
import type { PromptEntry } from '../engine';
import type { EvaluationOutcome } from '../graph';
import { isCancelledError } from '../graph/errors';
import { validateId } from '../graph/validate';
import type { Copilot } from '../service';
import { sessionLabel } from '../shared/protocol';
import { pickSession } from '../ui/sessionPicker';
import { composeChatPrompt, maskedNote, type Attachment } from './attachments';
import type { AiHost } from './host';
import { PARTICIPANT_ID } from './ids';
import { escapeMarkdown, fenced } from './markdown';
import { privacyText, PRIVACY_DOCS_URL, type PrivacyNote } from './privacy';
import { progressText, READ_ONLY_MESSAGE, runList, sessionNameFor, suggestFollowups } from './tools';

export { PARTICIPANT_ID } from './ids';

/** What a turn remembers (ChatResult.metadata), read back from `context.history` by the next turn. */
export interface TurnState {
  /** The Security Copilot session this conversation continues; undefined: the next question starts one. */
  sessionId?: string;
  promptId?: string;
  evaluationId?: string;
  /** A prompt with attachments, masked and shown for review; `/send` sends exactly this text. */
  pending?: string;
  /** Follow-up questions suggested from the answer. */
  followups?: string[];
}

export interface TurnResult extends vscode.ChatResult {
  metadata: { securityCopilot: TurnState };
}

/** The latest state this participant left in the conversation (none: a new conversation). */
export function stateFromHistory(history: vscode.ChatContext['history']): TurnState | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i] as Partial<vscode.ChatResponseTurn>;
    if (!turn || typeof turn !== 'object' || !('result' in turn) || turn.participant !== PARTICIPANT_ID) continue;
    const state = (turn.result?.metadata as TurnResult['metadata'] | undefined)?.securityCopilot;
    if (state && typeof state === 'object') return state;
  }
  return undefined;
}

function commandLink(command: string, args: unknown[], label: string): string {
  return `[${escapeMarkdown(label)}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

function outcomeAction(outcome: EvaluationOutcome): string {
  switch (outcome.kind) {
    case 'capacityExceeded':
      return vscode.l10n.t('Try again later, or ask your Security Copilot admin to add capacity (SCUs).');
    case 'rejected':
      return vscode.l10n.t('Rephrase the question and ask again.');
    case 'needAdditionalClaims':
      return vscode.l10n.t('Run **Security Copilot: Sign In Again**, then ask again.');
    case 'error':
    case 'timedOut':
      return vscode.l10n.t('Ask again, or ask a narrower question.');
    case 'cancelled':
      return vscode.l10n.t('Ask again when you want the answer.');
    default:
      return vscode.l10n.t('Open the session in the panel to see what Security Copilot recorded.');
  }
}

/**
 * `@securitycopilot`: each turn is a prompt in a Security Copilot session (one per conversation, or the one
 * attached with /session), asked through the engine exactly once, with progress while it runs.
 */
export class ChatParticipantHandler {
  constructor(
    private readonly copilot: Copilot,
    private readonly privacy: PrivacyNote,
    /** The setting and the extension bundle's error mapping, masking and picker (dist/ai.js has no copies). */
    private readonly host: Pick<AiHost, 'chatEnabled' | 'describeError' | 'maskSecrets' | 'readMaskingSettings'>,
  ) {}

  readonly handle = async (
    request: vscode.ChatRequest,
    context: vscode.ChatContext,
    stream: vscode.ChatResponseStream,
    token: vscode.CancellationToken,
  ): Promise<TurnResult> => {
    const previous = stateFromHistory(context.history) ?? {};
    const carry: TurnState = { sessionId: previous.sessionId };
    if (!this.host.chatEnabled()) {
      stream.markdown(vscode.l10n.t('Security Copilot in chat is turned off (setting `securityCopilot.chat.enabled`).'));
      return { metadata: { securityCopilot: carry } };
    }
    const text = request.prompt.trim();
    try {
      switch (request.command) {
        case 'new':
          if (!text) {
            stream.markdown(vscode.l10n.t('The next question starts a new Security Copilot session.'));
            return { metadata: { securityCopilot: {} } };
          }
          return await this.question(text, undefined, request, stream, token);
        case 'session':
          return await this.attach(text, carry, stream);
        case 'sessions':
          return await this.listSessions(carry, stream);
        case 'export':
          return await this.exportSession(carry, stream);
        case 'send':
          if (!previous.pending) {
            stream.markdown(vscode.l10n.t('There is nothing waiting to be sent. Ask a question first.'));
            return { metadata: { securityCopilot: carry } };
          }
          return await this.ask(previous.pending, carry.sessionId, stream, token);
        default:
          if (!text) {
            stream.markdown(
              vscode.l10n.t(
                'Ask Security Copilot a question, for example *"Summarize the high-severity incidents of the last 24 hours"*. Each question becomes a prompt in a Security Copilot session. Commands: `/new`, `/session`, `/sessions`, `/export`.',
              ),
            );
            return { metadata: { securityCopilot: carry } };
          }
          return await this.question(text, carry.sessionId, request, stream, token);
      }
    } catch (e) {
      return this.failure(e, carry, stream);
    }
  };

  /** A question, with its attachments masked and shown for review first. */
  private async question(
    text: string,
    sessionId: string | undefined,
    request: vscode.ChatRequest,
    stream: vscode.ChatResponseStream,
    token: vscode.CancellationToken,
  ): Promise<TurnResult> {
    const attachments = await readReferences(request.references);
    if (!attachments.length) return this.ask(text, sessionId, stream, token);
    // The same rules as Ask About Selection, with the user's (and, when trusted, the workspace's) extra patterns.
    const composed = await composeChatPrompt(text, attachments, this.host.maskSecrets, this.host.readMaskingSettings());
    const masked = maskedNote(composed.maskedCount, composed.maskedKinds);
    const cut = composed.cutChars ? ` ${vscode.l10n.t('{0} characters were left out to stay within the limit.', composed.cutChars.toLocaleString('en-US'))}` : '';
    stream.markdown(
      `${vscode.l10n.t('This is exactly what will be sent to Security Copilot (workspace {0}).', `\`${this.copilot.workspaceId}\``)} ${masked}${cut} ` +
        `${vscode.l10n.t('Nothing is sent until you choose **Send to Security Copilot** (or type `/send`).')}\n\n`,
    );
    stream.markdown(fenced(composed.prompt, 'markdown'));
    return { metadata: { securityCopilot: { sessionId, pending: composed.prompt } } };
  }

  private async ask(text: string, sessionId: string | undefined, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<TurnResult> {
    const engine = this.copilot.engine;
    if (this.copilot.readOnly) {
      stream.markdown(`**${vscode.l10n.t('Not sent.')}** ${READ_ONLY_MESSAGE}`);
      stream.button({ command: 'workbench.action.openSettings', title: vscode.l10n.t('Open Setting'), arguments: ['securityCopilot.auth.access'] });
      return { metadata: { securityCopilot: { sessionId } } };
    }
    if (this.privacy.take()) {
      const note = new vscode.MarkdownString(`*${privacyText(this.copilot.workspaceId)} [Learn more](${PRIVACY_DOCS_URL})*\n\n`);
      stream.markdown(note);
    }
    const state: TurnState = { sessionId };
    if (!state.sessionId) {
      stream.progress(vscode.l10n.t('Creating a Security Copilot session…'));
      const session = await engine.createSession(sessionNameFor(text));
      state.sessionId = session.id;
    }
    const started = Date.now();
    const abort = new AbortController();
    let last: PromptEntry | undefined;
    let lastKey = '';
    const report = (force = false): void => {
      if (!last) return;
      const state = last.evaluations?.at(-1)?.state;
      if (last.run.kind === 'idle' || state === 'completed' || state === 'cancelled') return; // the answer follows
      const line = progressText(last, started);
      const key = line.replace(/\d+ s$/, '');
      if (!force && key === lastKey) return;
      lastKey = key;
      stream.progress(line);
    };
    // Elapsed time while nothing changes: one line every 10 s rather than one per second.
    const ticker = setInterval(() => report(true), 10_000);
    const sub = token.onCancellationRequested(() => abort.abort());
    stream.progress(vscode.l10n.t('Sending the question to Security Copilot…'));
    try {
      const result = await engine.ask(state.sessionId, text, {
        signal: abort.signal,
        onUpdate: (entry) => {
          last = entry;
          state.promptId = entry.prompt.id;
          report();
        },
      });
      state.promptId = result.promptId;
      state.evaluationId = result.evaluationId;
      this.render(result.outcome, state, stream);
      return { metadata: { securityCopilot: state } };
    } catch (e) {
      if (abort.signal.aborted || isCancelledError(e)) return this.cancelled(state, stream);
      return this.failure(e, state, stream);
    } finally {
      clearInterval(ticker);
      sub.dispose();
    }
  }

  private render(outcome: EvaluationOutcome, state: TurnState, stream: vscode.ChatResponseStream): void {
    const sessionId = state.sessionId!;
    if (outcome.kind === 'success') {
      const content = outcome.content?.trim();
      // The answer is Security Copilot's Markdown: rendered by VS Code's chat (no HTML, no command links).
      stream.markdown(content ? new vscode.MarkdownString(content) : vscode.l10n.t('*Security Copilot finished but sent no answer text.*'));
      state.followups = content ? suggestFollowups(content) : undefined;
    } else {
      stream.markdown(`**${vscode.l10n.t('No answer ({0}).', outcome.kind)}** ${outcome.message} ${outcomeAction(outcome)}`);
      if (outcome.content?.trim()) stream.markdown(`\n\n${fenced(outcome.content.trim())}`);
      if (outcome.kind === 'needAdditionalClaims') stream.button({ command: 'securityCopilot.signInAgain', title: vscode.l10n.t('Sign In Again') });
    }
    this.sessionButtons(sessionId, stream);
  }

  private sessionButtons(sessionId: string, stream: vscode.ChatResponseStream): void {
    stream.button({ command: 'securityCopilot.openSession', title: vscode.l10n.t('Open in Panel'), arguments: [sessionId] });
    stream.button({ command: 'securityCopilot.exportSession', title: vscode.l10n.t('Export'), arguments: [sessionId] });
  }

  private async cancelled(state: TurnState, stream: vscode.ChatResponseStream): Promise<TurnResult> {
    let how = vscode.l10n.t('Stopped waiting. Security Copilot may still finish: the answer will show in the session panel.');
    if (state.sessionId && state.promptId) {
      const r = await this.copilot.engine.cancel(state.sessionId, state.promptId).catch(() => undefined);
      if (r?.kind === 'cancelled') how = vscode.l10n.t('Cancelled the evaluation in Security Copilot.');
      else if (r?.kind === 'notRunning') how = vscode.l10n.t('Stopped waiting: the evaluation had already finished; open the session to see it.');
    }
    stream.markdown(how);
    if (state.sessionId) this.sessionButtons(state.sessionId, stream);
    return { metadata: { securityCopilot: state } };
  }

  private failure(e: unknown, state: TurnState, stream: vscode.ChatResponseStream): TurnResult {
    const view = this.host.describeError(e);
    const signIn = view.signIn || (e as { details?: { signIn?: boolean } }).details?.signIn === true;
    if (view.cancelled) {
      stream.markdown(vscode.l10n.t('Cancelled.'));
      return { metadata: { securityCopilot: state } };
    }
    this.copilot.log.warn(`Chat: ${view.message}`);
    const action = signIn
      ? ` ${vscode.l10n.t('Sign in, then ask again.')}`
      : view.setupGuide
        ? ` ${vscode.l10n.t('The setup guide lists the app registration, permission and Security Copilot role you need.')}`
        : '';
    stream.markdown(`**${vscode.l10n.t('Security Copilot could not answer.')}** ${view.message}${action}`);
    if (signIn) stream.button({ command: 'securityCopilot.signIn', title: vscode.l10n.t('Sign In') });
    if (view.setupGuide) stream.button({ command: 'securityCopilot.openSetupGuide', title: vscode.l10n.t('Open Setup Guide') });
    if (state.sessionId) this.sessionButtons(state.sessionId, stream);
    return { metadata: { securityCopilot: state }, errorDetails: { message: view.message } };
  }

  /** `/session [id]`: continue a session chosen in the picker (or given by id). */
  private async attach(text: string, carry: TurnState, stream: vscode.ChatResponseStream): Promise<TurnResult> {
    let id: string | undefined;
    if (text) {
      const checked = validateId(text, 'Session ID');
      if (!checked.ok) {
        stream.markdown(`${checked.message} ${vscode.l10n.t('Type `/session` alone to pick a session from the list.')}`);
        return { metadata: { securityCopilot: carry } };
      }
      id = checked.value;
    } else {
      const picked = await pickSession(this.copilot, { title: vscode.l10n.t('Continue a Security Copilot session in chat'), describeError: this.host.describeError });
      if (picked?.kind !== 'session') {
        stream.markdown(vscode.l10n.t('No session chosen; this conversation goes on as before.'));
        return { metadata: { securityCopilot: carry } };
      }
      id = picked.id;
    }
    const session = this.copilot.engine.session(id);
    stream.markdown(
      vscode.l10n.t(
        'This conversation now continues {0} ({1}). The next question is asked in that session.',
        `**${escapeMarkdown(sessionLabel(session?.displayName))}**`,
        `\`${id}\``,
      ),
    );
    this.sessionButtons(id, stream);
    return { metadata: { securityCopilot: { sessionId: id } } };
  }

  /** `/sessions`: recent sessions as links that open them. */
  private async listSessions(carry: TurnState, stream: vscode.ChatResponseStream): Promise<TurnResult> {
    stream.progress(vscode.l10n.t('Loading your Security Copilot sessions…'));
    const { sessions } = await runList({ engine: this.copilot.engine, workspaceId: () => this.copilot.workspaceId }, { top: 10 });
    if (!sessions.length) {
      stream.markdown(vscode.l10n.t('No Security Copilot sessions in this workspace yet. Ask a question to start one.'));
      return { metadata: { securityCopilot: carry } };
    }
    const md = new vscode.MarkdownString(`${vscode.l10n.t('Recent Security Copilot sessions (workspace {0}):', `\`${this.copilot.workspaceId}\``)}\n\n`);
    md.isTrusted = { enabledCommands: ['securityCopilot.openSession'] };
    for (const s of sessions) {
      md.appendMarkdown(`- ${commandLink('securityCopilot.openSession', [s.id], sessionLabel(s.displayName))} — \`${s.id}\`\n`);
    }
    md.appendMarkdown('\nType `/session <id>` to continue one of them here.');
    stream.markdown(md);
    return { metadata: { securityCopilot: carry } };
  }

  /** `/export`: the conversation's session as Markdown in a new editor. */
  private async exportSession(carry: TurnState, stream: vscode.ChatResponseStream): Promise<TurnResult> {
    if (!carry.sessionId) {
      stream.markdown(vscode.l10n.t('This conversation has no Security Copilot session yet. Ask a question or attach one with `/session`.'));
      return { metadata: { securityCopilot: carry } };
    }
    const uri = await vscode.commands.executeCommand<string | undefined>('securityCopilot.exportSession', carry.sessionId, { untitled: true });
    stream.markdown(uri ? vscode.l10n.t('Exported the session to a new Markdown editor.') : vscode.l10n.t('The session was not exported.'));
    return { metadata: { securityCopilot: carry } };
  }

  readonly followupProvider: vscode.ChatFollowupProvider = {
    provideFollowups: (result) => {
      const state = (result.metadata as TurnResult['metadata'] | undefined)?.securityCopilot;
      if (!state) return [];
      if (state.pending) return [{ prompt: '', command: 'send', label: vscode.l10n.t('Send to Security Copilot') }];
      return (state.followups ?? []).map((q) => ({ prompt: q, label: q }));
    },
  };
}

/** The text of `#file` and selection references (other kinds are ignored). */
export async function readReferences(references: readonly vscode.ChatPromptReference[]): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const ref of references) {
    const value = ref.value;
    let uri: vscode.Uri | undefined;
    let range: vscode.Range | undefined;
    if (value instanceof vscode.Uri) uri = value;
    else if (value instanceof vscode.Location) {
      uri = value.uri;
      range = value.range;
    } else continue;
    let doc: vscode.TextDocument;
    try {
      doc = await vscode.workspace.openTextDocument(uri);
    } catch {
      continue; // a folder or a binary file: nothing to attach
    }
    const name = vscode.workspace.asRelativePath(uri, false);
    const r = range && !range.isEmpty ? range : undefined;
    const lines = r ? (r.start.line === r.end.line ? `line ${r.start.line + 1}` : `lines ${r.start.line + 1}–${r.end.line + 1}`) : '';
    out.push({ source: lines ? `${name}, ${lines}` : name, text: doc.getText(r), languageId: doc.languageId });
  }
  return out;
}
