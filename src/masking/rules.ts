// The project's own secret rules: small, synchronous, no dependency, no `vscode` import.
//
// They cover what a token-format rule set can't know: a value is secret because of the NAME it is stored under
// (`DB_PASSWORD=…`, `"ClientSecret": "…"`, `Password=…;` in a connection string, `<Data Name="Password">`),
// credentials in URLs and headers (`https://user:pass@host`, `Authorization: Basic …`, cookies), command-line
// flags (`--password …`, `ConvertTo-SecureString "…"`), and a few token formats the maintained rule set
// (secretlint's recommended preset, see masking.ts) does not cover: JWTs, AWS key ids, classic and fine-grained
// GitHub tokens, Stripe, Google API keys, Entra client secrets, GitLab tokens, Slack webhooks.
//
// The same rules redact the log synchronously (src/log.ts); Ask About Selection combines them with the preset
// in the lazily loaded masking bundle.
//
// What must survive, because it is the evidence an analyst asks about: working directories (`PWD=/home/x` in
// sudo logs), user and host names, IP addresses, hashes, URLs without credentials, command lines, and metadata
// about secrets (`token_type`, `pwdLastSet`, `PasswordLastSet`, `KeyLength`, `secret_name`).

export interface Finding {
  /** Offsets in the text, end exclusive. */
  start: number;
  end: number;
  /** Shown in the mask: `[REDACTED:<kind>]`. */
  kind: string;
  /** The name the value was stored under, when the rule knows it (used by `allowedKeys`). */
  key?: string;
  /** Higher wins when findings overlap: known formats (3) over headers/URLs (2) over key=value (1). */
  priority: number;
}

export interface MaskResult {
  text: string;
  /** How many values were masked. */
  count: number;
  /** Kinds found, in the order they first appear in the text ("JWT", "password", …). */
  kinds: string[];
}

export interface ApplyOptions {
  /** Key names (case-insensitive) whose values are kept. Findings without a key are always masked. */
  allowedKeys?: readonly string[];
}

export const MASK_PREFIX = '[REDACTED';
export const maskFor = (kind: string) => `[REDACTED:${kind}]`;

// ------------------------------------------------------------------------------------------ key names

/** Substrings of a key (lower-cased, separators removed) that make its value secret. */
const SECRET_KEY_PARTS = [
  'password', 'passwd', 'passphrase', 'pwd', 'secret', 'token', 'apikey', 'accesskey', 'privatekey',
  'accountkey', 'sharedaccesskey', 'sharedaccesssignature', 'sastoken', 'credential', 'clientkey', 'signingkey',
  'encryptionkey', 'masterkey', 'sessionkey', 'authkey', 'licensekey', 'webhookurl',
];
/** Whole words of a key that make its value secret (`DB_PASS`, `SMTP_PW`, `sig` in a SAS URL). */
const SECRET_KEY_WORDS = new Set(['pass', 'pw', 'sig', 'psk', 'pin', 'otp']);
/** A last word that makes the key describe a secret rather than hold one (`token_type`, `pwdLastSet`). */
const METADATA_WORDS = new Set([
  'type', 'types', 'expiry', 'expires', 'expiresin', 'expiration', 'expire', 'exp', 'length', 'len', 'policy',
  'policies', 'required', 'hint', 'url', 'uri', 'endpoint', 'path', 'file', 'filename', 'dir', 'count', 'age',
  'name', 'names', 'id', 'ids', 'enabled', 'enable', 'disabled', 'set', 'last', 'changed', 'reset', 'min', 'max',
  'minimum', 'maximum', 'version', 'format', 'header', 'prefix', 'field', 'label', 'kind', 'lifetime', 'ttl',
  'issuer', 'audience', 'scope', 'scopes', 'provider', 'mode', 'method', 'algorithm', 'alg', 'store', 'vault',
  'location', 'ref', 'reference', 'source', 'rotation', 'timeout', 'strength', 'complexity', 'history', 'status',
  'date', 'time', 'created', 'updated', 'fingerprint', 'thumbprint', 'hash', 'hashed', 'digest', 'usage', 'size',
  'rules', 'rule', 'check', 'validation', 'manager', 'prompt', 'reuse', 'age', 'flags', 'flag', 'level',
  'attempts', 'failures', 'failed', 'sent', 'change', 'duration', 'interval', 'store', 'cache', 'file', 'class',
  'option', 'options', 'settings', 'config', 'generator', 'elevation', 'package', 'packagename', 'handle',
  'seconds', 'minutes', 'hours', 'days', 'ms', 'secs', 'mins',
]);
/** Qualifiers that make a `*_key` key something other than a secret (`PRIMARY_KEY`, `registry key`). */
const NON_SECRET_KEY_QUALIFIERS = new Set([
  'public', 'pub', 'primary', 'partition', 'sort', 'foreign', 'registry', 'reg', 'cache', 'lookup',
  'idempotency', 'row', 'object', 'map', 'group', 'unique', 'composite', 'hot', 'short', 'shortcut', 'hash',
  'routing', 'dedup', 'dedupe', 'index', 'sequence', 'parent', 'natural', 'surrogate', 'search', 'host',
  'instrumentation',
]);

