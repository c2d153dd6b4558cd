import * as assert from 'node:assert/strict';
import { checkGraphEndpoint } from '../../../src/core/endpoint';

describe('Graph endpoint policy (where a token may go)', () => {
  it('accepts the global Graph host, with or without a trailing slash or /beta', () => {
    for (const v of ['https://graph.microsoft.com', 'https://graph.microsoft.com/', 'https://graph.microsoft.com/beta', ' https://GRAPH.microsoft.com ']) {
      const r = checkGraphEndpoint(v);
      assert.deepEqual(r, { ok: true, origin: 'https://graph.microsoft.com', isEmulator: false }, v);
    }
  });

  it('accepts loopback addresses for the emulator', () => {
    for (const [v, origin] of [
      ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
      ['http://localhost:9000/', 'http://localhost:9000'],
      ['http://[::1]:8787', 'http://[::1]:8787'],
      ['https://127.0.0.2:4443', 'https://127.0.0.2:4443'],
    ]) {
      assert.deepEqual(checkGraphEndpoint(v), { ok: true, origin, isEmulator: true }, v);
    }
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
    ];
    for (const [v, message] of refused) {
      const r = checkGraphEndpoint(v);
      assert.equal(r.ok, false, v);
      assert.match((r as { message: string }).message, message, v);
    }
  });
});
