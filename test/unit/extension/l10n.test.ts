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
