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
