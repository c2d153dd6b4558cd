import * as vscode from 'vscode';
import { validateDisplayName, type Session } from '../graph';
import type { CommandContext, CommandDefinition } from './context';

export function validationMessage(value: string): vscode.InputBoxValidationMessage | undefined {
  const r = validateDisplayName(value);
  return r.ok ? undefined : { message: r.message, severity: vscode.InputBoxValidationSeverity.Error };
}

/** Asks for a name (validated live) and creates the session; undefined when the user cancels. */
export async function createSessionInteractive(ctx: CommandContext, suggestedName = ''): Promise<Session | undefined> {
  const name = await vscode.window.showInputBox({
    title: 'Create Copilot Session',
    prompt: 'Name of the new Security Copilot session',
    placeHolder: 'e.g. Investigate sign-ins from 203.0.113.7',
    value: suggestedName,
    ignoreFocusOut: true,
    validateInput: validationMessage,
  });
  if (name === undefined) return undefined;
  const checked = validateDisplayName(name);
  if (!checked.ok) {
    void vscode.window.showErrorMessage(checked.message);
    return undefined;
  }
  // Not cancellable: once the POST is sent, cancelling could not undo the create, and a create is never
  // retried on an ambiguous failure (the client surfaces it instead).
  const session = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Creating session "${checked.value}"…` },
    () => ctx.copilot.client.createSession(ctx.copilot.workspaceId, checked.value),
  );
  ctx.copilot.store.upsert(session, { addToList: true });
  ctx.copilot.log.info(`Created session ${session.id}.`);
  return session;
}

export const createSession: CommandDefinition = {
  id: 'securityCopilot.createSession',
  verb: 'create the session',
  run: async (ctx) => {
    const session = await createSessionInteractive(ctx);
    if (!session) return undefined;
    await ctx.tree.reveal(session.id);
    ctx.panels.show(session.id);
    return session.id;
  },
};
