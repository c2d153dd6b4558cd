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
  return e.requestId ? ` ${vscode.l10n.t('(request id {0})', e.requestId)}` : '';
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
  if (isSignedOutError(error)) return view(error.message || vscode.l10n.t('Sign in to Security Copilot to continue.'), { signIn: true });
  if (error instanceof vscode.CancellationError) return view(vscode.l10n.t('Cancelled.'), { cancelled: true });
  if (isGraphError(error)) {
    switch (error.name) {
      case 'GraphCancelledError':
        return view(vscode.l10n.t('Cancelled.'), { cancelled: true });
      case 'GraphAuthError':
        if (error.status === 403) return view(FORBIDDEN_ADVICE.message + graphStatus(error), { setupGuide: true });
        return view(vscode.l10n.t('Microsoft Graph rejected your sign-in. Sign in again.') + graphStatus(error), { signIn: true });
      default: {
        // A create that failed ambiguously is never retried; say so, so the user checks before trying again.
        const hint = mayHaveBeenProcessed(error) ? ` ${vscode.l10n.t('It may have gone through anyway: refresh before trying again.')}` : '';
        return view(`${error.message}${hint}`);
      }
    }
  }
  if (error instanceof Error && error.name === 'ConfigurationError') return view(error.message);
  if (error instanceof Error && error.name === 'WrongTenantError') return view(error.message, { setupGuide: true });
  const advice = adviceForSignInError(error);
  // Not localised yet: the advice (src/core, no vscode import) and Graph's own messages stay in English.
  if (advice) return view(advice.message, { setupGuide: advice.showSetupGuide });
  if (isCancelledSignIn(error)) {
    return view(vscode.l10n.t('Sign-in was cancelled.'), { cancelled: true });
  }
  return view(error instanceof Error ? error.message : String(error));
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
