// Bearer-token checks. The emulator is a local stand-in: it never verifies signatures. It decodes JWTs (the test
// sign-in issues unsigned `alg: none` tokens) and enforces the `scp` claim when present (docs/contracts.md §2).
import { GraphHttpError } from './errors';
import { isRecord } from './util';

export const READ_SCOPE = 'SecurityCopilotWorkspaces.Read.All';
export const WRITE_SCOPE = 'SecurityCopilotWorkspaces.ReadWrite.All';

export type AuthorizationKind = 'bearer' | 'none' | 'other';

export interface AuthContext {
  kind: AuthorizationKind;
  token?: string;
  /** Scopes from a JWT's `scp` (space separated) or `roles` claim; undefined for opaque tokens or no claim. */
  scopes?: string[];
  /** The `acrs` claim (authentication contexts satisfied), when the token is a JWT that has one. */
  acrs?: string[];
}

function unauthenticated(message: string): GraphHttpError {
  return new GraphHttpError(401, 'InvalidAuthenticationToken', message, {
    'WWW-Authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  });
}

export function classifyAuthorization(header: string | undefined): AuthorizationKind {
  if (header === undefined || header === '') return 'none';
  return /^bearer\s+\S+\s*$/i.test(header) ? 'bearer' : 'other';
}

function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const b64url = /^[A-Za-z0-9_-]+={0,2}$/;
  // The signature part is empty for unsigned (alg: none) tokens.
  if (!b64url.test(parts[0]) || !b64url.test(parts[1]) || (parts[2] !== '' && !b64url.test(parts[2]))) return undefined;
  let payload: unknown;
  try {
    JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw unauthenticated('IDX14102: Unable to decode the payload of the JWT as Base64Url encoded JSON.');
  }
  if (!isRecord(payload)) throw unauthenticated('IDX14102: Unable to decode the payload of the JWT as JSON.');
  return payload;
}

/**
 * Authenticates a request. Throws a 401 GraphHttpError (code InvalidAuthenticationToken) for a missing or
 * malformed header, an unexpected token (when `expectedToken` is set) or an expired JWT (`exp` in the past).
 */
export function authenticate(header: string | undefined, expectedToken: string | undefined, nowMs: number): AuthContext {
  const kind = classifyAuthorization(header);
  if (kind === 'none') throw unauthenticated('Access token is empty.');
  if (kind === 'other') throw unauthenticated('Access token validation failure. The Authorization header must be "Bearer <token>".');
  const token = (header ?? '').trim().replace(/^bearer\s+/i, '');
  if (expectedToken !== undefined && token !== expectedToken) {
    throw unauthenticated('Access token validation failure. Invalid audience.');
  }
  const payload = decodeJwtPayload(token);
  if (!payload) return { kind, token };
  if (typeof payload.exp === 'number' && payload.exp * 1000 <= nowMs) {
    throw unauthenticated('Lifetime validation failed, the token is expired.');
  }
  let scopes: string[] | undefined;
  if (typeof payload.scp === 'string') scopes = payload.scp.split(/\s+/).filter((s) => s !== '');
  else if (Array.isArray(payload.roles)) scopes = payload.roles.filter((r): r is string => typeof r === 'string');
  const acrs = Array.isArray(payload.acrs) ? payload.acrs.filter((a): a is string => typeof a === 'string') : undefined;
  return { kind, token, ...(scopes ? { scopes } : {}), ...(acrs ? { acrs } : {}) };
}

/**
 * Conditional Access with an authentication context: a token without `required` in its `acrs` claim gets a 401
 * claims challenge, the shape Graph documents for CAE / authentication contexts (the claims are base64 JSON).
 */
export function requireAuthenticationContext(auth: AuthContext, required: string | null | undefined): void {
  if (!required || auth.acrs?.includes(required)) return;
  const claims = Buffer.from(JSON.stringify({ access_token: { acrs: { essential: true, value: required } } })).toString('base64');
  throw new GraphHttpError(401, 'InvalidAuthenticationToken', `Continuous access evaluation resulted in challenge with result: InteractionRequired and code: insufficient_claims`, {
    'WWW-Authenticate': `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="${claims}"`,
  });
}

/**
 * Enforces the documented permissions: GETs need Read.All or ReadWrite.All, writes need ReadWrite.All
 * (reference §3.1). Tokens without scope claims (opaque tokens) pass.
 */
export function authorize(auth: AuthContext, write: boolean): void {
  if (!auth.scopes) return;
  const has = (s: string): boolean => auth.scopes?.some((x) => x.toLowerCase() === s.toLowerCase()) ?? false;
  if (write ? has(WRITE_SCOPE) : has(READ_SCOPE) || has(WRITE_SCOPE)) return;
  const needed = write ? WRITE_SCOPE : `${READ_SCOPE} or ${WRITE_SCOPE}`;
  throw new GraphHttpError(403, 'accessDenied', `Missing scope permissions on the request. API requires one of '${needed}'. Scopes on the request '${auth.scopes.join(',')}'.`);
}
