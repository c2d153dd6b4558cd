// What the user reads for a failure: the one mapping the tree's error rows, the panel, notifications, chat and
// promptbook cells share (through src/errors.ts). No `vscode` import: the fault tests check it in plain Node.
import { CLAIMS_CHALLENGE, CLAIMS_NOT_SATISFIED, isSignedOutError } from '../auth/errors';
import { isAuthError, isGraphError, MAY_HAVE_BEEN_PROCESSED, mayHaveBeenProcessed, type GraphError } from '../graph';
import { describeClaimsChallenge } from './claims';
import { redact } from '../masking/rules';
import * as l10n from '@vscode/l10n';
import { adviceForSignInError, forbiddenAdvice } from './signInErrors';

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
  return e.requestId ? ` ${l10n.t('(request id {0})', e.requestId)}` : '';
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

/**
 * Turns any failure into what the user reads (redacted: Graph may echo a token back). `isCancellation` tells
 * the host's own cancellation type (VS Code's CancellationError) apart.
 */
export function describeFailure(error: unknown, isCancellation: (e: unknown) => boolean = () => false): ErrorView {
  const view = (message: string, extra: Partial<ErrorView> = {}): ErrorView => ({
    message: redact(message),
    signIn: false,
    setupGuide: false,
    cancelled: false,
    ...extra,
  });
  if (isSignedOutError(error)) return view(error.message || l10n.t('Sign in to Security Copilot to continue.'), { signIn: true });
  if (isCancellation(error)) return view(l10n.t('Cancelled.'), { cancelled: true });
  if (isGraphError(error)) {
    switch (error.name) {
      case 'GraphCancelledError':
        return view(l10n.t('Cancelled.'), { cancelled: true });
      case 'GraphAuthError':
        if (error.status === 403) return view(forbiddenAdvice().message + graphStatus(error), { setupGuide: true });
        // A Conditional Access challenge says what the policy asks for (the sign-in made for it, if it fell short).
        if (error.code === CLAIMS_CHALLENGE || error.code === CLAIMS_NOT_SATISFIED) return view(error.message, { signIn: true });
        if (isAuthError(error) && error.claims) return view(`${describeClaimsChallenge(error.claims)}${graphStatus(error)}`, { signIn: true });
        return view(`${l10n.t('Microsoft Graph rejected your sign-in. Sign in again.')}${graphStatus(error)}`, { signIn: true });
      default: {
        // A create that failed ambiguously is never retried; say so (once), so the user checks before trying again.
        const said = error.message.includes(MAY_HAVE_BEEN_PROCESSED.trim());
        const hint = mayHaveBeenProcessed(error) && !said ? MAY_HAVE_BEEN_PROCESSED : '';
        return view(`${error.message}${hint}`);
      }
    }
  }
  if (error instanceof Error && (error.name === 'ConfigurationError' || error.name === 'SignInTimeoutError')) return view(error.message);
  if (error instanceof Error && error.name === 'WrongTenantError') return view(error.message, { setupGuide: true });
  const advice = adviceForSignInError(error);
  if (advice) return view(advice.message, { setupGuide: advice.showSetupGuide });
  if (isCancelledSignIn(error)) {
    return view(l10n.t('Sign-in was cancelled.'), { cancelled: true });
  }
  return view(error instanceof Error ? error.message : String(error));
}
