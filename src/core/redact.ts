// Keeps secrets out of the log. No `vscode` import.

const BEARER = /\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const SECRET_QUERY = /([?&](?:access_token|code|client_secret|id_token|refresh_token)=)[^&\s]+/gi;

/** Removes bearer tokens, JWTs and secret query values from a string that is about to be logged. */
export function redact(text: string): string {
  return text.replace(BEARER, '$1[redacted]').replace(JWT, '[redacted-jwt]').replace(SECRET_QUERY, '$1[redacted]');
}
