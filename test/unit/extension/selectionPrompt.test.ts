import * as assert from 'node:assert/strict';
import { composeSelectionPrompt, MAX_SELECTION_CHARS } from '../../../src/core/selectionPrompt';
import { PROMPT_MAX_LENGTH, validatePromptContent } from '../../../src/graph';

describe('asking about a selection', () => {
  it('names the file and line range and fences the text with its language', () => {
    const r = composeSelectionPrompt({ text: 'SigninLogs | take 10', fileName: 'hunt.kql', startLine: 3, endLine: 4, languageId: 'kql' });
    assert.equal(r.truncated, false);
    assert.equal(r.source, 'hunt.kql, lines 3–4');
    assert.match(r.prompt, /^Explain the following excerpt from hunt\.kql, lines 3–4/);
    assert.ok(r.prompt.includes('```kql\nSigninLogs | take 10\n```'));
  });

  it('masks secrets in the selection and reports them, leaving indicators alone', () => {
    const r = composeSelectionPrompt({
      text: 'ip=203.0.113.7 user=j.doe password=hunter22 Authorization: Bearer abcdefgh12345678',
      fileName: 'app.log',
      startLine: 10,
      endLine: 10,
    });
    assert.ok(!r.prompt.includes('hunter22') && !r.prompt.includes('abcdefgh12345678'));
    assert.ok(r.prompt.includes('ip=203.0.113.7 user=j.doe password=[REDACTED:password]'));
    assert.equal(r.maskedCount, 2);
    assert.deepEqual(r.maskedKinds, ['bearer token', 'password']);
  });

  it('uses a longer fence when the selection contains backticks', () => {
    const r = composeSelectionPrompt({ text: 'a ``` b', fileName: 'x.md', startLine: 1, endLine: 1 });
    assert.ok(r.prompt.includes('````\na ``` b\n````'));
    assert.match(r.prompt, /line 1 /);
  });

  it('bounds large selections and says so, staying within the prompt limit', () => {
    const text = 'x'.repeat(MAX_SELECTION_CHARS + 5000);
    const r = composeSelectionPrompt({ text, fileName: 'big.log', startLine: 1, endLine: 900 });
    assert.equal(r.truncated, true);
    assert.equal(r.originalLength, MAX_SELECTION_CHARS + 5000);
    assert.match(r.prompt, /Only the first 12,000 of 17,000 characters/);
    assert.ok(r.prompt.length <= PROMPT_MAX_LENGTH);
    assert.equal(validatePromptContent(r.prompt).ok, true);
  });
});
