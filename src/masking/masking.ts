// Secret masking for text that leaves VS Code (Ask About Selection). No `vscode` import.
//
// Built as its own bundle (dist/masking.js, see esbuild.js) and loaded on first use through ./load.ts, so the
// rule set never weighs on activation.
//
// Why secretlint: its recommended preset (@secretlint/secretlint-rule-preset-recommend, run by @secretlint/core)
// is a maintained, MIT-licensed, widely used set of rules for known token formats (AWS, GCP, GitHub, npm, Slack,
// SendGrid, Shopify, OpenAI, Anthropic, Linear, 1Password, private keys, Basic auth and database connection
// strings), written to keep false positives low; it runs in plain Node without native code or network access,
// and @secretlint/core lints a string in memory (no files, no config loading), which bundles with esbuild.
// Alternatives considered: detect-secrets and gitleaks are Python/Go programs (no in-process Node API);
// packages that wrap gitleaks' rules are not maintained. Version 11 is used because 12+ require Node 22 while
// this project supports Node 20; the extension host (Node 22+) runs either.
//
// secretlint knows token formats, not that `DB_PASSWORD=…` is secret because of its name: the project's own rules
// (./rules.ts) add key=value pairs, URL and header credentials and a few more formats. The preset's
// `filter-comments` rule is left out on purpose: it would let a `secretlint-disable` comment inside the selected
// text switch masking off.
import type { lintSource as lintSourceType } from '@secretlint/core' with { 'resolution-mode': 'import' };
import { applyFindings, type Finding, findSecrets, type MaskResult } from './rules';

export type { MaskResult } from './rules';

export interface MaskOptions {
  /** Extra regular expressions (sources, compiled with the `g` flag); a first capture group, if any, is what is masked. */
  extraPatterns?: readonly string[];
  /** Keys (case-insensitive) whose values are kept. */
  allowedKeys?: readonly string[];
}

export interface MaskOutcome extends MaskResult {
  /** Extra patterns that are not valid regular expressions (they are skipped). */
  invalidPatterns: string[];
}

/** secretlint rule ids → the kind shown in the mask. */
const KIND_FOR_RULE: Record<string, string> = {
  '@secretlint/secretlint-rule-aws': 'AWS key',
  '@secretlint/secretlint-rule-gcp': 'GCP key',
  '@secretlint/secretlint-rule-github': 'GitHub token',
  '@secretlint/secretlint-rule-npm': 'npm token',
  '@secretlint/secretlint-rule-slack': 'Slack token',
  '@secretlint/secretlint-rule-sendgrid': 'SendGrid key',
  '@secretlint/secretlint-rule-shopify': 'Shopify token',
  '@secretlint/secretlint-rule-openai': 'OpenAI key',
  '@secretlint/secretlint-rule-anthropic': 'Anthropic key',
  '@secretlint/secretlint-rule-linear': 'Linear key',
  '@secretlint/secretlint-rule-1password': '1Password token',
  '@secretlint/secretlint-rule-privatekey': 'private key',
  '@secretlint/secretlint-rule-basicauth': 'password',
  '@secretlint/secretlint-rule-database-connection-string': 'password',
};

type CoreConfig = Parameters<typeof lintSourceType>[0]['options']['config'];
type Lint = (text: string) => Promise<{ ruleId: string; range: readonly [number, number] }[]>;
let lintPromise: Promise<Lint> | undefined;

function linter(): Promise<Lint> {
  lintPromise ??= (async () => {
    const [{ lintSource }, preset] = await Promise.all([
      import('@secretlint/core'),
      import('@secretlint/secretlint-rule-preset-recommend'),
    ]);
    const config = {
      rules: preset.rules
        .filter((rule) => rule.meta.id !== '@secretlint/secretlint-rule-filter-comments')
        .map((rule) => ({ id: rule.meta.id, rule })),
    } as CoreConfig;
    return async (content: string) => {
      const result = await lintSource({
        source: { filePath: 'selection.txt', content, contentType: 'text', ext: '.txt' },
        options: { config },
      });
      return result.messages.map((m) => ({ ruleId: m.ruleId, range: m.range }));
    };
  })();
  return lintPromise;
}

/**
 * A preset match covers more than the secret for some rules (`aws_secret_access_key = …`, `https://u:p@host`):
 * narrow it to the value so names, users and hosts stay readable.
 */
function narrow(text: string, start: number, end: number, ruleId: string): Finding {
  const kind = KIND_FOR_RULE[ruleId] ?? 'secret';
  const matched = text.slice(start, end);
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:([^@/?#\s]+)@/i.exec(matched);
  if (userinfo) {
    const s = start + userinfo[0].length - 1 - userinfo[1].length;
    return { start: s, end: s + userinfo[1].length, kind, priority: 3, key: 'url' };
  }
  const pair = /^([A-Za-z_][\w.-]*)["']?\s*[:=]\s*["']?/.exec(matched);
  if (pair && pair[0].length < matched.length) {
    return { start: start + pair[0].length, end, kind, priority: 3, key: pair[1] };
  }
  return { start, end, kind, priority: 3 };
}

function extraFindings(text: string, patterns: readonly string[], invalid: string[]): Finding[] {
  const out: Finding[] = [];
  for (const source of patterns) {
    if (typeof source !== 'string' || source === '') continue;
    let re: RegExp;
    try {
      re = new RegExp(source, 'gd');
    } catch {
      invalid.push(source);
      continue;
    }
    for (const m of text.matchAll(re)) {
      const span = m.indices?.[1] ?? m.indices?.[0];
      if (span && span[1] > span[0]) out.push({ start: span[0], end: span[1], kind: 'custom', priority: 3 });
    }
  }
  return out;
}

/** Masks secrets with the preset, the project's rules and the user's extra patterns. */
export async function maskSecrets(text: string, options: MaskOptions = {}): Promise<MaskOutcome> {
  const lint = await linter();
  const messages = await lint(text);
  const invalidPatterns: string[] = [];
  const findings: Finding[] = [
    ...messages.map((m) => narrow(text, m.range[0], m.range[1], m.ruleId)),
    ...findSecrets(text),
    ...extraFindings(text, options.extraPatterns ?? [], invalidPatterns),
  ];
  return { ...applyFindings(text, findings, { allowedKeys: options.allowedKeys ?? [] }), invalidPatterns };
}
