import * as assert from 'node:assert/strict';
import { maskSecrets, redact } from '../../../src/core/redact';

describe('secret masking (log and prompts)', () => {
  it('removes bearer tokens, JWTs and secret query values from log lines', () => {
    const jwt = 'eyJhbGciOiJub25lIn0.eyJzY3AiOiJTZWN1cml0eUNvcGlsb3QifQ.';
    const line = `Authorization: Bearer abc.def-ghi123 token=${jwt} GET /x?code=s3cr3t&ok=1&access_token=zzz`;
    const out = redact(line);
    for (const secret of ['abc.def-ghi123', jwt, 's3cr3t', 'zzz']) assert.ok(!out.includes(secret), secret);
    assert.ok(out.includes('ok=1'));
    assert.ok(out.includes('Bearer [REDACTED:bearer token]'));
    assert.ok(out.includes('[REDACTED:JWT]'));
  });

  it('leaves ordinary request lines alone', () => {
    const line = 'GET /beta/security/securityCopilot/workspaces/default/sessions?$top=25 → 200 in 12 ms request-id=1234';
    assert.equal(redact(line), line);
  });

  it('masks the secrets an analyst might select, keeping labels readable and counting them', () => {
    const text = [
      '2026-03-02T09:01:44Z user=adele.vance@contoso.com ip=203.0.113.7 Authorization: Bearer eyJraWQiOiIxIn0.eyJ1cG4iOiJhIn0.c2ln',
      'DefaultEndpointsProtocol=https;AccountName=logs;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;',
      'url=https://logs.blob.core.windows.net/x?sv=2024&sig=AbCdEf%2Bghij',
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE  password=Winter2026! api_key: "sk-live-abcdef"',
      'token ghp_0123456789abcdefghijABCDEFGHIJ0123456789',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const r = maskSecrets(text);
    for (const secret of ['eyJraWQi', 'Zm9vYmFy', 'AbCdEf', 'AKIAIOSFODNN7EXAMPLE', 'Winter2026!', 'sk-live-abcdef', 'ghp_0123', 'MIIEpAIBAAKCAQEA']) {
      assert.ok(!r.text.includes(secret), `${secret} is masked`);
    }
    for (const kept of ['adele.vance@contoso.com', '203.0.113.7', 'AccountName=logs', 'password=[REDACTED:password]', 'Authorization: Bearer [REDACTED:JWT]']) {
      assert.ok(r.text.includes(kept), `${kept} is kept`);
    }
    assert.equal(r.count, 8);
    assert.deepEqual(r.kinds, ['private key', 'JWT', 'AWS access key', 'GitHub token', 'storage key', 'SAS signature', 'password']);
  });

  it('finds nothing in text without secrets', () => {
    const r = maskSecrets('Failed sign-in for j.doe from 198.51.100.23 (hash 44d88612fea8a8f36de82e1278abb02f)');
    assert.equal(r.count, 0);
    assert.deepEqual(r.kinds, []);
  });
});
