import * as vscode from 'vscode';
import { validateDisplayName, validateId } from '../graph';
import { sessionLabel } from '../shared/protocol';
import { pickSession } from '../ui/sessionPicker';
import { sessionIdFromArgument, type CommandDefinition } from './context';
import { validationMessage } from './createSession';

export const renameSession: CommandDefinition = {
  id: 'securityCopilot.renameSession',
  verb: 'rename the session',
  run: async (ctx, arg) => {
    let id = sessionIdFromArgument(arg);
    if (id === undefined) {
      const picked = await pickSession(ctx.copilot, { title: 'Rename Session' });
      if (picked?.kind !== 'session') return undefined;
      id = picked.id;
    }
    const checkedId = validateId(id, 'Session ID');
    if (!checkedId.ok) {
      void vscode.window.showErrorMessage(checkedId.message);
      return undefined;
    }
    const { client, workspaceId, store } = ctx.copilot;
    const current = store.get(checkedId.value) ?? (await client.getSession(workspaceId, checkedId.value));
    const name = await vscode.window.showInputBox({
      title: `Rename "${sessionLabel(current.displayName)}"`,
      prompt: 'New name for the session',
      value: current.displayName ?? '',
      ignoreFocusOut: true,
      validateInput: validationMessage,
    });
    if (name === undefined) return undefined;
    const checked = validateDisplayName(name);
    if (!checked.ok) {
      void vscode.window.showErrorMessage(checked.message);
      return undefined;
    }
    if (checked.value === current.displayName) return current.id;
    const updated = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Renaming to "${checked.value}"…` },
      () => client.renameSession(workspaceId, current.id, checked.value),
    );
    store.upsert(updated);
    return updated.id;
  },
};
