// Promptbooks: `*.promptbook.md` files opened as notebooks, run through the engine. This file is the part in the
// extension bundle: the serializer VS Code needs before a promptbook opens, registered at activation as a
// stand-in that loads dist/promptbook.js (src/promptbook/features.ts) on its first call, and builds the rest of
// Promptbooks (controller, diagnostics, completions, status bar) at the same time.
import * as vscode from 'vscode';
import type { PromptbookSerializer } from './serializer';
import { NOTEBOOK_TYPE } from './ids';
import { loadPromptbook } from './load';

export { NOTEBOOK_TYPE, PROMPT_LANGUAGE } from './ids';
export type { Promptbooks } from './promptbooks';

/** Outputs don't make a promptbook dirty and are never saved. */
export const SERIALIZER_OPTIONS: vscode.NotebookDocumentContentOptions = { transientOutputs: true };

/**
 * The `*.promptbook.md` serializer, registered at activation (VS Code may open a promptbook as soon as activation
 * ends). `ready` builds Promptbooks (and so the notebook controller) before the first notebook opens.
 */
export function registerPromptbookSerializer(ready: () => void): vscode.Disposable {
  let real: PromptbookSerializer | undefined;
  const serializer = (): PromptbookSerializer => {
    if (!real) {
      real = new (loadPromptbook().PromptbookSerializer)();
      ready();
    }
    return real;
  };
  return vscode.workspace.registerNotebookSerializer(
    NOTEBOOK_TYPE,
    {
      deserializeNotebook: (content) => serializer().deserializeNotebook(content),
      serializeNotebook: (data) => serializer().serializeNotebook(data),
    },
    SERIALIZER_OPTIONS,
  );
}

/** Builds Promptbooks when a promptbook is (or gets) open without going through the serializer (untitled ones). */
export function whenPromptbookOpens(ready: () => void): vscode.Disposable {
  if (vscode.workspace.notebookDocuments.some((nb) => nb.notebookType === NOTEBOOK_TYPE)) ready();
  return vscode.workspace.onDidOpenNotebookDocument((nb) => {
    if (nb.notebookType === NOTEBOOK_TYPE) ready();
  });
}

/** The notebook a command acts on: its URI argument, or the active promptbook editor. */
export function notebookFromArgument(arg: unknown): vscode.NotebookDocument | undefined {
  const uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.parse(arg) : undefined;
  if (uri) return vscode.workspace.notebookDocuments.find((nb) => nb.uri.toString() === uri.toString());
  const nb = vscode.window.activeNotebookEditor?.notebook;
  return nb?.notebookType === NOTEBOOK_TYPE ? nb : undefined;
}
