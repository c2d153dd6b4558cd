import { validateId } from '../graph';
import { pickSession } from '../ui/sessionPicker';
import { sessionIdFromArgument, type CommandDefinition } from './context';
import * as vscode from 'vscode';

export const openSession: CommandDefinition = {
  id: 'securityCopilot.openSession',
  verb: 'open the session',
  run: async (ctx, arg) => {
    let id = sessionIdFromArgument(arg);
    if (id === undefined) {
      const picked = await pickSession(ctx.copilot, { title: 'Open Session', placeHolder: 'Type to filter, or choose "Open by session ID…"' });
      if (picked?.kind !== 'session') return undefined;
      id = picked.id;
    }
    const checked = validateId(id, 'Session ID');
    if (!checked.ok) {
      void vscode.window.showErrorMessage(checked.message);
      return undefined;
    }
    ctx.panels.show(checked.value);
    void ctx.tree.reveal(checked.value);
    return checked.value;
  },
};
