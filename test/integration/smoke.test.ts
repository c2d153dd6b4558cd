// Smoke suite of the in-host run: the product loads in a real VS Code extension host and sees the test set-up
// (emulator, stand-in sign-in, settings). Feature suites live next to this file as *.test.ts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const PRODUCT_ID = 'security-copilot-vscode.security-copilot';
const AUTH_FIXTURE_ID = 'security-copilot-test.test-auth';
const AUTH_PROVIDER_ID = 'securitycopilot-test';
const GRAPH_SCOPE = 'https://graph.microsoft.com/SecurityCopilotWorkspaces.ReadWrite.All';

function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('smoke: the extension in a real VS Code', () => {
  it('runs inside a real VS Code extension host', () => {
    console.log(`    vscode.version = ${vscode.version}, appName = ${vscode.env.appName}, uiKind = ${vscode.env.uiKind}, remoteName = ${vscode.env.remoteName}`);
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
  });

  it('finds the extension and activates it', async () => {
    const ext = vscode.extensions.getExtension(PRODUCT_ID);
    assert.ok(ext, `${PRODUCT_ID} is not loaded`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['securityCopilot.createSession', 'securityCopilot.openSession']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });

  it('is pointed at the local emulator and the stand-in sign-in', async () => {
    const emulator = process.env.SC_EMULATOR_URL;
    assert.ok(emulator, 'SC_EMULATOR_URL is not set in the extension host');
    const config = vscode.workspace.getConfiguration('securityCopilot');
    assert.equal(config.get('graphEndpoint'), emulator);
    assert.equal(config.get('auth.providerId'), AUTH_PROVIDER_ID);
    assert.ok(vscode.extensions.getExtension(AUTH_FIXTURE_ID), 'the stand-in sign-in extension is not installed');
    const health = await fetch(`${emulator}/_emulator/health`);
    assert.equal(health.status, 200);
  });

  describe('stand-in sign-in', () => {
    after(async () => {
      await vscode.commands.executeCommand('securityCopilotTestAuth.signOutAll');
    });

    it('signs in without a dialog and issues a token with the requested Graph permission', async () => {
      await vscode.extensions.getExtension(AUTH_FIXTURE_ID)?.activate();
      const session = await vscode.authentication.getSession(AUTH_PROVIDER_ID, [GRAPH_SCOPE, 'offline_access'], { createIfNone: true });
      assert.equal(session.account.label, 'analyst@contoso.test');
      const claims = decodeJwt(session.accessToken);
      assert.equal(claims.scp, 'SecurityCopilotWorkspaces.ReadWrite.All');
      assert.equal(claims.upn, 'analyst@contoso.test');
      const again = await vscode.authentication.getSession(AUTH_PROVIDER_ID, [GRAPH_SCOPE, 'offline_access'], { silent: true });
      assert.equal(again?.id, session.id);
    });
  });
});
