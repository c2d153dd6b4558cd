import * as vscode from 'vscode';
import { describeFailure, type ErrorView } from './core/errorView';

export type { ErrorView } from './core/errorView';

/** One place that turns any failure into what the user reads (see core/errorView.ts). */
export function describeError(error: unknown): ErrorView {
  return describeFailure(error, (e) => e instanceof vscode.CancellationError);
}

/** Shows an error notification with the actions that fit it. */
export async function showError(prefix: string, error: unknown): Promise<void> {
  const e = describeError(error);
  if (e.cancelled) return;
  const signIn = vscode.l10n.t('Sign In');
  const setupGuide = vscode.l10n.t('Open Setup Guide');
  const showLog = vscode.l10n.t('Show Log');
  const actions: string[] = [];
  if (e.signIn) actions.push(signIn);
  if (e.setupGuide) actions.push(setupGuide);
  actions.push(showLog);
  const choice = await vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', prefix, e.message), ...actions);
  if (choice === signIn) await vscode.commands.executeCommand('securityCopilot.signIn');
  else if (choice === setupGuide) await vscode.commands.executeCommand('securityCopilot.openSetupGuide');
  else if (choice === showLog) await vscode.commands.executeCommand('securityCopilot.showLog');
}
