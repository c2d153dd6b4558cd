// Runs promptbooks: the notebook controller (Run All, run one cell, interrupt), the input boxes, the
// confirmation, and the live cell outputs. Every prompt goes through the engine: one session per run, prompts
// sent in order, each after the previous answer completed.
import * as vscode from 'vscode';
import type { EvaluationOutcome } from '../graph';
import { isCancelledError } from '../graph/errors';
import { validateDisplayName } from '../graph/validate';
import { Disposable } from '../lifecycle';
import type { Copilot } from '../service';
import type { PromptEntry } from '../engine';
import { fillPlaceholders, placeholders } from './format';
import type { PromptbookHost } from './host';
import { NOTEBOOK_TYPE, PROMPT_LANGUAGE } from './ids';
import type { FrontMatter, InputDeclaration } from './frontMatter';
import { loadFrontMatter } from './lazy';
import { isFrontMatterCell, isPromptCell } from './serializer';

export const CONTROLLER_ID = 'security-copilot-promptbook-controller';
const INPUTS_STATE_KEY = 'securityCopilot.promptbookInputs';
const CONTEXT_HAS_SESSION = 'securityCopilot.promptbookHasSession';

/** Options of a run started by a command (automation, tests): preset input values, skip the confirmation. */
export interface RunOptions {
  inputs?: Record<string, string>;
  confirm?: boolean;
}

/** What the toolbar shows for a notebook: the session of its latest run. */
export interface RunSession {
  sessionId: string;
  name: string;
  /** The input values of that run (a cell run later into the same session reuses them). */
  values: Record<string, string>;
}

interface ActiveRun {
  notebook: vscode.NotebookDocument;
  abort: AbortController;
  /** The prompt being waited on, to cancel it on the service. */
  current?: { sessionId: string; promptId: string };
  interrupted?: 'cancelled' | 'stopped';
  interruptMessage?: string;
  done: Promise<void>;
}

/** Reads a notebook's front matter (the first cell, if it is one). */
export async function readNotebookFrontMatter(notebook: vscode.NotebookDocument): Promise<FrontMatter> {
  const first = notebook.cellCount ? notebook.cellAt(0) : undefined;
  if (!first || !isFrontMatterCell(first)) return { inputs: [], problems: [] };
  const { readFrontMatter } = await loadFrontMatter();
  return readFrontMatter(first.document.getText());
}

/** The engine's errors say when signing in again would help (checked by name: the engine is in the other bundle). */
function engineAsksSignIn(e: unknown): boolean {
  return e instanceof Error && e.name === 'EngineError' && (e as { details?: { signIn?: boolean } }).details?.signIn === true;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `<title> – <date>` (local time), within Graph's name limit. */
export function runSessionName(title: string, now = new Date()): string {
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}`;
  const suffix = ` – ${date}`;
  const clean = [...title].map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? ' ' : c)).join('').replace(/\s+/g, ' ').trim() || 'Promptbook';
  const max = 200 - suffix.length;
  const chars = [...clean];
  return (chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : clean) + suffix;
}

function notebookTitle(notebook: vscode.NotebookDocument, fm: FrontMatter): string {
  if (fm.title?.trim()) return fm.title.trim();
  const base = notebook.uri.path.split('/').pop() ?? 'Promptbook';
  return base.replace(/\.promptbook\.md$/i, '').replace(/\.md$/i, '') || 'Promptbook';
}

function markdownOutput(text: string): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.text(text, 'text/markdown')]);
}

/** Escapes text that goes into Markdown we write (messages, states), not answers. */
function escapeMd(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`);
}

function liveText(entry: PromptEntry | undefined, started: number): string {
  const seconds = Math.max(0, Math.round((Date.now() - started) / 1000));
  if (!entry) return `⏳ Sending the prompt… (${seconds} s)`;
  const run = entry.run;
  const latest = entry.evaluations?.at(-1);
  switch (run.kind) {
    case 'starting':
      return `⏳ ${vscode.l10n.t('Starting the evaluation… ({0} s)', seconds)}`;
    case 'checking':
      return `⏳ ${escapeMd(run.message)} (${seconds} s)`;
    case 'following':
      return `⏳ ${vscode.l10n.t('Security Copilot is working on it: {0} ({1} s)', `\`${latest?.state ?? 'running'}\``, seconds)}${run.note ? `\n\n${escapeMd(run.note)}` : ''}`;
    case 'failed':
      return `⚠️ ${escapeMd(run.message)}`;
    default:
      return latest ? `⏳ \`${latest.state}\` (${seconds} s)` : `⏳ ${vscode.l10n.t('Waiting… ({0} s)', seconds)}`;
  }
}