/** Splits `AZURE_CLIENT_SECRET`, `clientSecret`, `x-api-key`, `Password` into lower-case words. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const looksLikePath = (v: string) => /^(?:[~/]|\.{1,2}\/|[A-Za-z]:[\\/]|\\\\|%\w+%[\\/]|\$\w+\/)/.test(v);

/** True when a value stored under `key` is a secret. `value` lets a few keys depend on what they hold. */
export function isSecretKey(key: string, value = ''): boolean {
  const words = keyWords(key);
  if (words.length === 0) return false;
  // `PWD`/`OLDPWD` in sudo logs and environments is the working directory.
  if (/^(?:OLD)?PWD$/.test(key) && looksLikePath(value)) return false;
  const last = words[words.length - 1];
  if (words.length > 1 && METADATA_WORDS.has(last)) return false;
  const compact = words.join('');
  if (SECRET_KEY_PARTS.some((p) => compact.includes(p))) return true;
  if (words.some((w) => SECRET_KEY_WORDS.has(w))) return true;
  // `STRIPE_KEY`, `SIGNING_KEY`, `x-functions-key`, but not `key`, `PRIMARY_KEY` or a key holding a path.
  if ((last === 'key' || last === 'keys') && words.length > 1 && !NON_SECRET_KEY_QUALIFIERS.has(words[words.length - 2])) {
    return !looksLikePath(value) && !/^HK(?:LM|CU|CR|U|EY_)/i.test(value);
  }
  return false;
}

/** An identifier as people write them (`process`, `env`, `getPassword`, `DB_PASSWORD`, `Request`), not a random string. */
const isCodeWord = (w: string) => /^[a-z_$][a-z0-9_$]*(?:[A-Z][a-z0-9_]+)*$|^[A-Z][A-Z0-9_]*$|^(?:[A-Z][a-z0-9]+)+$/.test(w) && w.length <= 30;

/** Values that are not secrets even under a secret key: placeholders, references, types, code. */
function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length < 3) return true;
  if (v.startsWith(MASK_PREFIX)) return true;
  if (/^(?:null|none|nil|true|false|yes|no|undefined|string|str|number|int|bool|boolean|any|object|securestring|password|secret|redacted|required|optional|empty|changeme_placeholder)$/i.test(v)) return true;
  if (/^(?:\*+|x{3,}|X{3,}|•+|\.{3,}|-+|_+|\?+)$/.test(v)) return true;
  // ${VAR}, $(cmd), {{ tmpl }}, <your-password>, %VAR%, $VAR, #{Octopus}, ${{ secrets.X }}
  if (/^(?:\$\{[^}]*\}|\$\([^)]*\)|\{\{[^}]*\}\}|<[^<>]*>|%[\w.]+%|\$[A-Za-z_][\w:.]*|#\{[^}]*\})$/.test(v)) return true;
  // Code: os.environ["X"], process.env.X, getPassword(), req.body.password, args.secret
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:\(.*\))?$/.test(v) && v.replace(/\(.*$/, '').split('.').every(isCodeWord)) return true;
  if (/^[A-Za-z_$][\w$.]*(?:\([^)]*\)|\[[^\]]*\])+[;,]?$/.test(v) && /[a-z]/.test(v)) return true;
  return false;
}

