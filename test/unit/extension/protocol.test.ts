import * as assert from 'node:assert/strict';
import { isHostMessage, isWebviewMessage, MAX_MESSAGE_STRING, sessionLabel } from '../../../src/shared/protocol';

describe('panel ↔ extension protocol guards', () => {
  it('accepts well-formed webview messages', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'sendPrompt', content: 'hi' },
      { type: 'rerun', promptId: 'p' },
      { type: 'openLink', href: 'https://learn.microsoft.com' },
      { type: 'copyText', text: 'x', what: 'answer' },
      { type: 'openInEditor', code: 'T | take 1', language: 'kql' },
    ]) {
      assert.equal(isWebviewMessage(m), true, JSON.stringify(m));
    }
  });

  it('rejects unknown types, missing or mistyped fields and oversized strings', () => {
    for (const m of [
      null, 'ready', {}, { type: 'deleteEverything' }, { type: 'sendPrompt' }, { type: 'sendPrompt', content: 5 },
      { type: 'copyText', text: 'x', what: 'secrets' }, { type: 'rerun', promptId: null },
      { type: 'sendPrompt', content: 'x'.repeat(MAX_MESSAGE_STRING + 1) }, { type: '__proto__' }, { type: 'toString' },
    ]) {
      assert.equal(isWebviewMessage(m), false, JSON.stringify(m)?.slice(0, 80));
    }
  });

  it('checks host messages too', () => {
    assert.equal(isHostMessage({ type: 'loading' }), true);
    assert.equal(isHostMessage({ type: 'loadFailed', message: 'x', signIn: false }), true);
    assert.equal(isHostMessage({ type: 'promptsUpdated', prompts: [] }), true);
    assert.equal(isHostMessage({ type: 'promptsUpdated', prompts: null }), false);
    assert.equal(isHostMessage({ type: 'promptsUpdated', prompts: { length: 1 } }), false, 'an object is not a list');
    assert.equal(isHostMessage({ type: 'sessionLoaded', session: [], prompts: [] }), false, 'a list is not a session');
    assert.equal(isHostMessage({ type: 'promptUpdated', prompt: {} }), false, 'the old one-prompt message is gone');
    assert.equal(isHostMessage({ type: 'sendState' }), false);
  });

  it('names sessions without a name "Untitled session"', () => {
    assert.equal(sessionLabel(null), 'Untitled session');
    assert.equal(sessionLabel('   '), 'Untitled session');
    assert.equal(sessionLabel(' Phishing triage '), 'Phishing triage');
  });
});
