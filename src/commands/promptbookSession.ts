// The session of a promptbook's run, from the notebook toolbar and the status bar: open it, export it, copy its id.
import * as vscode from 'vscode';
import { notebookFromArgument } from '../promptbook';
import type { CommandContext, CommandDefinition } from './context';

function runSessionOf(ctx: CommandContext, arg: unknown): string | undefined {
  // The notebook toolbar passes `{ notebookEditor: { notebookUri } }`; others pass a URI or nothing.
  const fromToolbar = (arg as { notebookEditor?: { notebookUri?: vscode.Uri } } | undefined)?.notebookEditor?.notebookUri;
  const nb = notebookFromArgument(fromToolbar ?? arg);
  const session = nb ? ctx.promptbooks?.controller.runSession(nb.uri) : undefined;
  if (!session) void vscode.window.showInformationMessage(vscode.l10n.t('This promptbook has not run yet in this window: Run All creates its session.'));
  return session?.sessionId;
}

export const openPromptbookSession: CommandDefinition = {
  id: 'securityCopilot.openPromptbookSession',
  verb: "open the promptbook's session",
  run: async (ctx, arg) => {
    const id = runSessionOf(ctx, arg);
    if (!id) return undefined;
    ctx.panels.show(id);
    return id;
  },
};

export const exportPromptbookSession: CommandDefinition = {
  id: 'securityCopilot.exportPromptbookSession',
  verb: "export the promptbook's session",
  run: async (ctx, arg) => {
    const id = runSessionOf(ctx, arg);
    if (!id) return undefined;
    return vscode.commands.executeCommand('securityCopilot.exportSession', id);
  },
};

export const promptbookSessionMenu: CommandDefinition = {
  id: 'securityCopilot.promptbookSessionMenu',
  verb: "show the promptbook's session",
  run: async (ctx, arg) => {
    const id = runSessionOf(ctx, arg);
    if (!id) return undefined;
    const items = [
      { label: `$(go-to-file) ${vscode.l10n.t('Open in Panel')}`, command: 'securityCopilot.openSession' },
      { label: `$(export) ${vscode.l10n.t('Export as Markdown')}`, command: 'securityCopilot.exportSession' },
      { label: `$(copy) ${vscode.l10n.t('Copy Session ID')}`, command: 'securityCopilot.copySessionId' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Promptbook session {0}', id) });
    if (picked) await vscode.commands.executeCommand(picked.command, id);
    return id;
  },
};
