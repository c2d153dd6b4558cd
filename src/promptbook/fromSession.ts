// A session's prompts as a new promptbook (no `vscode` import): finds literals that repeat across the prompts
// (IP addresses, accounts, hosts, incident ids) that can become inputs, and writes the file.

export type LiteralKind = 'ip' | 'account' | 'host' | 'incident';

export interface Literal {
  kind: LiteralKind;
  value: string;
  /** How many times it occurs across the prompts. */
  count: number;
  /** The input name it would become. */
  name: string;
}

const DESCRIPTIONS: Record<LiteralKind, string> = {
  ip: 'IP address',
  account: 'Account (user principal name or e-mail address)',
  host: 'Host or device name',
  incident: 'Incident number',
};

const PATTERNS: { kind: LiteralKind; re: RegExp; group?: number }[] = [
  { kind: 'account', re: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b/g },
  { kind: 'ip', re: /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g },
  { kind: 'ip', re: /\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b/g },
  { kind: 'incident', re: /\bincident\s*(?:id\s*)?[#:]?\s*(\d{2,})\b/gi, group: 1 },
  // Device names as SOCs write them (SRV-DB01, WS-FIN-014, LAPTOP-7HQ2K) and fully qualified host names.
  { kind: 'host', re: /\b[A-Z][A-Z0-9]*-[A-Z0-9-]*\d[A-Z0-9-]*\b/g },
  { kind: 'host', re: /\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.){2,}[a-z]{2,}\b/gi },
];

const BASE_NAMES: Record<LiteralKind, string> = { ip: 'ip', account: 'account', host: 'host', incident: 'incident' };

/** Literals that occur at least `min` times (default 2) across the prompts, most frequent first. */
export function findRepeatedLiterals(prompts: readonly string[], min = 2): Literal[] {
  const found = new Map<string, { kind: LiteralKind; value: string; count: number; first: number }>();
  let order = 0;
  for (const text of prompts) {
    const taken: [number, number][] = [];
    for (const { kind, re, group } of PATTERNS) {
      for (const m of text.matchAll(re)) {
        const value = group ? m[group] : m[0];
        const start = (m.index ?? 0) + (group ? m[0].indexOf(value) : 0);
        const end = start + value.length;
        // An e-mail's domain is not also a host; an IP inside something longer is skipped.
        if (taken.some(([a, b]) => start < b && end > a)) continue;
        taken.push([start, end]);
        const key = `${kind}\n${kind === 'incident' ? value : value.toLowerCase()}`;
        const entry = found.get(key) ?? { kind, value, count: 0, first: order++ };
        entry.count++;
        found.set(key, entry);
      }
    }
  }
  const list = [...found.values()].filter((l) => l.count >= min).sort((a, b) => b.count - a.count || a.first - b.first);
  const used = new Map<string, number>();
  return list.map((l) => {
    const base = BASE_NAMES[l.kind];
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return { kind: l.kind, value: l.value, count: l.count, name: n === 1 ? base : `${base}${n}` };
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces each chosen literal with `{{name}}` (whole words only; existing placeholders are left alone). */
export function replaceLiterals(text: string, literals: readonly Literal[]): string {
  let out = text;
  for (const l of literals) {
    const flags = l.kind === 'incident' ? 'g' : 'gi';
    const re = new RegExp(`(?<![\\w.@-])${escapeRegExp(l.value)}(?![\\w@-]|\\.\\w)`, flags);
    out = out.replace(re, `{{${l.name}}}`);
  }
  return out;
}

function fenceFor(text: string): string {
  let longest = 2;
  for (const m of text.matchAll(/^ {0,3}(`{3,})/gm)) longest = Math.max(longest, m[1].length);
  return '`'.repeat(longest + 1);
}

export interface SessionBook {
  title: string;
  sessionId: string;
  prompts: readonly string[];
  inputs: readonly Literal[];
  /** When the session was saved (ISO date, for the note). */
  savedOn?: string;
}

/** The promptbook file for a session: front matter, a note where it came from, one prompt cell per prompt. */
export function promptbookFromSession(book: SessionBook): string {
  // JSON strings are valid YAML double-quoted scalars: any title reads back exactly.
  const lines = ['---', `title: ${JSON.stringify(book.title)}`, `description: ${JSON.stringify(`Saved from the Security Copilot session ${book.sessionId}.`)}`];
  if (book.inputs.length) {
    lines.push('inputs:', ...book.inputs.map((l) => `  ${l.name}: ${JSON.stringify(DESCRIPTIONS[l.kind])}`));
  }
  lines.push('---', '', `# ${book.title.replace(/\s+/g, ' ')}`, '');
  lines.push(`Saved from session \`${book.sessionId}\`${book.savedOn ? ` on ${book.savedOn}` : ''}. Edit the prompts and notes, then run it with **Run All**.`);
  for (const p of book.prompts) {
    const text = replaceLiterals(p.trim(), book.inputs);
    const fence = fenceFor(text);
    lines.push('', `${fence}prompt`, text, fence);
  }
  lines.push('');
  return lines.join('\n');
}

/** A file name for the promptbook of a session title. */
export function promptbookFileName(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'session'}.promptbook.md`;
}
