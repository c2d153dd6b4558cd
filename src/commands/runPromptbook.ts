import * as vscode from 'vscode';
import { NOTEBOOK_TYPE, notebookFromArgument } from '../promptbook';
import type { RunOptions } from '../promptbook/controller';
import type { CommandDefinition } from './context';

/**
 * Run Promptbook: from the explorer (a `*.promptbook.md` file), the palette (the active promptbook) or a caller
 * with a URI and options (`{ inputs, confirm }`). Opens the notebook and runs every prompt into one new session.
 */
export const runPromptbook: CommandDefinition = {
  id: 'securityCopilot.runPromptbook',
  verb: 'run the promptbook',
  write: true,
  run: async (ctx, arg, rawOptions) => {
    let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.parse(arg) : undefined;
    uri ??= notebookFromArgument(undefined)?.uri;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        title: vscode.l10n.t('Run Promptbook'),
        canSelectMany: false,
        filters: { Promptbooks: ['promptbook.md', 'md'] },
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      });
      uri = picked?.[0];
      if (!uri) return undefined;
    }
    const notebook = await vscode.workspace.openNotebookDocument(uri);
    if (notebook.notebookType !== NOTEBOOK_TYPE) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Not a promptbook: promptbooks are Markdown files named *.promptbook.md.'));
      return undefined;
    }
    const editor = await vscode.window.showNotebookDocument(notebook, { preview: false });
    const controller = ctx.promptbooks?.controller;
    if (!controller) return undefined;
    await controller.ensureSelected(editor);
    await controller.runAll(notebook, (rawOptions ?? {}) as RunOptions);
    return controller.runSession(notebook.uri)?.sessionId;
  },
};
