// Safety in the real extension host: settings a workspace must not change, endpoints a real token must not go
// to, bad input that must not reach Graph, and a log that never holds a token or a masked secret.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scopesFor } from '../../src/auth/auth';
import type { ExtensionApi } from '../../src/extension';
import { readMaskingSettings } from '../../src/config';
import { api, closeAllEditors, emulator, reloadSessions, signIn, waitFor } from './helpers';

/** Secrets put into selections and settings below: none may ever show up in the log. */
const SECRETS = ['Tr0ub4dor&3', 'Zqx8Q~abcdEFGHijklMNOPqrstUVWXyz01234567', 'correct horse battery staple', 'hunter2hunter2'];

function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the run opens a sample workspace folder');
  return folder.uri;
}

async function withUserSetting<T>(key: string, value: unknown, fn: () => Promise<T>): Promise<T> {
  const config = vscode.workspace.getConfiguration('securityCopilot');
  const before = config.inspect(key)?.globalValue;
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  try {
    return await fn();
  } finally {
    await vscode.workspace.getConfiguration('securityCopilot').update(key, before, vscode.ConfigurationTarget.Global);
  }
}

/** Everything the *Security Copilot* log channel wrote in this window (VS Code keeps it in the extension's log folder). */
function logText(a: ExtensionApi): string {
  const dir = a.logUri.fsPath;
  if (!fs.existsSync(dir)) return '';
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.log'));
  return files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
}

async function selectInNewEditor(content: string, language = 'plaintext'): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content, language });
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(doc.positionAt(0), doc.positionAt(content.length));
  return editor;
}

