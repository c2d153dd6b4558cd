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
  const actions: string[] = [];
  if (e.signIn) actions.push('Sign In');
  if (e.setupGuide) actions.push('Open Setup Guide');
  actions.push('Show Log');
  const choice = await vscode.window.showErrorMessage(`${prefix}: ${e.message}`, ...actions);
  if (choice === 'Sign In') await vscode.commands.executeCommand('securityCopilot.signIn');
  else if (choice === 'Open Setup Guide') await vscode.commands.executeCommand('securityCopilot.openSetupGuide');
  else if (choice === 'Show Log') await vscode.commands.executeCommand('securityCopilot.showLog');
}
