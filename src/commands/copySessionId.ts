import * as vscode from 'vscode';
import { pickSession } from '../ui/sessionPicker';
import { sessionIdFromArgument, type CommandDefinition } from './context';

export const copySessionId: CommandDefinition = {
  id: 'securityCopilot.copySessionId',
  verb: 'copy the session ID',
  run: async (ctx, arg) => {
    let id = sessionIdFromArgument(arg);
    if (id === undefined) {
      const picked = await pickSession(ctx.copilot, { title: 'Copy Session ID' });
      if (picked?.kind !== 'session') return undefined;
      id = picked.id;
    }
    await vscode.env.clipboard.writeText(id);
    vscode.window.setStatusBarMessage(`$(check) Copied session ID ${id}`, 4000);
    return id;
  },
};
