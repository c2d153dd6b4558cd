import * as assert from 'node:assert/strict';
import { redact } from '../../../src/core/redact';

describe('log redaction', () => {
  it('removes bearer tokens, JWTs and secret query values', () => {
    const jwt = 'eyJhbGciOiJub25lIn0.eyJzY3AiOiJTZWN1cml0eUNvcGlsb3QifQ.';
    const line = `Authorization: Bearer abc.def-ghi token=${jwt} GET /x?code=s3cr3t&ok=1&access_token=zzz`;
    const out = redact(line);
    assert.ok(!out.includes('abc.def-ghi'));
    assert.ok(!out.includes(jwt));
    assert.ok(!out.includes('s3cr3t'));
    assert.ok(!out.includes('zzz'));
    assert.ok(out.includes('ok=1'));
    assert.ok(out.includes('Bearer [redacted]'));
  });

  it('leaves ordinary request lines alone', () => {
    const line = 'GET /beta/security/securityCopilot/workspaces/default/sessions?$top=25 → 200 in 12 ms request-id=1234';
    assert.equal(redact(line), line);
  });
});