function outcomeTitle(kind: EvaluationOutcome['kind']): string {
  switch (kind) {
    case 'success':
      return vscode.l10n.t('Answered');
    case 'error':
      return vscode.l10n.t('Error');
    case 'rejected':
      return vscode.l10n.t('Rejected');
    case 'timedOut':
      return vscode.l10n.t('Timed out');
    case 'capacityExceeded':
      return vscode.l10n.t('Capacity exceeded');
    case 'needAdditionalClaims':
      return vscode.l10n.t('Sign-in needs more');
    case 'cancelled':
      return vscode.l10n.t('Cancelled');
    case 'unknown':
      return vscode.l10n.t('No result');
  }
}

const notRunRest = (): string => `*${vscode.l10n.t('The rest of the promptbook was not run.')}*`;

function failureText(outcome: EvaluationOutcome): string {
  const lines = [`❌ **${outcomeTitle(outcome.kind)}.** ${escapeMd(outcome.message)}`];
  if (outcome.content?.trim()) lines.push('', '> ' + escapeMd(outcome.content.trim()).replace(/\n/g, '\n> '));
  lines.push('', notRunRest());
  return lines.join('\n');
}

/** Asks for input values: an input box per input, titled with its name and description, default filled. */
export async function askInputs(
  names: readonly string[],
  declared: readonly InputDeclaration[],
  remembered: Readonly<Record<string, string>>,
  preset: Readonly<Record<string, string>>,
  title: string,
  onAsk?: (name: string | undefined) => void,
): Promise<Record<string, string> | undefined> {
  const values: Record<string, string> = {};
  const toAsk = names.filter((n) => !Object.prototype.hasOwnProperty.call(preset, n));
  for (const n of names) if (Object.prototype.hasOwnProperty.call(preset, n)) values[n] = preset[n];
  for (const [i, name] of toAsk.entries()) {
    const decl = declared.find((d) => d.name === name);
    const description = decl?.description?.trim();
    onAsk?.(name);
    const value = await vscode.window.showInputBox({
      title: `${name}${description ? ` — ${description}` : ''}`,
      prompt: decl
        ? vscode.l10n.t('Input {0} of {1} for "{2}"', i + 1, toAsk.length, title)
        : vscode.l10n.t('Input {0} of {1} for "{2}" (used in a prompt, not declared in the front matter)', i + 1, toAsk.length, title),
      value: remembered[name] ?? decl?.default ?? '',
      placeHolder: description ?? name,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Enter a value for {0}.', name) : undefined),
    });
    onAsk?.(undefined);
    if (value === undefined) return undefined;
    values[name] = value.trim();
  }
  return values;
}

export class PromptbookController extends Disposable {
  readonly controller: vscode.NotebookController;
  private readonly runs = new Map<string, ActiveRun>();
  private readonly sessions = new Map<string, RunSession>();
  private readonly sessionChanged = this.register(new vscode.EventEmitter<vscode.Uri>());
  /** A notebook's run session changed (the toolbar follows). */
  readonly onDidChangeRunSession = this.sessionChanged.event;
  private executionOrder = 0;
  /** The input being asked right now (tests wait on it before answering the box). */
  askingInput: string | undefined;

  private readonly copilot: Copilot;
  /** The extension bundle's error mapping (src/errors.ts) and read-only message: dist/promptbook.js has no copies. */
  private readonly describeError: PromptbookHost['describeError'];
  private readonly readOnlyRefusal: PromptbookHost['readOnlyRefusal'];

