// Input checks made before any request. The UI uses the same functions for live validation, so the messages
// are written for people. Lengths count Unicode code points (what a person sees as characters), not UTF-16
// units. The limits are this extension's own: the Graph docs don't state a maximum for either field.

export const DISPLAY_NAME_MAX_LENGTH = 200;
export const PROMPT_MAX_LENGTH = 16_000;

export type Validation = { ok: true; value: string } | { ok: false; message: string };

// C0/C1 controls and DEL (\p{Cc}), the line/paragraph separators, and the bidirectional embedding/override/
// isolate controls (which can make a name display differently from what it is). Zero-width joiners are allowed:
// emoji sequences need them.
const CONTROL_CHARS = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Trims; rejects empty, longer than DISPLAY_NAME_MAX_LENGTH, or containing control characters.
 * `what` names the thing in messages (default 'Session name').
 */
export function validateDisplayName(input: string, what = 'Session name'): Validation {
  const value = typeof input === 'string' ? input.trim() : '';
  if (value.length === 0) return { ok: false, message: `${what} can't be empty.` };
  const length = codePointLength(value);
  if (length > DISPLAY_NAME_MAX_LENGTH) {
    return { ok: false, message: `${what} is too long (${length} of ${DISPLAY_NAME_MAX_LENGTH} characters).` };
  }
  if (CONTROL_CHARS.test(value)) return { ok: false, message: `${what} can't contain control characters.` };
  return { ok: true, value };
}

/**
 * Ids go into URL path segments. They are percent-encoded anyway; these checks catch values that would still
 * change the path ('.' and '..' segments are normalised away by URL parsers) or that can't be real ids.
 * No trimming: surrounding whitespace is an error, not something to guess about.
 */
export function validateId(input: string, what = 'ID'): Validation {
  if (typeof input !== 'string' || input.length === 0) return { ok: false, message: `${what} can't be empty.` };
  if (/[\s\p{Cc}\p{Cf}\u2028\u2029]/u.test(input)) {
    return { ok: false, message: `${what} can't contain spaces or control characters.` };
  }
  for (const ch of ['/', '?', '#', '%', '\\']) {
    if (input.includes(ch)) return { ok: false, message: `${what} can't contain '${ch}'.` };
  }
  if (input === '.' || input.includes('..')) return { ok: false, message: `${what} can't be '.' or contain '..'.` };
  return { ok: true, value: input };
}

/** Trims; rejects empty or longer than PROMPT_MAX_LENGTH. Newlines and tabs are fine (code selections). */
export function validatePromptContent(input: string): Validation {
  const value = typeof input === 'string' ? input.trim() : '';
  if (value.length === 0) return { ok: false, message: "Prompt can't be empty." };
  const length = codePointLength(value);
  if (length > PROMPT_MAX_LENGTH) {
    return { ok: false, message: `Prompt is too long (${length} of ${PROMPT_MAX_LENGTH} characters).` };
  }
  return { ok: true, value };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A session ID a person typed or pasted: the id rules above, and the GUID shape session ids have (the docs show
 * GUIDs), so a pasted URL, name or query string gets a clear message instead of a request. Ids that come from
 * Graph itself are only checked with `validateId`.
 */
export function validateSessionIdInput(input: string): Validation {
  const value = typeof input === 'string' ? input.trim() : '';
  const base = validateId(value, 'Session ID');
  if (!base.ok) return base;
  if (!GUID.test(value)) {
    return { ok: false, message: 'A session ID is a GUID such as 71a8abb6-ce18-496c-a8d4-4d0f51986c3e.' };
  }
  return { ok: true, value };
}
