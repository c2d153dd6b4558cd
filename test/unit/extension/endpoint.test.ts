import * as assert from 'node:assert/strict';
import { checkGraphEndpoint } from '../../../src/core/endpoint';

describe('Graph endpoint policy (where a token may go)', () => {
  it('accepts the global Graph host, with or without a trailing slash or /beta', () => {
    for (const v of ['https://graph.microsoft.com', 'https://graph.microsoft.com/', 'https://graph.microsoft.com/beta', ' https://GRAPH.microsoft.com ']) {
      const r = checkGraphEndpoint(v);
      assert.deepEqual(r, { ok: true, origin: 'https://graph.microsoft.com', isEmulator: false }, v);
    }
  });

  const test = { providerId: 'securitycopilot-test' };

  it('accepts loopback addresses for the emulator with a test sign-in provider', () => {
    for (const [v, origin] of [
      ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
      ['http://localhost:9000/', 'http://localhost:9000'],
      ['http://[::1]:8787', 'http://[::1]:8787'],
      ['https://127.0.0.2:4443', 'https://127.0.0.2:4443'],
    ]) {
      assert.deepEqual(checkGraphEndpoint(v, test), { ok: true, origin, isEmulator: true }, v);
    }
  });

  it('refuses plain http on loopback with the Microsoft sign-in unless the user allowed it', () => {
    for (const policy of [{}, { providerId: 'microsoft' }, { providerId: ' microsoft ', allowInsecureLoopback: false }]) {
      const r = checkGraphEndpoint('http://127.0.0.1:8787', policy);
      assert.equal(r.ok, false, JSON.stringify(policy));
      assert.match((r as { message: string }).message, /plain http.*real token would travel unencrypted/);
    }
    assert.deepEqual(checkGraphEndpoint('http://127.0.0.1:8787', { providerId: 'microsoft', allowInsecureLoopback: true }), {
      ok: true,
      origin: 'http://127.0.0.1:8787',
      isEmulator: true,
    });
    // https on loopback stays possible (the token is encrypted on the way)
    assert.equal(checkGraphEndpoint('https://127.0.0.1:4443', { providerId: 'microsoft' }).ok, true);
  });

  it('refuses other hosts, plain http, lookalikes, credentials, paths and junk with a clear message', () => {
    const refused: [string, RegExp][] = [
      ['https://graph.microsoft.com.evil.example', /not a Microsoft Graph host/],
      ['https://evil.example', /not a Microsoft Graph host/],
      ['http://graph.microsoft.com', /must use https/],
      ['https://graph.microsoft.us', /not a Microsoft Graph host/],
      ['https://graph.microsoft.com:8443', /not a Microsoft Graph host/],
      ['https://user:pw@graph.microsoft.com', /user name or password/],
      ['https://graph.microsoft.com/v1.0/me', /Graph host only/],
      ['https://graph.microsoft.com/?x=1', /Graph host only/],
      ['http://10.0.0.5:8787', /must use https/],
      ['ftp://127.0.0.1', /must use https/],
      ['graph.microsoft.com', /not a URL/],
      ['', /not a URL/],
      ['http://127.0.0.1.evil.example:8787', /must use https/],
      ['javascript:alert(1)', /must use https|Graph host only/],
    ];
    for (const [v, message] of refused) {
      const r = checkGraphEndpoint(v, test);
      assert.equal(r.ok, false, v);
      assert.match((r as { message: string }).message, message, v);
    }
  });

  it('refuses settings of the wrong type with a clear message', () => {
    for (const v of [42, true, null, undefined, ['https://graph.microsoft.com'], { url: 'https://graph.microsoft.com' }]) {
      const r = checkGraphEndpoint(v, test);
      assert.equal(r.ok, false, String(v));
      assert.match((r as { message: string }).message, /must be a URL \(text\)/);
    }
  });
});