  constructor(
    host: PromptbookHost,
    private readonly state: vscode.Memento,
  ) {
    super();
    this.copilot = host.copilot;
    this.describeError = host.describeError;
    this.readOnlyRefusal = host.readOnlyRefusal;
    this.controller = this.register(vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, 'Security Copilot'));
    this.controller.supportedLanguages = [PROMPT_LANGUAGE];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = vscode.l10n.t('Runs the prompts in one Security Copilot session');
    this.controller.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    this.controller.interruptHandler = (notebook) => this.interrupt(notebook);
    this.register(
      vscode.workspace.onDidCloseNotebookDocument((nb) => {
        this.sessions.delete(nb.uri.toString());
      }),
    );
    this.register(vscode.window.onDidChangeActiveNotebookEditor(() => this.updateContext()));
    this.register(this.onDidChangeRunSession(() => this.updateContext()));
    this.register(this.copilot.engine.onDidReset(() => {
      this.sessions.clear();
      this.updateContext();
    }));
  }

  private updateContext(): void {
    const nb = vscode.window.activeNotebookEditor?.notebook;
    void vscode.commands.executeCommand('setContext', CONTEXT_HAS_SESSION, !!nb && this.sessions.has(nb.uri.toString()));
  }

  runSession(notebook: vscode.Uri): RunSession | undefined {
    return this.sessions.get(notebook.toString());
  }

  isRunning(notebook: vscode.Uri): boolean {
    return this.runs.has(notebook.toString());
  }

  /** Resolves when the notebook's run (if any) has ended. */
  async whenIdle(notebook: vscode.Uri): Promise<void> {
    await this.runs.get(notebook.toString())?.done;
  }

  private remembered(notebook: vscode.NotebookDocument): Record<string, string> {
    const all = this.state.get<Record<string, Record<string, string>>>(INPUTS_STATE_KEY, {});
    return all[notebook.uri.toString()] ?? {};
  }

  private async remember(notebook: vscode.NotebookDocument, values: Record<string, string>): Promise<void> {
    const all = { ...this.state.get<Record<string, Record<string, string>>>(INPUTS_STATE_KEY, {}) };
    all[notebook.uri.toString()] = { ...all[notebook.uri.toString()], ...values };
    await this.state.update(INPUTS_STATE_KEY, all);
  }

  /** Makes sure this controller is the notebook's kernel (a command may run a notebook nobody selected a kernel for). */
  async ensureSelected(editor: vscode.NotebookEditor): Promise<void> {
    this.controller.updateNotebookAffinity(editor.notebook, vscode.NotebookControllerAffinity.Preferred);
    await vscode.commands.executeCommand('notebook.selectKernel', { notebookEditor: editor, id: CONTROLLER_ID, extension: 'security-copilot-vscode.security-copilot' });
  }

  /** Run All from a command: every prompt cell, in order. */
  runAll(notebook: vscode.NotebookDocument, options: RunOptions = {}): Promise<void> {
    return this.execute(notebook.getCells().filter(isPromptCell), notebook, options, true);
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument, options: RunOptions = {}, forceAll = false): Promise<void> {
    const key = notebook.uri.toString();
    if (this.runs.has(key)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This promptbook is already running. Stop it first (Interrupt) to start again.'));
      return;
    }
    const prompts = cells.filter(isPromptCell).sort((a, b) => a.index - b.index);
    if (!prompts.length) return;
    if (this.copilot.readOnly) {
      await this.refuseReadOnly(prompts[0]);
      return;
    }
    const all = notebook.getCells().filter(isPromptCell);
    const existing = this.sessions.get(key);
    // Run All (every prompt cell) starts a new session; a cell (or a few) goes into the current run's session.
    const whole = forceAll || (prompts.length === all.length && (prompts.length > 1 || !existing));
    const run: ActiveRun = { notebook, abort: new AbortController(), done: Promise.resolve() };
    this.runs.set(key, run);
    let finish: () => void = () => undefined;
    run.done = new Promise<void>((r) => (finish = r));
    try {
      await this.runCells(run, prompts, whole, options);
    } catch (e) {
      if (!isCancelledError(e) && !(e instanceof vscode.CancellationError)) {
        this.copilot.log.error('Promptbook run failed', e);
        const view = this.describeError(e);
        if (!view.cancelled) {
          const signIn = vscode.l10n.t('Sign In');
          const actions = view.signIn ? [signIn] : [];
          void vscode.window.showErrorMessage(vscode.l10n.t('Could not run the promptbook: {0}', view.message), ...actions).then((a) => {
            if (a === signIn) void vscode.commands.executeCommand('securityCopilot.signIn');
          });
        }
      }
    } finally {
      this.runs.delete(key);
      finish();
    }
  }

  /** Read-only mode: no input is asked and nothing is sent; the first cell and a warning say why. */
  private async refuseReadOnly(first: vscode.NotebookCell): Promise<void> {
    const reason = this.readOnlyRefusal();
    const ex = this.controller.createNotebookCellExecution(first);
    ex.start(Date.now());
    await ex.replaceOutput(markdownOutput(`🔒 ${escapeMd(reason)}`));
    ex.end(false, Date.now());
    const open = vscode.l10n.t('Open Setting');
    void vscode.window.showWarningMessage(reason, open).then((a) => {
      if (a === open) void vscode.commands.executeCommand('workbench.action.openSettings', 'securityCopilot.auth.access');
    });
  }

  private async runCells(run: ActiveRun, prompts: vscode.NotebookCell[], whole: boolean, options: RunOptions): Promise<void> {
    const { notebook } = run;
    const key = notebook.uri.toString();
    const fm = await readNotebookFrontMatter(notebook);
    if (fm.problems.length) {
      const p = fm.problems[0];
      void vscode.window.showErrorMessage(
        fm.problems.length === 1
          ? vscode.l10n.t("The promptbook's front matter has a problem; nothing was sent. Line {0}: {1}", p.line + 2, p.message)
          : vscode.l10n.t("The promptbook's front matter has {0} problems; nothing was sent. Line {1}: {2}", fm.problems.length, p.line + 2, p.message),
      );
      return;
    }
    const title = notebookTitle(notebook, fm);
    const existing = whole ? undefined : this.sessions.get(key);

    // Inputs: every one used by the prompts to run, declared ones first, each asked once.
    const used = new Set(prompts.flatMap((c) => placeholders(c.document.getText())));
    const names = [...fm.inputs.map((i) => i.name).filter((n) => used.has(n)), ...[...used].filter((n) => !fm.inputs.some((i) => i.name === n))];
    const preset = { ...existing?.values, ...options.inputs };
    const values = await askInputs(names, fm.inputs, this.remembered(notebook), preset, title, (n) => (this.askingInput = n));
    if (!values) return;
    await this.remember(notebook, values);

    const texts = prompts.map((c) => fillPlaceholders(c.document.getText(), values).trim());
    const empty = prompts.findIndex((_, i) => texts[i] === '');
    if (empty >= 0) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Prompt {0} is empty; nothing was sent.', empty + 1));
      return;
    }

    const confirmSetting = vscode.workspace.getConfiguration('securityCopilot').get<boolean>('promptbooks.confirmRun', true);
    if (options.confirm ?? (confirmSetting && (whole || prompts.length > 1))) {
      const n = prompts.length;
      const question = existing
        ? n === 1
          ? vscode.l10n.t('Run 1 prompt of "{0}" in the session "{1}"?', title, existing.name)
          : vscode.l10n.t('Run {0} prompts of "{1}" in the session "{2}"?', n, title, existing.name)
        : n === 1
          ? vscode.l10n.t('Run 1 prompt of "{0}" in a new session?', title)
          : vscode.l10n.t('Run {0} prompts of "{1}" in a new session?', n, title);
      const runLabel = vscode.l10n.t('Run');
      const choice = await vscode.window.showWarningMessage(
        question,
        {
          modal: true,
          detail: vscode.l10n.t(
            'Each prompt is one Security Copilot evaluation and is billed (Security Compute Units). They run in order, each after the previous answer. Turn off this question with the setting securityCopilot.promptbooks.confirmRun.',
          ),
        },
        runLabel,
      );
      if (choice !== runLabel) return;
    }

    // Executions for every cell first (they show as queued), started one by one.
    const executions = prompts.map((cell) => this.controller.createNotebookCellExecution(cell));
    let next = 0;
    const leaveUnrun = async (): Promise<void> => {
      for (; next < executions.length; next++) {
        const ex = executions[next];
        ex.start();
        await ex.clearOutput();
        ex.end(undefined);
      }
    };
    try {
      let session = existing;
      if (!session) {
        const name = runSessionName(title);
        const checked = validateDisplayName(name);
        if (!checked.ok) throw new Error(checked.message);
        const created = await this.copilot.engine.createSession(checked.value);
        session = { sessionId: created.id, name: created.displayName ?? checked.value, values };
      } else {
        session = { ...session, values: { ...session.values, ...values } };
      }
      this.sessions.set(key, session);
      this.sessionChanged.fire(notebook.uri);

      for (; next < executions.length; next++) {
        if (run.abort.signal.aborted) break;
        const ex = executions[next];
        const ok = await this.runOne(run, ex, session.sessionId, texts[next]);
        if (!ok) {
          next++;
          break;
        }
      }
    } catch (e) {
      // The session could not be created (or the first send failed before a cell started): say so on the first cell.
      const ex = executions[next];
      if (ex) {
        ex.start(Date.now());
        const view = this.describeError(e);
        await ex.replaceOutput(markdownOutput(`❌ ${escapeMd(view.message)}\n\n*The promptbook was not run.*`));
        ex.end(false, Date.now());
        next++;
      }
      await leaveUnrun();
      if (!this.describeError(e).cancelled) throw e;
      return;
    }
    await leaveUnrun();
  }

  /** Sends one prompt and shows its state, then its answer. False when the run must stop. */
  private async runOne(run: ActiveRun, ex: vscode.NotebookCellExecution, sessionId: string, text: string): Promise<boolean> {
    const started = Date.now();
    ex.executionOrder = ++this.executionOrder;
    ex.start(started);
    await ex.clearOutput();
    let last: PromptEntry | undefined;
    let shown = '';
    const show = (content: string): void => {
      if (content === shown) return;
      shown = content;
      void ex.replaceOutput(markdownOutput(content));
    };
    show(liveText(undefined, started));
    const ticker = setInterval(() => show(liveText(last, started)), 1000);
    const engine = this.copilot.engine;
    try {
      const ref = await engine.submit(sessionId, text);
      run.current = { sessionId: ref.sessionId, promptId: ref.promptId };
      if (run.abort.signal.aborted) await this.interruptPrompt(run);
      const result = await engine.waitForAnswer(ref.sessionId, ref.promptId, {
        signal: run.abort.signal,
        onUpdate: (entry) => {
          last = entry;
          show(liveText(entry, started));
        },
      });
      clearInterval(ticker);
      const outcome = result.outcome;
      if (outcome.kind === 'success') {
        await ex.replaceOutput(markdownOutput(outcome.content?.trim() ? outcome.content : `*${escapeMd(outcome.message)}*`));
        ex.end(true, Date.now());
        return true;
      }
      await ex.replaceOutput(markdownOutput(failureText(outcome)));
      ex.end(false, Date.now());
      return false;
    } catch (e) {
      clearInterval(ticker);
      if (run.interrupted || isCancelledError(e)) {
        const message =
          run.interrupted === 'stopped'
            ? `⏹️ ${vscode.l10n.t('Stopped following.')} ${escapeMd(run.interruptMessage ?? vscode.l10n.t('The evaluation may still finish in the session.'))}`
            : `⏹️ ${vscode.l10n.t('Cancelled.')}`;
        await ex.replaceOutput(markdownOutput(`${message}\n\n${notRunRest()}`));
        ex.end(undefined, Date.now());
        return false;
      }
      const view = this.describeError(e);
      await ex.replaceOutput(markdownOutput(`❌ ${escapeMd(view.message)}\n\n${notRunRest()}`));
      ex.end(false, Date.now());
      if (view.signIn || engineAsksSignIn(e)) {
        void vscode.window.showErrorMessage(vscode.l10n.t('The promptbook stopped: {0}', view.message), vscode.l10n.t('Sign In Again')).then((a) => {
          if (a) void vscode.commands.executeCommand('securityCopilot.signInAgain');
        });
      }
      return false;
    } finally {
      clearInterval(ticker);
      run.current = undefined;
    }
  }

  /** Cancels the running prompt on the service (or, where that is refused, stops following it). */
  private async interruptPrompt(run: ActiveRun): Promise<void> {
    const current = run.current;
    if (!current) return;
    const engine = this.copilot.engine;
    const result = await engine.cancel(current.sessionId, current.promptId).catch((e: unknown) => ({ kind: 'failed' as const, message: String(e) }));
    if (result.kind === 'cancelled' || result.kind === 'notRunning') {
      run.interrupted = 'cancelled';
    } else {
      engine.stop(current.sessionId, current.promptId);
      run.interrupted = 'stopped';
      run.interruptMessage = result.kind === 'unsupported' ? result.message : vscode.l10n.t('Could not cancel ({0}); it may still finish in the session.', result.message);
    }
    run.abort.abort();
  }

  private async interrupt(notebook: vscode.NotebookDocument): Promise<void> {
    const run = this.runs.get(notebook.uri.toString());
    if (!run) return;
    if (run.current) {
      await this.interruptPrompt(run);
    } else {
      // Not waiting on a prompt yet (creating the session, or between prompts): stop before the next one.
      run.interrupted = 'cancelled';
      run.abort.abort();
    }
  }
}
