import * as vscode from 'vscode';
import { isSignedOutError } from './auth/auth';
import { adviceForSignInError, FORBIDDEN_ADVICE } from './core/signInErrors';
import { isGraphError, mayHaveBeenProcessed, type GraphError } from './graph';
import { redact } from './masking/rules';

export interface ErrorView {
  message: string;
  /** Offer "Sign In". */
  signIn: boolean;
  /** Offer "Open Setup Guide". */
  setupGuide: boolean;
  /** The user cancelled: show nothing. */
  cancelled: boolean;
}

function graphStatus(e: GraphError): string {
  return e.requestId ? ` (request id ${e.requestId})` : '';
}

/**
 * A sign-in the user cancelled or declined. VS Code's providers reject with messages such as "User did not
 * consent to login." or "Cancelled"; none of them has a documented error type, so the text is matched.
 */
export function isCancelledSignIn(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const m = error.message;
  return /did not consent|user cancel|cancelled by (the )?user/i.test(m) || (/cancel/i.test(m) && /sign|auth|login/i.test(m));
}

/** One place that turns any failure into what the user reads (redacted: Graph may echo a token back). */
export function describeError(error: unknown): ErrorView {
  const view = (message: string, extra: Partial<ErrorView> = {}): ErrorView => ({
    message: redact(message),
    signIn: false,
    setupGuide: false,
    cancelled: false,
    ...extra,
  });
  if (isSignedOutError(error)) return view(error.message || 'Sign in to Security Copilot to continue.', { signIn: true });
  if (error instanceof vscode.CancellationError) return view('Cancelled.', { cancelled: true });
  if (isGraphError(error)) {
    switch (error.name) {
      case 'GraphCancelledError':
        return view('Cancelled.', { cancelled: true });
      case 'GraphAuthError':
        if (error.status === 403) return view(FORBIDDEN_ADVICE.message + graphStatus(error), { setupGuide: true });
        return view(`Microsoft Graph rejected your sign-in. Sign in again.${graphStatus(error)}`, { signIn: true });
      default: {
        // A create that failed ambiguously is never retried; say so, so the user checks before trying again.
        const hint = mayHaveBeenProcessed(error) ? ' It may have gone through anyway: refresh before trying again.' : '';
        return view(`${error.message}${hint}`);
      }
    }
  }
  if (error instanceof Error && error.name === 'ConfigurationError') return view(error.message);
  if (error instanceof Error && error.name === 'WrongTenantError') return view(error.message, { setupGuide: true });
  const advice = adviceForSignInError(error);
  if (advice) return view(advice.message, { setupGuide: advice.showSetupGuide });
  if (isCancelledSignIn(error)) {
    return view('Sign-in was cancelled.', { cancelled: true });
  }
  return view(error instanceof Error ? error.message : String(error));
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
