// Promptbooks (in dist/promptbook.js): `*.promptbook.md` files run through the engine (controller), with front
// matter problems shown in the editor, completion of declared inputs, and the run's session in the status bar
// while the promptbook is the active editor. The serializer is registered at activation by src/promptbook/index.ts.
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { placeholders } from './format';
import { PromptbookController, readNotebookFrontMatter } from './controller';
import type { PromptbookHost } from './host';
import { NOTEBOOK_TYPE, PROMPT_LANGUAGE } from './ids';
import { isFrontMatterCell } from './serializer';

function notebookOfCell(doc: vscode.TextDocument): vscode.NotebookDocument | undefined {
  const uri = doc.uri.toString();
  return vscode.workspace.notebookDocuments.find((nb) => nb.notebookType === NOTEBOOK_TYPE && nb.getCells().some((c) => c.document.uri.toString() === uri));
}

export class Promptbooks extends Disposable {
  readonly controller: PromptbookController;
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('securityCopilot.promptbook'));
  private readonly statusItem = this.register(vscode.window.createStatusBarItem('securityCopilot.promptbookSession', vscode.StatusBarAlignment.Left, 9));
  private readonly checks = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(host: PromptbookHost, state: vscode.Memento) {
    super();
    const { copilot } = host;
    this.controller = this.register(new PromptbookController(host, state));

    // Front matter problems (bad YAML, misshapen inputs) show on the front matter cell.
    this.register(vscode.workspace.onDidOpenNotebookDocument((nb) => this.scheduleCheck(nb, 0)));
    this.register(
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.notebook.notebookType === NOTEBOOK_TYPE) this.scheduleCheck(e.notebook, 300);
      }),
    );
    this.register(vscode.workspace.onDidCloseNotebookDocument((nb) => this.clearDiagnostics(nb)));
    for (const nb of vscode.workspace.notebookDocuments) this.scheduleCheck(nb, 0);
    this.register({ dispose: () => this.checks.forEach((t) => clearTimeout(t)) });

    this.register(
      vscode.languages.registerCompletionItemProvider({ language: PROMPT_LANGUAGE }, { provideCompletionItems: (doc, pos) => this.complete(doc, pos) }, '{'),
    );

    this.statusItem.name = vscode.l10n.t('Security Copilot promptbook session');
    this.statusItem.command = 'securityCopilot.promptbookSessionMenu';
    this.register(vscode.window.onDidChangeActiveNotebookEditor(() => this.updateStatus()));
    this.register(this.controller.onDidChangeRunSession(() => this.updateStatus()));
    this.register(copilot.engine.onDidChangeSession(() => this.updateStatus()));
    this.updateStatus();
  }

  private updateStatus(): void {
    const nb = vscode.window.activeNotebookEditor?.notebook;
    const run = nb?.notebookType === NOTEBOOK_TYPE ? this.controller.runSession(nb.uri) : undefined;
    if (!run) {
      this.statusItem.hide();
      return;
    }
    this.statusItem.text = `$(notebook) ${vscode.l10n.t('Session {0}', run.sessionId.slice(0, 8))}`;
    this.statusItem.tooltip = vscode.l10n.t("Session of this promptbook's run: {0}\n{1}\nClick to open it in the panel, export it or copy its ID.", run.name, run.sessionId);
    this.statusItem.accessibilityInformation = { label: vscode.l10n.t('Promptbook session {0}, {1}', run.name, run.sessionId) };
    this.statusItem.show();
  }

  private scheduleCheck(nb: vscode.NotebookDocument, delay: number): void {
    if (nb.notebookType !== NOTEBOOK_TYPE) return;
    const key = nb.uri.toString();
    clearTimeout(this.checks.get(key));
    this.checks.set(
      key,
      setTimeout(() => {
        this.checks.delete(key);
        void this.check(nb);
      }, delay),
    );
  }

  private clearDiagnostics(nb: vscode.NotebookDocument): void {
    for (const cell of nb.getCells()) this.diagnostics.delete(cell.document.uri);
  }

  private async check(nb: vscode.NotebookDocument): Promise<void> {
    if (nb.isClosed) return;
    this.clearDiagnostics(nb);
    const first = nb.cellCount ? nb.cellAt(0) : undefined;
    if (!first || !isFrontMatterCell(first)) return;
    const fm = await readNotebookFrontMatter(nb);
    if (nb.isClosed) return;
    const doc = first.document;
    this.diagnostics.set(
      doc.uri,
      fm.problems.map((p) => {
        const line = Math.min(p.line, Math.max(0, doc.lineCount - 1));
        const range = doc.lineAt(line).range.with({ start: new vscode.Position(line, Math.min(p.column, doc.lineAt(line).text.length)) });
        const d = new vscode.Diagnostic(range, `${p.message} Nothing runs until this is fixed; the file is saved as written.`, vscode.DiagnosticSeverity.Error);
        d.source = 'Security Copilot promptbook';
        return d;
      }),
    );
  }

  /** The front matter problems shown for a notebook (tests). */
  problemsOf(nb: vscode.NotebookDocument): readonly vscode.Diagnostic[] {
    const first = nb.cellCount ? nb.cellAt(0) : undefined;
    return first ? this.diagnostics.get(first.document.uri) ?? [] : [];
  }

  private async complete(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    const before = doc.lineAt(pos.line).text.slice(0, pos.character);
    const m = /\{\{?\s*([\w.-]*)$/.exec(before);
    if (!m) return undefined;
    const nb = notebookOfCell(doc);
    if (!nb) return undefined;
    const fm = await readNotebookFrontMatter(nb);
    const after = doc.lineAt(pos.line).text.slice(pos.character);
    const closing = /^\s*\}\}/.exec(after)?.[0].length ?? 0;
    const range = new vscode.Range(pos.line, pos.character - m[0].length, pos.line, pos.character + closing);
    const items = fm.inputs.map((input, i) => {
      const item = new vscode.CompletionItem(input.name, vscode.CompletionItemKind.Variable);
      item.detail = input.description ?? vscode.l10n.t('Promptbook input');
      if (input.default !== undefined) item.documentation = vscode.l10n.t('Default: {0}', input.default);
      item.insertText = `{{${input.name}}}`;
      item.filterText = `{{${input.name}}}`;
      item.range = range;
      item.sortText = String(i).padStart(4, '0');
      return item;
    });
    // Inputs used in other prompts but not declared are offered too (they are asked for when the book runs).
    const declared = new Set(fm.inputs.map((i) => i.name));
    const undeclared = new Set(nb.getCells().filter((c) => c.document !== doc && c.document.languageId === PROMPT_LANGUAGE).flatMap((c) => placeholders(c.document.getText())));
    for (const name of undeclared) {
      if (declared.has(name)) continue;
      const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Variable);
      item.detail = vscode.l10n.t('Used in another prompt (not declared in the front matter)');
      item.insertText = `{{${name}}}`;
      item.filterText = `{{${name}}}`;
      item.range = range;
      item.sortText = `1${name}`;
      items.push(item);
    }
    return items;
  }
}
