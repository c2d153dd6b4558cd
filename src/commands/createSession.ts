import * as vscode from 'vscode';
import type { Session } from '../graph';
import { askSessionName, type CommandContext, type CommandDefinition } from './context';

/** Asks for a name (validated live) and creates the session; undefined when the user cancels. */
export async function createSessionInteractive(ctx: CommandContext, suggestedName = ''): Promise<Session | undefined> {
  const name = await askSessionName({
    title: vscode.l10n.t('Create Copilot Session'),
    prompt: vscode.l10n.t('Name of the new Security Copilot session'),
    placeHolder: 'e.g. Investigate sign-ins from 203.0.113.7',
    value: suggestedName,
  });
  if (name === undefined) return undefined;
  // Not cancellable: once the POST is sent, cancelling could not undo the create. The engine never repeats a
  // create; after a lost response it looks the session up instead.
  const session = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating session "{0}"…', name) },
    () => ctx.copilot.engine.createSession(name),
  );
  ctx.copilot.log.info(`Created session ${session.id}.`);
  return session;
}

export const createSession: CommandDefinition = {
  id: 'securityCopilot.createSession',
  verb: 'create the session',
  write: true,
  // A caller (a keybinding's args, another command) may suggest a name; the user still confirms it.
  run: async (ctx, suggestedName) => {
    const session = await createSessionInteractive(ctx, typeof suggestedName === 'string' ? suggestedName : '');
    if (!session) return undefined;
    await ctx.tree.reveal(session.id);
    ctx.panels.show(session.id);
    return session.id;
  },
};
