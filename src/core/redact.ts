// Keeps secrets out of the log and out of prompts. No `vscode` import.
//
// One list of patterns serves both: the log redacts everything it writes, and "Ask Security Copilot About
// Selection" masks secrets in the selected text before the user reviews the prompt. Indicators an analyst wants
// analysed (IP addresses, host and account names, hashes) are deliberately left alone.

interface SecretPattern {
  kind: string;
  pattern: RegExp;
  /** Replacement; `$1`… keep the non-secret prefix (e.g. "password="). */
  replace: (kind: string) => string;
}

const masked = (kind: string) => `[REDACTED:${kind}]`;
const keepPrefix = (kind: string) => `$1[REDACTED:${kind}]`;

const PATTERNS: SecretPattern[] = [
  {
    kind: 'private key',
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    replace: masked,
  },
  { kind: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: masked },
  { kind: 'bearer token', pattern: /\b(Bearer\s+)(?!\[REDACTED)[A-Za-z0-9\-._~+/]{8,}=*/gi, replace: keepPrefix },
  { kind: 'AWS access key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: masked },
  { kind: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, replace: masked },
  { kind: 'storage key', pattern: /(AccountKey=)[A-Za-z0-9+/]{20,}={0,2}/gi, replace: keepPrefix },
  { kind: 'SAS signature', pattern: /([?&]sig=)[^&\s"']+/gi, replace: keepPrefix },
  {
    kind: 'secret',
    pattern: /([?&](?:access_token|code|client_secret|id_token|refresh_token)=)[^&\s"']+/gi,
    replace: keepPrefix,
  },
  {
    kind: 'password',
    pattern: /\b((?:password|passwd|pwd|client_secret|secret|api[_-]?key|access[_-]?key)"?\s*[:=]\s*"?)(?!\[REDACTED)[^\s"',;&]{4,}/gi,
    replace: keepPrefix,
  },
];

export interface MaskResult {
  text: string;
  /** How many secrets were masked. */
  count: number;
  /** The kinds found, in the order of the pattern list ("JWT", "password", …). */
  kinds: string[];
}

/** Replaces secrets with `[REDACTED:<kind>]`, keeping labels such as `password=` so the text stays readable. */
export function maskSecrets(text: string): MaskResult {
  let out = text;
  let count = 0;
  const kinds: string[] = [];
  for (const { kind, pattern, replace } of PATTERNS) {
    let found = 0;
    out = out.replace(pattern, (...args: unknown[]) => {
      found++;
      const prefix = typeof args[1] === 'string' && replace === keepPrefix ? args[1] : '';
      return replace(kind).replace('$1', prefix);
    });
    if (found) {
      count += found;
      kinds.push(kind);
    }
  }
  return { text: out, count, kinds };
}

/** Removes secrets from a string that is about to be logged. */
export function redact(text: string): string {
  return maskSecrets(text).text;
}
