import * as assert from 'node:assert/strict';
import { type Emulator, READ_SCOPE, startEmulator, WRITE_SCOPE } from '../../../emulator';
import { call, jwt, useEmulator, ws } from './helpers';

type Row = Record<string, unknown>;

describe('emulator: authentication and scopes', () => {
  const ctx = useEmulator();

  it('answers 401 InvalidAuthenticationToken without an Authorization header', async () => {
    const r = await call(ctx.emu, ws('/sessions'), { token: null });
    assert.equal(r.status, 401);
    assert.equal((r.json.error as Row).code, 'InvalidAuthenticationToken');
    assert.ok(r.headers.get('www-authenticate'));
    assert.equal(ctx.emu.requests()[0].authorization, 'none');
  });

  it('answers 401 for a malformed Authorization header', async () => {
    for (const value of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'token']) {
      const r = await call(ctx.emu, ws('/sessions'), { token: null, headers: { Authorization: value } });
      assert.equal(r.status, 401, value);
    }
    assert.equal(ctx.emu.requests()[0].authorization, 'other');
  });

  it('accepts opaque tokens, and JWTs without scp', async () => {
    assert.equal((await call(ctx.emu, ws('/sessions'), { token: 'not-a-jwt' })).status, 200);
    assert.equal((await call(ctx.emu, ws('/sessions'), { token: jwt({ sub: 'x' }) })).status, 200);
  });

  it('lets a read-only token GET but answers 403 accessDenied on writes', async () => {
    const readOnly = jwt({ scp: `openid profile ${READ_SCOPE}` });
    assert.equal((await call(ctx.emu, ws('/sessions'), { token: readOnly })).status, 200);
    assert.equal((await call(ctx.emu, ws('/plugins'), { token: readOnly })).status, 200);
    const r = await call(ctx.emu, ws('/sessions'), { token: readOnly, body: { displayName: 'nope' } });
    assert.equal(r.status, 403);
    const error = r.json.error as Row;
    assert.equal(error.code, 'accessDenied');
    assert.match(String(error.message), new RegExp(WRITE_SCOPE.replace(/\./g, '\\.')));
    assert.equal(((await call(ctx.emu, ws('/sessions'))).json.value as Row[]).length, 0, 'nothing created');
  });

  it('lets a ReadWrite token read and write; a token with unrelated scopes gets 403 on GET', async () => {
    const rw = jwt({ scp: WRITE_SCOPE });
    assert.equal((await call(ctx.emu, ws('/sessions'), { token: rw, body: { displayName: 'ok' } })).status, 201);
    assert.equal((await call(ctx.emu, ws('/sessions'), { token: rw })).status, 200);
    const other = await call(ctx.emu, ws('/sessions'), { token: jwt({ scp: 'User.Read' }) });
    assert.equal(other.status, 403);
    assert.match(String((other.json.error as Row).message), /SecurityCopilotWorkspaces\.Read\.All/);
  });

  it('answers 401 for an expired JWT', async () => {
    const expired = jwt({ scp: WRITE_SCOPE, exp: Math.floor(Date.now() / 1000) - 60 });
    const r = await call(ctx.emu, ws('/sessions'), { token: expired });
    assert.equal(r.status, 401);
    assert.equal((r.json.error as Row).code, 'InvalidAuthenticationToken');
  });

  describe('with expectedToken', () => {
    let emu: Emulator;
    before(async () => {
      emu = await startEmulator({ quiet: true, expectedToken: 'the-one' });
    });
    after(() => emu.close());

    it('accepts only that token', async () => {
      assert.equal((await call(emu, ws('/sessions'), { token: 'the-one' })).status, 200);
      const r = await call(emu, ws('/sessions'), { token: 'another' });
      assert.equal(r.status, 401);
      assert.equal((r.json.error as Row).code, 'InvalidAuthenticationToken');
    });
  });
});
