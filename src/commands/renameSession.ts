import * as vscode from 'vscode';
import { sessionLabel } from '../shared/protocol';
import { askSessionName, resolveSessionId, type CommandDefinition } from './context';

export const renameSession: CommandDefinition = {
  id: 'securityCopilot.renameSession',
  verb: 'rename the session',
  write: true,
  // A caller may suggest the new name (second argument); the user still confirms it.
  run: async (ctx, arg, suggestedName) => {
    const id = await resolveSessionId(ctx, arg, vscode.l10n.t('Rename Session'));
    if (id === undefined) return undefined;
    const { client, workspaceId, engine } = ctx.copilot;
    const current = engine.session(id) ?? (await client.getSession(workspaceId, id));
    const name = await askSessionName({
      title: vscode.l10n.t('Rename "{0}"', sessionLabel(current.displayName)),
      prompt: vscode.l10n.t('New name for the session'),
      value: typeof suggestedName === 'string' ? suggestedName : (current.displayName ?? ''),
    });
    if (name === undefined) return undefined;
    if (name === current.displayName) return current.id;
    const updated = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Renaming to "{0}"…', name) },
      () => engine.rename(current.id, name),
    );
    return updated.id;
  },
};
