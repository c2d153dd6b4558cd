import * as assert from 'node:assert/strict';
import { checkAuthorityHost } from '../../../src/core/authority';

describe('authority host policy (where sign-in requests go)', () => {
  it('accepts the global host (also when empty), loopback stand-ins, and warns for national clouds', () => {
    assert.deepEqual(checkAuthorityHost(''), { ok: true, origin: 'https://login.microsoftonline.com', isLoopback: false });
    assert.deepEqual(checkAuthorityHost('https://login.microsoftonline.com/'), { ok: true, origin: 'https://login.microsoftonline.com', isLoopback: false });
    assert.deepEqual(checkAuthorityHost('https://127.0.0.1:4443'), { ok: true, origin: 'https://127.0.0.1:4443', isLoopback: true });
    assert.deepEqual(checkAuthorityHost('http://localhost:9000'), { ok: true, origin: 'http://localhost:9000', isLoopback: true });
    const us = checkAuthorityHost('https://login.microsoftonline.us');
    assert.ok(us.ok && /global cloud/.test(us.warning ?? ''));
  });

  it('refuses plain http elsewhere, paths, credentials and junk', () => {
    for (const [v, re] of [
      ['http://login.microsoftonline.com', /https/],
      ['https://login.microsoftonline.com/contoso', /origin only/],
      ['https://u:p@login.microsoftonline.com', /origin only/],
      ['not a url', /not a URL/],
    ] as const) {
      const r = checkAuthorityHost(v);
      assert.ok(!r.ok && re.test(r.message), v);
    }
  });
});
