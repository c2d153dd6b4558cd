import * as assert from 'node:assert/strict';
import {
  DISPLAY_NAME_MAX_LENGTH,
  PROMPT_MAX_LENGTH,
  validateDisplayName,
  validateId,
  validatePromptContent,
  validateSessionIdInput,
} from '../../../src/graph';

describe('graph/validate', () => {
  describe('validateDisplayName', () => {
    it('trims and accepts a normal name', () => {
      assert.deepEqual(validateDisplayName('  Who am I?  '), { ok: true, value: 'Who am I?' });
    });
    it('rejects empty and whitespace-only names', () => {
      assert.deepEqual(validateDisplayName(''), { ok: false, message: "Session name can't be empty." });
      assert.deepEqual(validateDisplayName(' \t\n '), { ok: false, message: "Session name can't be empty." });
    });
    it('rejects names over the limit with the count', () => {
      assert.equal(DISPLAY_NAME_MAX_LENGTH, 200);
      assert.deepEqual(validateDisplayName('x'.repeat(312)), {
        ok: false,
        message: 'Session name is too long (312 of 200 characters).',
      });
      assert.equal(validateDisplayName('x'.repeat(200)).ok, true);
    });
    it('counts characters, not UTF-16 units', () => {
      assert.equal(validateDisplayName('🛡️'.repeat(100)).ok, true); // 2 code points each
      assert.equal(validateDisplayName('🔒'.repeat(200)).ok, true); // 400 UTF-16 units
    });
    it('rejects control characters inside the name', () => {
      for (const bad of ['a\u0000b', 'line\nbreak', 'tab\there', 'del\u007f', 'c1\u0085', 'bidi\u202Eevil', 'sep\u2028x']) {
        assert.deepEqual(validateDisplayName(bad), { ok: false, message: "Session name can't contain control characters." }, bad);
      }
    });
    it('handles 10,000 characters, emoji and right-to-left names; refuses bidi overrides', () => {
      assert.deepEqual(validateDisplayName('n'.repeat(10_000)), { ok: false, message: 'Session name is too long (10000 of 200 characters).' });
      assert.equal(validateDisplayName('حادثة تصيد 🎣 — אירוע').ok, true);
      assert.equal(validateDisplayName('👩‍💻 phishing triage').ok, true); // ZWJ sequence
      assert.equal(validateDisplayName('invoice\u202Efdp.exe').ok, false);
      assert.equal(validateDisplayName('\u2066hidden\u2069').ok, false);
      assert.equal(validateDisplayName('\u3000\u00a0 ').ok, false); // only (Unicode) spaces
    });
    it('uses the given noun', () => {
      assert.deepEqual(validateDisplayName('', 'Name'), { ok: false, message: "Name can't be empty." });
    });
  });

  describe('validateId', () => {
    it('accepts GUIDs and "default"', () => {
      assert.deepEqual(validateId('default'), { ok: true, value: 'default' });
      assert.equal(validateId('ecdfb9b3-58f5-457f-a18c-4a477890b252').ok, true);
    });
    it('rejects empty, separators, dot segments, percent, whitespace and controls', () => {
      for (const bad of ['', 'a/b', 'a?b', 'a#b', '..', 'a..b', '.', '%2e', 'a b', ' a', 'a\n', 'a\u0000', 'a\\b', 'a\u200bb', '../sessions', 'x?$select=id', 'a%2Fb', '..%2F..%2Fusers', '%2e%2e']) {
        const r = validateId(bad, 'Session id');
        assert.equal(r.ok, false, JSON.stringify(bad));
        if (!r.ok) assert.match(r.message, /^Session id can't/);
      }
    });
  });

  describe('validateSessionIdInput', () => {
    it('accepts a pasted GUID (trimmed) and explains anything else', () => {
      assert.deepEqual(validateSessionIdInput(' 71A8ABB6-ce18-496c-a8d4-4d0f51986c3e\n'), { ok: true, value: '71A8ABB6-ce18-496c-a8d4-4d0f51986c3e' });
      for (const bad of ['not-a-guid', 'default', '71a8abb6ce18496ca8d44d0f51986c3e', '{71a8abb6-ce18-496c-a8d4-4d0f51986c3e}', 'https://securitycopilot.microsoft.com/sessions/71a8abb6-ce18-496c-a8d4-4d0f51986c3e']) {
        const r = validateSessionIdInput(bad);
        assert.equal(r.ok, false, bad);
      }
      assert.match((validateSessionIdInput('not-a-guid') as { message: string }).message, /is a GUID/);
      assert.match((validateSessionIdInput('../x') as { message: string }).message, /can't contain/);
    });
  });

  describe('validatePromptContent', () => {
    it('trims and keeps inner newlines', () => {
      assert.deepEqual(validatePromptContent('\n  explain\n\tthis  \n'), { ok: true, value: 'explain\n\tthis' });
    });
    it('rejects empty and too long prompts', () => {
      assert.deepEqual(validatePromptContent('   '), { ok: false, message: "Prompt can't be empty." });
      assert.equal(PROMPT_MAX_LENGTH, 16_000);
      assert.equal(validatePromptContent('y'.repeat(16_000)).ok, true);
      assert.deepEqual(validatePromptContent('y'.repeat(16_001)), {
        ok: false,
        message: 'Prompt is too long (16001 of 16000 characters).',
      });
    });
  });
});
