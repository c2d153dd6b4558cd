// Localisation: the manifest's strings come from package.nls.json, the UI's from vscode.l10n.t with the English
// bundle in l10n/bundle.l10n.json (what translators start from).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const read = (f: string): string => fs.readFileSync(path.join(ROOT, f), 'utf8');

describe('localisation: package.json and package.nls.json', () => {
  const manifestText = read('package.json');
  const nls = JSON.parse(read('package.nls.json')) as Record<string, unknown>;
  const keys = [...manifestText.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);

  it('every %key% in package.json has a text in package.nls.json', () => {
    assert.ok(keys.length > 50, `package.json uses ${keys.length} placeholders`);
    assert.deepEqual(keys.filter((k) => typeof nls[k] !== 'string' || nls[k] === ''), []);
  });

  it('package.nls.json has no text package.json does not use', () => {
    const used = new Set(keys);
    assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), []);
  });

  it('what users read in the manifest is a placeholder, not a literal', () => {
    const m = JSON.parse(manifestText) as { displayName: string; description: string; contributes: Record<string, unknown> };
    const c = m.contributes as {
      commands: { command: string; title: string; category?: string }[];
      views: Record<string, { id: string; name: string }[]>;
      viewsWelcome: { contents: string }[];
      configuration: { title: string; properties: Record<string, Record<string, unknown>> };
      walkthroughs: { title: string; description: string; steps: { title: string; description: string }[] }[];
    };
    const placeholder = /^%[^%]+%$/;
    const literal: string[] = [];
    const check = (where: string, v: unknown) => {
      if (typeof v === 'string' && !placeholder.test(v)) literal.push(`${where}: ${v}`);
    };
    check('displayName', m.displayName);
    check('description', m.description);
    for (const cmd of c.commands) {
      check(`${cmd.command} title`, cmd.title);
      check(`${cmd.command} category`, cmd.category);
    }
    for (const v of Object.values(c.views).flat()) check(`view ${v.id}`, v.name);
    for (const w of c.viewsWelcome) check('viewsWelcome', w.contents);
    check('configuration title', c.configuration.title);
    for (const [k, spec] of Object.entries(c.configuration.properties)) {
      for (const f of ['description', 'markdownDescription', 'patternErrorMessage']) check(`${k} ${f}`, spec[f]);
      for (const f of ['enumDescriptions', 'markdownEnumDescriptions', 'enumItemLabels']) {
        for (const v of (spec[f] as unknown[] | undefined) ?? []) check(`${k} ${f}`, v);
      }
    }
    for (const w of c.walkthroughs) {
      check('walkthrough title', w.title);
      check('walkthrough description', w.description);
      for (const s of w.steps) {
        check('step title', s.title);
        check('step description', s.description);
      }
    }
    assert.deepEqual(literal, []);
  });
});

describe('localisation: vscode.l10n.t and l10n/bundle.l10n.json', () => {
  // scripts/l10n.js writes the bundle (`npm run l10n`); it is plain Node, loaded from the repository.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const l10n = require(path.join(ROOT, 'scripts', 'l10n.js')) as {
    collect(): { messages: Map<string, Set<string>>; problems: string[] };
    bundleText(messages: Map<string, Set<string>>): string;
  };
  const bundle = JSON.parse(read('l10n/bundle.l10n.json')) as Record<string, string>;

  it('package.json points VS Code at the bundles', () => {
    assert.equal((JSON.parse(read('package.json')) as { l10n?: string }).l10n, './l10n');
  });

  it('the bundle is up to date with the sources (run `npm run l10n` after changing a message)', () => {
    const { messages, problems } = l10n.collect();
    assert.deepEqual(problems, [], 'every l10n.t message is a literal a translator can find');
    assert.ok(messages.size > 150, `${messages.size} messages found`);
    assert.equal(read('l10n/bundle.l10n.json'), l10n.bundleText(messages));
  });

  it('every quoted l10n.t literal in src (literals joined with + too) is in the bundle (a plain text scan, independent of the script)', () => {
    const files = (dir: string): string[] =>
      fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
      );
    const missing: string[] = [];
    let seen = 0;
    for (const f of files('src')) {
      // A message may be literals joined with `+` ('…' + '…' or "…" + '…'): the scan joins them.
      const piece = `(?:'(?:[^'\\\\]|\\\\.)*'|"(?:[^"\\\\]|\\\\.)*")`;
      for (const m of read(f).matchAll(new RegExp(`l10n\\.t\\(\\s*(${piece}(?:\\s*\\+\\s*${piece})*)`, 'g'))) {
        seen++;
        const parts = [...m[1].matchAll(new RegExp(piece, 'g'))].map((p) => p[0].slice(1, -1));
        const text = parts.join('').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        if (!(text in bundle)) missing.push(`${f}: ${text}`);
      }
    }
    assert.ok(seen > 150, `${seen} calls scanned`);
    assert.deepEqual(missing, []);
  });

  it('the bundle is English: each message is its own translation', () => {
    assert.deepEqual(Object.entries(bundle).filter(([k, v]) => k !== v), []);
  });

  it('the VS Code-facing code asks l10n for what it shows (Sign In, Open Setup Guide, the status bar, the tree)', () => {
    for (const m of ['Sign-in failed', 'Open Setup Guide', 'Security Copilot: Sign in', 'Loading sessions…', 'Could not {0}', 'Copy Session ID']) {
      assert.ok(m in bundle, m);
    }
  });
});