// ------------------------------------------------------------------------------------------ scanners

type Push = (start: number, end: number, kind: string, priority: number, key?: string) => void;

/** Reads a quoted value starting at `text[i]` (the quote); [start, end) of its content, or undefined. */
function quoted(text: string, i: number): [number, number] | undefined {
  const q = text[i];
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\' && q !== "'") {
      j++;
      continue;
    }
    if (c === q && q === "'" && text[j + 1] === "'" && j > i + 1) {
      j++; // YAML's '' inside a single-quoted string
      continue;
    }
    if (c === q) return [i + 1, j];
    if (c === '\n' || c === '\r') return undefined;
  }
  return undefined;
}

const KIND_FOR_KEY = (key: string): string => {
  const compact = keyWords(key).join('');
  if (/pass|pwd|pw$|^pw/.test(compact)) return 'password';
  if (/token/.test(compact)) return 'token';
  if (/connectionstring/.test(compact)) return 'connection string';
  if (/cookie/.test(compact)) return 'cookie';
  if (/key|sig/.test(compact)) return 'key';
  return 'secret';
};

/**
 * `KEY=value`, `key: value`, `"key": "value"`, `'key' => 'value'`, `key = "value"` in env files, shell and
 * PowerShell, JSON, YAML, INI/TOML, .properties, XML attributes, query strings and connection strings.
 */
