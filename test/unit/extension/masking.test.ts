// Secret masking against the corpus (test/fixtures/masking/corpus.ts): prints the rate per format and asserts
// the overall rates stay at or above the thresholds below, plus the rules' edges one by one.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { maskSecrets } from '../../../src/masking/masking';
import { redact } from '../../../src/masking/rules';
import { NEGATIVES, parsePositive, POSITIVES } from '../../fixtures/masking/corpus';

/** Thresholds: at least 97% of positives fully masked and 98% of negatives untouched, overall. */
const MIN_POSITIVE_RATE = 0.97;
const MIN_NEGATIVE_RATE = 0.98;
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

interface Tally {
  ok: number;
  total: number;
}

function pct(t: Tally): string {
  return `${((100 * t.ok) / t.total).toFixed(1)}% (${t.ok}/${t.total})`;
}

describe('secret masking (secretlint preset + own rules)', function () {
  this.timeout(60_000);

  it(`masks the corpus positives (≥ ${MIN_POSITIVE_RATE * 100}%) and leaves its negatives untouched (≥ ${MIN_NEGATIVE_RATE * 100}%)`, async () => {
    assert.ok(POSITIVES.length >= 150 && NEGATIVES.length >= 150, 'the corpus has at least 150 of each');
    const pos = new Map<string, Tally>();
    const neg = new Map<string, Tally>();
    const misses: string[] = [];
    const tally = (m: Map<string, Tally>, format: string, ok: boolean) => {
      const t = m.get(format) ?? { ok: 0, total: 0 };
      t.total++;
      if (ok) t.ok++;
      m.set(format, t);
    };
    for (const s of POSITIVES) {
      const { text, secrets, kept } = parsePositive(s.text);
      const r = await maskSecrets(text);
      const leaked = secrets.filter((x) => r.text.includes(x));
      const lost = kept.filter((k) => !r.text.includes(k));
      tally(pos, s.format, leaked.length === 0 && lost.length === 0);
      if (leaked.length || lost.length) misses.push(`positive [${s.format}] ${JSON.stringify(r.text)}`);
    }
    for (const s of NEGATIVES) {
      const r = await maskSecrets(s.text);
      tally(neg, s.format, r.text === s.text);
      if (r.text !== s.text) misses.push(`negative [${s.format}] ${JSON.stringify(r.text)}`);
    }
    const sum = (m: Map<string, Tally>) => [...m.values()].reduce((a, t) => ({ ok: a.ok + t.ok, total: a.total + t.total }), { ok: 0, total: 0 });
    const allPos = sum(pos);
    const allNeg = sum(neg);
    console.log('      masking corpus — positives masked / negatives untouched:');
    for (const format of new Set([...pos.keys(), ...neg.keys()])) {
      console.log(`        ${format.padEnd(36)} ${pos.has(format) ? pct(pos.get(format)!) : '—'}  /  ${neg.has(format) ? pct(neg.get(format)!) : '—'}`);
    }
    console.log(`        ${'all'.padEnd(36)} ${pct(allPos)}  /  ${pct(allNeg)}`);
    for (const m of misses) console.log(`        miss: ${m}`);
    assert.ok(allPos.ok / allPos.total >= MIN_POSITIVE_RATE, `positives masked ${pct(allPos)}`);
    assert.ok(allNeg.ok / allNeg.total >= MIN_NEGATIVE_RATE, `negatives untouched ${pct(allNeg)}`);
  });

  it('masks quoted values with spaces whole and keeps the key, the user and the host', async () => {
    const r = await maskSecrets('"password": "correct horse battery staple", "user": "svc", url=https://svc:pw1234@db.contoso.com/x');
    assert.equal(r.text, '"password": "[REDACTED:password]", "user": "svc", url=https://svc:[REDACTED:password]@db.contoso.com/x');
    assert.equal(r.count, 2);
  });

  it('keeps the working directory of a sudo line while masking a password next to it', async () => {
    const line = 'sudo: svc_backup : TTY=pts/0 ; PWD=/home/svc_backup ; USER=root ; COMMAND=/usr/bin/env MYSQL_PWD=s3cr3t-pw mysqldump';
    const r = await maskSecrets(line);
    assert.equal(r.text, line.replace('s3cr3t-pw', '[REDACTED:password]'));
  });

  it('applies extra patterns (first group only when there is one) and reports invalid ones', async () => {
    const r = await maskSecrets('ticket CASE-12345 ref=INT-9f8e7d and EMP-007', { extraPatterns: ['ref=(INT-[0-9a-f]+)', 'EMP-\\d+', '([unclosed'] });
    assert.equal(r.text, 'ticket CASE-12345 ref=[REDACTED:custom] and [REDACTED:custom]');
    assert.deepEqual(r.invalidPatterns, ['([unclosed']);
  });

  it('keeps the values of allowed keys, but never a known token format', async () => {
    const text = 'DB_PASSWORD=hunter2hunter2\nBUILD_TOKEN=ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    const r = await maskSecrets(text, { allowedKeys: ['db_password', 'BUILD_TOKEN'] });
    assert.ok(r.text.includes('DB_PASSWORD=hunter2hunter2'));
    assert.ok(!r.text.includes('ghp_AbCd'), 'a GitHub token is masked whatever its key');
  });

  it('is not switched off by a secretlint-disable comment in the selected text', async () => {
    const r = await maskSecrets('// secretlint-disable\nconst t = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"; // secretlint-disable-line');
    assert.ok(!r.text.includes('xoxb-1234'));
  });

  it('redacts log lines synchronously with the own rules and leaves request lines alone', () => {
    const jwt = 'eyJhbGciOiJub25lIn0.eyJzY3AiOiJTZWN1cml0eUNvcGlsb3QifQ.';
    const out = redact(`Authorization: Bearer abc.def-ghi123 token=${jwt} GET /x?code=s3cr3t-code&ok=1&access_token=zzz123`);
    for (const secret of ['abc.def-ghi123', jwt, 's3cr3t-code', 'zzz123']) assert.ok(!out.includes(secret), secret);
    assert.ok(out.includes('ok=1'));
    const line = 'GET /beta/security/securityCopilot/workspaces/default/sessions?$top=25 → 200 in 12 ms request-id=1234 client-request-id=5678';
    assert.equal(redact(line), line);
  });

  it('the activation bundle does not contain the rule set; the masking bundle builds for Node with it', async () => {
    const build = (entry: string, plugins: esbuild.Plugin[] = []) =>
      esbuild.build({
        absWorkingDir: ROOT,
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        write: false,
        metafile: true,
        external: ['vscode'],
        logLevel: 'silent',
        plugins,
        outfile: 'dist/x.js',
      });
    const lazy: esbuild.Plugin = {
      name: 'lazy-masking',
      setup(b) {
        b.onResolve({ filter: /^\.\/masking\.js$/ }, () => ({ path: './masking.js', external: true }));
      },
    };
    const extension = await build('src/extension.ts', [lazy]);
    const inputs = Object.keys(extension.metafile.inputs);
    assert.ok(inputs.some((i) => i.endsWith('src/masking/load.ts')), 'the loader is in the activation bundle');
    assert.deepEqual(inputs.filter((i) => /secretlint|src\/masking\/masking\.ts/.test(i)), [], 'no secretlint at activation');
    const masking = await build('src/masking/masking.ts');
    assert.ok(Object.keys(masking.metafile.inputs).some((i) => i.includes('@secretlint/secretlint-rule-preset-recommend')));
  });
});
