import * as vscode from 'vscode';
import { resolveSessionId, type CommandDefinition } from './context';

export const copySessionId: CommandDefinition = {
  id: 'securityCopilot.copySessionId',
  verb: 'copy the session ID',
  run: async (ctx, arg) => {
    const id = await resolveSessionId(ctx, arg, vscode.l10n.t('Copy Session ID'));
    if (id === undefined) return undefined;
    await vscode.env.clipboard.writeText(id);
    vscode.window.setStatusBarMessage(`$(check) Copied session ID ${id}`, 4000);
    return id;
  },
};
