// A guest (B2B) account whose sign-in returns a token for its home tenant while another tenant (the one that has
// Security Copilot) is configured. The stand-in sign-in always issues tokens of its own tenant, whatever tenant is
// asked for: exactly that case. Nothing may be sent to Graph with such a token, and the user is told what to do.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describeError } from '../../src/errors';
import type { ExtensionApi } from '../../src/extension';
import { api, emulator, reloadSessions, signIn, waitFor } from './helpers';

/** The stand-in sign-in's own tenant (the `tid` of its tokens; test/fixtures/auth-provider/extension.js). */
const HOME_TENANT = '00000000-0000-4000-8000-0000000c0de0';
const RESOURCE_TENANT = '7a1e5c00-9d3b-4f6a-8c21-5e0b7d4a9f10';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('securityCopilot');

describe('Guest account: a token for another tenant than the configured one (in the extension host)', function () {
  this.timeout(60_000);
  let a: ExtensionApi;

  before(async () => {
    a = await api();
    await emulator.reset();
    await emulator.seed({ sessions: 2, promptsPerSession: 1 });
    await signIn();
  });

  after(async () => {
    await config().update('auth.tenantId', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the default tenant again', () => a.copilot.settings.tenantId === 'organizations');
    await signIn();
  });

  it('is refused with the tenants and what to do, and Graph receives nothing', async () => {
    await config().update('auth.tenantId', RESOURCE_TENANT, vscode.ConfigurationTarget.Global);
    await waitFor('the tenant setting', () => a.copilot.settings.tenantId === RESOURCE_TENANT);
    await emulator.clearRequests();

    await assert.rejects(a.copilot.auth.signIn(), (e: Error) => {
      assert.equal(e.name, 'WrongTenantError');
      // What the Sign In command shows: this message, with Open Setup Guide.
      const shown = describeError(e);
      assert.equal(shown.setupGuide, true);
      assert.equal(shown.signIn, false);
      assert.match(e.message, new RegExp(`token for tenant ${HOME_TENANT}, not for the configured tenant ${RESOURCE_TENANT}`));
      assert.match(e.message, /Auth: Tenant Id/);
      assert.match(e.message, /nothing is sent/);
      return true;
    });
    assert.equal(a.copilot.auth.account, undefined, 'nobody is signed in with the wrong tenant');

    // Background work asks silently, gets the same token, and sends nothing with it.
    await reloadSessions(a);
    assert.deepEqual((await emulator.requests()).map((r) => `${r.method} ${r.path}`), []);
  });

  it('with the tenant the token is for, the same account signs in and lists sessions', async () => {
    await config().update('auth.tenantId', HOME_TENANT, vscode.ConfigurationTarget.Global);
    await waitFor('the tenant setting', () => a.copilot.settings.tenantId === HOME_TENANT);
    await signIn();
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.status, 'loaded');
    assert.equal(a.copilot.engine.list.sessions.length, 2);
  });
});