function scanKeyValues(text: string, push: Push): void {
  // key (optionally quoted), then a separator: `=`, `=>`, or `:` followed by a blank or a quote (so URLs and
  // `host:port` don't count); `==` and `=~` are comparisons.
  const re = /(?<![\w.$-])(["']?)((?:\$env:|\$)?[A-Za-z_][\w.-]{0,100}?)\1[ \t]*(=>|=(?![=~])|:(?![:/]))[ \t]*/g;
  for (const m of text.matchAll(re)) {
    const key = m[2].replace(/^\$env:|^\$/, '');
    const sepEnd = (m.index ?? 0) + m[0].length;
    if (m[3] === ':' && !m[1] && !/[ \t]/.test(text[sepEnd - 1] ?? '') && !/["']/.test(text[sepEnd] ?? '')) continue;
    let start = sepEnd;
    let end: number;
    const c = text[start];
    if (c === '"' || c === "'") {
      const q = quoted(text, start);
      if (!q) continue;
      [start, end] = q;
    } else if (c === '[' || c === '{') {
      continue; // a nested object or list: its own pairs are scanned separately
    } else if (m[2].startsWith('$')) {
      continue; // `$password = Read-Host …`: a PowerShell/PHP expression; only a quoted literal is a secret
    } else {
      const lineStart = text.lastIndexOf('\n', (m.index ?? 0) - 1) + 1;
      const lineEndRaw = text.indexOf('\n', start);
      const lineEnd = lineEndRaw < 0 ? text.length : lineEndRaw;
      const before = text.slice(lineStart, m.index);
      const rest = text.slice(start, lineEnd).replace(/\r$/, '');
      // `Password=my pass;` in a connection string (`;` right before the key, or the value ends at `;`); not the
      // ` ; ` separators of sudo logs.
      const inConnectionString = /(?:^|[^\s]);\s?$/.test(before) || (/^[^;=\s]+(?: [^;=\s]+)*;/.test(rest) && /=/.test(before));
      const atLineStart = /^\s*(?:export\s+|set\s+|-\s+)?$/.test(before);
      let value: string;
      if (inConnectionString) {
        value = /^[^;"'\r\n]*/.exec(rest)![0];
      } else if (atLineStart && !/\s[\w.-]+\s*=/.test(rest)) {
        // env/YAML/INI: the rest of the line, without a trailing comment (` # …`) or a trailing comma
        value = rest.replace(/\s+#.*$/, '').replace(/\s*[,;]\s*$/, '');
        // `PGPASSWORD=x psql -h db`: a variable set for one command; the command is not part of the value
        if (/\s-{1,2}[A-Za-z]/.test(value)) value = /^\S*/.exec(value)![0];
      } else {
        value = /^[^\s;&,"'<>()[\]{}|]*/.exec(rest)![0];
      }
      value = value.replace(/\s+$/, '');
      end = start + value.length;
    }
    const value = text.slice(start, end);
    if (!isSecretKey(key, value) || isPlaceholder(value)) continue;
    // `max_tokens: 4096`, `prompt_tokens=812`: counts, not tokens (a numeric password or PIN is still masked)
    if (/^\d{1,9}$/.test(value) && !/pass|pwd|pin|otp|secret|key/i.test(key)) continue;
    push(start, end, KIND_FOR_KEY(key), 1, key);
  }
  // `- name: DB_PASSWORD` / `value: …` (Kubernetes env), `{"name": "DB_PASSWORD", "value": "…"}` (app settings)
  for (const m of text.matchAll(/(["']?)name\1[ \t]*[:=][ \t]*(["']?)([\w.-]+)\2[ \t]*,?[ \t]*(?:\r?\n[ \t-]*)?(["']?)value\4[ \t]*[:=][ \t]*/g)) {
    const key = m[3];
    let start = (m.index ?? 0) + m[0].length;
    let end: number;
    if (text[start] === '"' || text[start] === "'") {
      const q = quoted(text, start);
      if (!q) continue;
      [start, end] = q;
    } else {
      end = start + /^[^\s,}\]]*/.exec(text.slice(start))![0].length;
    }
    const value = text.slice(start, end);
    if (!isSecretKey(key, value) || isPlaceholder(value)) continue;
    push(start, end, KIND_FOR_KEY(key), 1, key);
  }
  // OAuth codes and tokens in query strings: ?code=…&state=…
  for (const m of text.matchAll(/[?&](code|state_token|assertion)=([^&\s"'#]{6,})/g)) {
    const start = (m.index ?? 0) + m[0].length - m[2].length;
    push(start, start + m[2].length, 'token', 1, m[1]);
  }
}

/** Windows event XML `<Data Name="Password">…</Data>` and elements such as `<password>…</password>`. */
function scanXml(text: string, push: Push): void {
  for (const m of text.matchAll(/<Data\s+Name\s*=\s*["']([^"']+)["']\s*>([^<]+)<\/Data>/gi)) {
    if (!isSecretKey(m[1], m[2]) || isPlaceholder(m[2])) continue;
    const start = (m.index ?? 0) + m[0].length - '</Data>'.length - m[2].length;
    push(start, start + m[2].length, KIND_FOR_KEY(m[1]), 1, m[1]);
  }
  // .NET appSettings: <add key="SmtpPassword" value="…" />
  for (const m of text.matchAll(/<add\s+key\s*=\s*"([^"]+)"\s+value\s*=\s*"([^"]*)"/gi)) {
    if (!isSecretKey(m[1], m[2]) || isPlaceholder(m[2])) continue;
    const start = (m.index ?? 0) + m[0].length - 1 - m[2].length;
    push(start, start + m[2].length, KIND_FOR_KEY(m[1]), 1, m[1]);
  }
  for (const m of text.matchAll(/<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>([^<]+)<\/\1>/g)) {
    const tag = m[1].replace(/^.*:/, '');
    if (tag === 'Data' || !isSecretKey(tag, m[2]) || isPlaceholder(m[2])) continue;
    const start = (m.index ?? 0) + m[0].length - `</${m[1]}>`.length - m[2].length;
    push(start, start + m[2].length, KIND_FOR_KEY(tag), 1, tag);
  }
}

/** Credentials in URLs, HTTP headers and command lines. */
function scanCredentials(text: string, push: Push): void {
  // scheme://user:password@host — the password only; the user and host are evidence.
  for (const m of text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/([^:/?#@\s"'<>]*):([^@/?#\s"'<>]+)@(?=[\w.[\]-])/gi)) {
    if (isPlaceholder(m[2]) && m[2].length >= 3) continue;
    const start = (m.index ?? 0) + m[0].length - 1 - m[2].length;
    push(start, start + m[2].length, 'password', 2, 'url');
  }
  // Authorization / Proxy-Authorization headers, whatever the scheme.
  for (const m of text.matchAll(/\b((?:Proxy-)?Authorization["']?[ \t]*[:=][ \t]*["']?(?:(Basic|Bearer|Negotiate|NTLM|Digest|SharedAccessSignature|SharedKey|token|ApiKey)[ \t]+)?)([^\s"',;]+(?:[ ,][\w-]+="[^"]*")*)/gi)) {
    const value = m[3];
    if (isPlaceholder(value)) continue;
    const start = (m.index ?? 0) + m[1].length;
    push(start, start + value.length, m[2]?.toLowerCase() === 'basic' ? 'basic auth' : 'token', 2, 'authorization');
  }
  // A bare bearer token anywhere (log lines, curl commands).
  for (const m of text.matchAll(/\bBearer[ \t]+([A-Za-z0-9\-._~+/]{8,}=*)/g)) {
    const start = (m.index ?? 0) + m[0].length - m[1].length;
    push(start, start + m[1].length, 'token', 2, 'bearer');
  }
  // Cookie headers: every value (session cookies are credentials); the names stay.
  for (const m of text.matchAll(/\b(?:Set-)?Cookie["']?\s*:\s*([^\r\n"]+)/gi)) {
    const base = (m.index ?? 0) + m[0].length - m[1].length;
    for (const c of m[1].matchAll(/(?:^|;\s*)([^=;\s]+)=([^;]*)/g)) {
      const name = c[1];
      if (/^(?:path|domain|expires|max-age|samesite|secure|httponly|priority)$/i.test(name)) continue;
      const value = c[2].trim();
      if (value.length < 8) continue; // `theme=dark`: preferences, not session ids
      const start = base + (c.index ?? 0) + c[0].length - c[2].length;
      push(start, start + value.length, 'cookie', 2, name);
    }
  }
  // curl -u user:password / --user user:password
  for (const m of text.matchAll(/(?:^|\s)(?:-u|--user)\s+["']?([^\s:"']+):([^\s"']+)/g)) {
    const start = (m.index ?? 0) + m[0].length - m[2].length;
    push(start, start + m[2].length, 'password', 2, 'user');
  }
  // --password value, -Password value, -p:value, /p:value (the `--password=value` form is a key=value pair)
  for (const m of text.matchAll(/(?:^|[\s"'([,])(?:--?|\/)([A-Za-z][\w-]*)(?:[ \t]+|[:=])(?!-)(["']?)((?:pass:|env:)?)([^\s"'<>]+)\2/g)) {
    const flag = m[1];
    const value = m[4];
    if (!isSecretKey(flag, value) || isPlaceholder(value) || value.startsWith('(')) continue;
    const start = (m.index ?? 0) + m[0].length - value.length - m[2].length;
    push(start, start + value.length, KIND_FOR_KEY(flag), 2, flag);
  }
  // PowerShell: ConvertTo-SecureString "P@ss" -AsPlainText; net user bob P@ss /add
  for (const m of text.matchAll(/ConvertTo-SecureString\s+(?:-String\s+)?(["'])([^"'\r\n]+)\1/gi)) {
    const start = (m.index ?? 0) + m[0].length - 1 - m[2].length;
    push(start, start + m[2].length, 'password', 2, 'SecureString');
  }
  // Tools whose password flag is a single letter: mysql -pSECRET / -p SECRET is ambiguous, only the glued
  // form is masked; sqlcmd -P SECRET; ssh-keygen -N "passphrase"; sshpass -p SECRET
  const toolFlags: [RegExp, string][] = [
    [/\bmysql(?:dump|admin)?\b[^\n]*?\s-p(["']?)([^\s"']+)\1/g, 'password'],
    [/\bsqlcmd\b[^\n]*?\s-P\s+(["']?)([^\s"']+)\1/g, 'password'],
    [/\bssh-keygen\b[^\n]*?\s-N\s+(["'])([^"'\n]+)\1/g, 'password'],
    [/\bsshpass\s+-p\s*(["']?)([^\s"']+)\1/g, 'password'],
  ];
  for (const [re, kind] of toolFlags) {
    for (const m of text.matchAll(re)) {
      const start = (m.index ?? 0) + m[0].length - m[1].length - m[2].length;
      push(start, start + m[2].length, kind, 2, 'flag');
    }
  }
  for (const m of text.matchAll(/\bnet(?:\.exe)?\s+user\s+("[^"]+"|\S+)\s+(?![/*])(["']?)([^\s"']+)\2/gi)) {
    const start = (m.index ?? 0) + m[0].length - m[2].length - m[3].length;
    push(start, start + m[3].length, 'password', 2, 'net user');
  }
}

/** Token formats the maintained preset doesn't recognise (or, for the log, before it is loaded). */
const FORMATS: { kind: string; re: RegExp }[] = [
  { kind: 'private key', re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { kind: 'JWT', re: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g },
  { kind: 'AWS access key', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { kind: 'GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{50,})\b/g },
  { kind: 'GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'Stripe key', re: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { kind: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { kind: 'Slack webhook', re: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9_/]{20,}/g },
  { kind: 'Entra client secret', re: /(?<![\w~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])/g },
  { kind: 'npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'OpenAI key', re: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'SAS signature', re: /(?<=[?&;]sig=)[^&\s"'<>;]{10,}/gi },
];

function scanFormats(text: string, push: Push): void {
  for (const { kind, re } of FORMATS) {
    for (const m of text.matchAll(re)) push(m.index ?? 0, (m.index ?? 0) + m[0].length, kind, 3);
  }
}

/** Every finding of the project's own rules, unmerged. */
export function findSecrets(text: string): Finding[] {
  const out: Finding[] = [];
  const push: Push = (start, end, kind, priority, key) => {
    if (end > start) out.push({ start, end, kind, priority, ...(key === undefined ? {} : { key }) });
  };
  scanFormats(text, push);
  scanCredentials(text, push);
  scanXml(text, push);
  scanKeyValues(text, push);
  return out;
}

/**
 * Masks the findings: drops those under an allowed key, merges overlapping ones (the highest priority names the
 * kind), and replaces each with `[REDACTED:<kind>]`. Labels (`password=`, `Bearer `) stay, so the text reads.
 */
export function applyFindings(text: string, findings: readonly Finding[], options: ApplyOptions = {}): MaskResult {
  const allowed = new Set((options.allowedKeys ?? []).map((k) => k.trim().toLowerCase()).filter(Boolean));
  const kept = findings
    .filter((f) => f.end > f.start && !(f.key !== undefined && allowed.has(f.key.toLowerCase())))
    .filter((f) => !text.startsWith(MASK_PREFIX, f.start))
    .slice()
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: { start: number; end: number; kind: string; priority: number }[] = [];
  for (const f of kept) {
    const last = merged[merged.length - 1];
    if (last && f.start < last.end) {
      last.end = Math.max(last.end, f.end);
      if (f.priority > last.priority) {
        last.kind = f.kind;
        last.priority = f.priority;
      }
    } else {
      merged.push({ start: f.start, end: f.end, kind: f.kind, priority: f.priority });
    }
  }
  let out = '';
  let at = 0;
  const kinds: string[] = [];
  for (const r of merged) {
    out += text.slice(at, r.start) + maskFor(r.kind);
    at = r.end;
    if (!kinds.includes(r.kind)) kinds.push(r.kind);
  }
  out += text.slice(at);
  return { text: out, count: merged.length, kinds };
}

/** The project's own rules only (synchronous; what the log uses). */
export function maskWithOwnRules(text: string, options: ApplyOptions = {}): MaskResult {
  return applyFindings(text, findSecrets(text), options);
}

/** Removes secrets from a string that is about to be logged. */
export function redact(text: string): string {
  return maskWithOwnRules(text).text;
}