describe('Safety (in the extension host)', function () {
  this.timeout(60_000);
  let a: ExtensionApi;

  before(async () => {
    await signIn();
    a = await api();
  });
  beforeEach(async () => {
    await closeAllEditors();
    await emulator.reset();
  });

  describe('workspace settings cannot route tokens or prompts', () => {
    const settingsFile = () => vscode.Uri.joinPath(workspaceFolder(), '.vscode', 'settings.json');
    afterEach(async () => {
      await vscode.workspace.getConfiguration('securityCopilot').update('masking.extraPatterns', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(settingsFile(), { useTrash: false }).then(undefined, () => undefined);
    });

    it('ignores endpoint, sign-in, workspace id and masking exceptions set by .vscode/settings.json, with a warning in the log', async () => {
      const hostile = {
        'securityCopilot.graphEndpoint': 'https://graph.evil.example',
        'securityCopilot.workspaceId': 'attacker-workspace',
        'securityCopilot.auth.providerId': 'microsoft',
        'securityCopilot.auth.clientId': '11111111-2222-3333-4444-555555555555',
        'securityCopilot.allowInsecureLoopback': true,
        'securityCopilot.masking.allowedKeys': ['DB_PASSWORD'],
      };
      await vscode.workspace.fs.writeFile(settingsFile(), new TextEncoder().encode(JSON.stringify(hostile, null, 2)));
      await waitFor('the guard to notice the workspace settings', async () => {
        await a.settingsGuard.check();
        return a.settingsGuard.ignored.has('workspaceId') && a.settingsGuard.ignored.size >= 6;
      });
      assert.deepEqual([...a.settingsGuard.ignored].sort(), ['allowInsecureLoopback', 'auth.clientId', 'auth.providerId', 'graphEndpoint', 'masking.allowedKeys', 'workspaceId']);
      assert.equal(a.copilot.settings.workspaceId, 'default');
      assert.equal(a.copilot.settings.providerId, 'securitycopilot-test');
      assert.deepEqual(a.copilot.settings.endpoint, { ok: true, origin: new URL(emulator.url).origin, isEmulator: true });
      assert.deepEqual(readMaskingSettings().allowedKeys, []);
      await waitFor('the warning in the log', () => /\[warning\] This workspace's settings try to set securityCopilot\.graphEndpoint/.test(logText(a)));
      // Requests still go to the user's endpoint and workspace.
      await reloadSessions(a);
      const requests = await emulator.requests();
      assert.ok(requests.length > 0);
      assert.ok(requests.every((r) => r.path.includes('/workspaces/default/')), JSON.stringify(requests.map((r) => r.path)));
      // Warned once: a second check adds no second warning line.
      const warnings = () => (logText(a).match(/workspace's settings try to set/g) ?? []).length;
      const before = warnings();
      await a.settingsGuard.check();
      assert.equal(warnings(), before);
    });

    it('a workspace may add masking patterns, unioned with the user ones', async () => {
      await withUserSetting('masking.extraPatterns', ['USER-\\d+'], async () => {
        await vscode.workspace.getConfiguration('securityCopilot').update('masking.extraPatterns', ['CASE-\\d+', 'USER-\\d+'], vscode.ConfigurationTarget.Workspace);
        const m = readMaskingSettings(undefined, true);
        assert.deepEqual(m.extraPatterns, ['USER-\\d+', 'CASE-\\d+']);
        // In Restricted Mode the workspace's patterns are left out (and counted, for the note).
        const restricted = readMaskingSettings(undefined, false);
        assert.deepEqual(restricted.extraPatterns, ['USER-\\d+']);
        assert.equal(restricted.ignoredWorkspacePatterns, 2);
      });
    });
  });

  describe('where a real token may go', () => {
    it('refuses plain http loopback with the Microsoft sign-in, unless the user allows it; sends nothing meanwhile', async () => {
      // Start from a quiet window: no list load of an earlier test may still be on its way.
      await waitFor('the usual settings', () => a.copilot.settings.providerId === 'securitycopilot-test' && a.copilot.settings.endpoint.ok);
      await a.tree.refresh();
      await waitFor('the list to settle', () => a.copilot.engine.list.status !== 'loading');
      await emulator.clearRequests();
      await withUserSetting('auth.providerId', 'microsoft', async () => {
        await waitFor('settings to apply', () => a.copilot.settings.providerId === 'microsoft');
        // Count only requests started from here on (one already in flight from before may still land).
        const since = Date.now();
        assert.equal(a.copilot.settings.endpoint.ok, false);
        assert.match((a.copilot.settings.endpoint as { message: string }).message, /plain http.*unencrypted/);
        assert.throws(() => a.copilot.client, /plain http/);
        await withUserSetting('allowInsecureLoopback', true, async () => {
          await waitFor('the explicit user opt-in to apply', () => a.copilot.settings.endpoint.ok);
        });
        await waitFor('the opt-in to be withdrawn', () => !a.copilot.settings.endpoint.ok);
        // Checked before the settings are restored: once they are, the tree rightly loads again.
        assert.deepEqual((await emulator.requests()).filter((r) => r.authorization !== 'none' && (r.startedMs ?? 0) >= since), [], 'no request carried a token meanwhile');
      });
      await waitFor('settings to be restored', () => a.copilot.settings.providerId === 'securitycopilot-test' && a.copilot.settings.endpoint.ok);
    });

    it('refuses http on a non-loopback host and endpoint settings of the wrong type', async () => {
      for (const value of ['http://10.0.0.5:8787', 'http://graph.microsoft.com', 42, ['https://graph.microsoft.com']]) {
        await withUserSetting('graphEndpoint', value, async () => {
          await waitFor(`${JSON.stringify(value)} to be refused`, () => !a.copilot.settings.endpoint.ok);
          const since = Date.now();
          assert.throws(() => a.copilot.client, /must use https|must be a URL/);
          await a.tree.refresh();
          assert.equal((await emulator.requests()).filter((r) => (r.startedMs ?? 0) >= since).length, 0, 'nothing is sent while the endpoint is refused');
        });
      }
      await waitFor('settings to be restored', () => a.copilot.settings.endpoint.ok);
    });

    it('falls back to sane values for other settings of the wrong type', async () => {
      await withUserSetting('pageSize', 'lots', async () => {
        await waitFor('settings to apply', () => vscode.workspace.getConfiguration('securityCopilot').get('pageSize') === 'lots');
        assert.equal(a.copilot.settings.pageSize, 25);
      });
      await withUserSetting('workspaceId', 7, async () => {
        await waitFor('settings to apply', () => vscode.workspace.getConfiguration('securityCopilot').get('workspaceId') === 7);
        assert.equal(a.copilot.settings.workspaceId, 'default');
      });
    });
  });

  describe('bad input sends nothing', () => {
    it('Ask About Selection refuses a binary selection and an empty one, with no request', async () => {
      await emulator.clearRequests();
      await selectInNewEditor('MZ\u0090\u0000\u0003\u0000\u0000\u0000\u0004\u0000\u0000\u0000\uffff\uffff\u0000\u0000');
      assert.equal(await vscode.commands.executeCommand('securityCopilot.askAboutSelection'), undefined);
      const editor = await selectInNewEditor('   \n\t  ');
      assert.ok(!editor.selection.isEmpty);
      assert.equal(await vscode.commands.executeCommand('securityCopilot.askAboutSelection'), undefined);
      // Nothing was created or sent for the selection (a background reload of the session list from an earlier
      // test's settings change may still land, and is not the selection's doing).
      assert.deepEqual((await emulator.requests()).filter((r) => r.method !== 'GET' || !/\/sessions$/.test(r.path)), []);
      await waitFor('the refusal in the log', () => logText(a).includes('The selection looks like binary data'));
    });

    it('names, ids and prompts that break the rules never reach Graph', async () => {
      await emulator.clearRequests();
      const client = a.copilot.client;
      for (const name of ['', '   ', 'bad\u0000name', 'line\nbreak', 'n'.repeat(10_000), 'invoice\u202Efdp.exe']) {
        await assert.rejects(client.createSession('default', name), (e: Error) => e.name === 'GraphValidationError' && e.message.length > 0, JSON.stringify(name.slice(0, 20)));
      }
      const session = await client.createSession('default', 'Bad input 🎣 حادثة');
      await emulator.clearRequests();
      for (const id of ['../sessions', 'x?$select=id', 'a%2Fb', '..%2F..%2Fusers', 'a/b', '']) {
        await assert.rejects(client.getSession('default', id), /GraphValidationError|can't/);
        await assert.rejects(client.renameSession('default', id, 'x'), /can't/);
        await assert.rejects(client.createPrompt('default', id, 'hello'), /can't/);
        assert.equal(await vscode.commands.executeCommand('securityCopilot.openSession', id), undefined);
      }
      for (const content of ['', '  \n ', 'x'.repeat(16_001)]) {
        await assert.rejects(client.createPrompt('default', session.id, content), /empty|too long/);
      }
      await assert.rejects(client.renameSession('default', session.id, 'r'.repeat(10_000)), /too long/);
      // (A background reload of the session list may land meanwhile; nothing else may.)
      assert.deepEqual((await emulator.requests()).filter((r) => r.method !== 'GET' || !/\/sessions$/.test(r.path)), []);
    });
  });

  describe('the log', () => {
    it('never contains the token or a secret from a selection', async () => {
      const token = (await vscode.authentication.getSession('securitycopilot-test', scopesFor(a.copilot.settings), { silent: true }))?.accessToken;
      assert.ok(token && token.length > 20, 'the stand-in token');
      // Exercise paths that log: requests, a failing request, a refused setting, a failing command.
      await reloadSessions(a);
      await emulator.fault({ kind: 'status', status: 500, count: 1, method: 'GET', path: '/sessions' });
      await reloadSessions(a);
      await selectInNewEditor(`DB_PASSWORD=${SECRETS[0]}\nAZURE_CLIENT_SECRET=${SECRETS[1]}\n"password": "${SECRETS[2]}"\nMYSQL_PWD=${SECRETS[3]}`);
      await emulator.clearRequests();
      const run = vscode.commands.executeCommand('securityCopilot.askAboutSelection');
      // The session picker opens and lists sessions: close it (nothing is sent without Send anyway).
      await waitFor('the session picker to list sessions', async () => (await emulator.requestsMatching('GET', /\/sessions$/)).length > 0);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await run;
      assert.deepEqual(await emulator.requestsMatching('POST', /.*/), [], 'nothing was created or sent');
      const text = logText(a);
      assert.ok(text.includes('GET /beta/security/securityCopilot/workspaces/default/sessions'), 'the log has request lines');
      assert.ok(!text.includes(token), 'no token in the log');
      for (const s of SECRETS) assert.ok(!text.includes(s), `no "${s}" in the log`);
      assert.ok(!/Bearer\s+(?!\[REDACTED)[A-Za-z0-9._-]{8,}/.test(text), 'no bearer credential in the log');
    });
  });
});
