/** Thrown by the token provider when nobody is signed in (background loads never prompt). */
export class SignedOutError extends Error {
  override readonly name = 'SignedOutError';
  constructor(message = 'Sign in to Security Copilot to continue.') {
    super(message);
  }
}

export function isSignedOutError(e: unknown): e is SignedOutError {
  return e instanceof Error && e.name === 'SignedOutError';
}

/** The sign-in settings are incomplete or refused (no request is sent). */
export class SignInConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/**
 * The sign-in returned a token for another tenant than the configured one (a guest account's home tenant):
 * nothing is sent with it.
 */
export class WrongTenantError extends Error {
  override readonly name = 'WrongTenantError';
}

/** `code` of the GraphAuthError raised for a claims challenge a sign-in is needed for. */
export const CLAIMS_CHALLENGE = 'insufficient_claims';
/** `code` of the GraphAuthError raised when Graph asks again for claims the last sign-in was made for. */
export const CLAIMS_NOT_SATISFIED = 'claimsNotSatisfied';

/** The provider did not answer a silent token request in time. */
export class SignInTimeoutError extends Error {
  override readonly name = 'SignInTimeoutError';
}
