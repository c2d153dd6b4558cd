import * as assert from 'node:assert/strict';
import { checkSelectionText, composeSelectionPrompt, MAX_SELECTION_CHARS } from '../../../src/core/selectionPrompt';
import { PROMPT_MAX_LENGTH, validatePromptContent } from '../../../src/graph';
import { maskSecrets } from '../../../src/masking/masking';

describe('asking about a selection', () => {
  it('names the file and line range and fences the text with its language', async () => {
    const r = await composeSelectionPrompt({ text: 'SigninLogs | take 10', fileName: 'hunt.kql', startLine: 3, endLine: 4, languageId: 'kql' }, maskSecrets);
    assert.equal(r.truncated, false);
    assert.equal(r.source, 'hunt.kql, lines 3–4');
    assert.match(r.prompt, /^Explain the following excerpt from hunt\.kql, lines 3–4/);
    assert.ok(r.prompt.includes('```kql\nSigninLogs | take 10\n```'));
  });

  it('masks secrets in the selection and reports them, leaving indicators alone', async () => {
    const r = await composeSelectionPrompt(
      { text: 'ip=203.0.113.7 user=j.doe password=hunter22 Authorization: Bearer abcdefgh12345678', fileName: 'app.log', startLine: 10, endLine: 10 },
      maskSecrets,
    );
    assert.ok(!r.prompt.includes('hunter22') && !r.prompt.includes('abcdefgh12345678'));
    assert.ok(r.prompt.includes('ip=203.0.113.7 user=j.doe password=[REDACTED:password] Authorization: Bearer [REDACTED:token]'));
    assert.equal(r.maskedCount, 2);
    assert.deepEqual(r.maskedKinds, ['password', 'token']);
  });

  it('uses a longer fence when the selection contains backticks', async () => {
    const r = await composeSelectionPrompt({ text: 'a ``` b', fileName: 'x.md', startLine: 1, endLine: 1 }, maskSecrets);
    assert.ok(r.prompt.includes('````\na ``` b\n````'));
    assert.match(r.prompt, /line 1 /);
  });

  it('bounds large selections and says so, staying within the prompt limit', async () => {
    const text = 'x'.repeat(MAX_SELECTION_CHARS + 5000);
    const r = await composeSelectionPrompt({ text, fileName: 'big.log', startLine: 1, endLine: 900 }, maskSecrets);
    assert.equal(r.truncated, true);
    assert.equal(r.originalLength, MAX_SELECTION_CHARS + 5000);
    assert.match(r.prompt, /Only the first 12,000 of 17,000 characters/);
    assert.ok(r.prompt.length <= PROMPT_MAX_LENGTH);
    assert.equal(validatePromptContent(r.prompt).ok, true);
  });

  it('masks a secret that straddles the cut, and masks only a bounded part of a huge selection', async () => {
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${'A'.repeat(3000)}\n-----END RSA PRIVATE KEY-----`;
    const text = `${'x'.repeat(MAX_SELECTION_CHARS - 100)}\n${key}\n${'y'.repeat(5_000_000)}`;
    let maskedLength = 0;
    const r = await composeSelectionPrompt({ text, fileName: 'big.log', startLine: 1, endLine: 3 }, (t) => {
      maskedLength = t.length;
      return maskSecrets(t);
    });
    assert.ok(!r.prompt.includes('AAAAAAAAAA'), 'no part of the key is sent');
    assert.ok(r.prompt.includes('[REDACTED:private key]'));
    assert.ok(maskedLength < 25_000, `masked ${maskedLength} characters`);
  });

  it('refuses binary data and empty selections with a clear message', () => {
    assert.deepEqual(checkSelectionText('2026-03-02 ok\n\tindented'), { ok: true });
    assert.deepEqual(checkSelectionText('ünïcødé, emoji 🛡️, RTL مرحبا'), { ok: true });
    for (const bin of ['MZ\u0090\u0000\u0003\u0000\u0000\u0000\u0004', 'PK\u0003\u0004\u0014' + '\ufffd'.repeat(50) + 'abc', '\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000e\u000f' + 'a'.repeat(20)]) {
      const r = checkSelectionText(bin);
      assert.equal(r.ok, false);
      assert.match((r as { message: string }).message, /looks like binary data/);
    }
    assert.match((checkSelectionText('   \n ') as { message: string }).message, /Select the text/);
  });
});
