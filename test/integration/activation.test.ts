// What activation loads, in the real extension host. This file sorts first, so its first test sees the
// activation (and the work deferred right after it) before any test used a surface: the bundles that are loaded
// on first use (esbuild.js) must not be in require.cache yet. Then each surface is used the way VS Code uses it,
// and its bundle must be loaded afterwards. Nothing here signs in or changes a setting.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TOOL_NAMES } from '../../src/ai/ids';
import { COMMANDS } from '../../src/commands/all';
import { COMMAND_IDS } from '../../src/commands/ids';
import type { ExtensionApi } from '../../src/extension';
import { api, closeAllEditors, waitFor } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');

/** The lazily loaded bundles of the extension that are in this host's require.cache. */
function loadedBundles(): string[] {
  const dist = path.join(ROOT, 'dist') + path.sep;
  return Object.keys(require.cache)
    .filter((f) => f.startsWith(dist))
    .map((f) => path.relative(dist, f).split(path.sep).join('/'))
    .filter((f) => f !== 'extension.js')
    .sort();
}

const isLoaded = (bundle: string): boolean => loadedBundles().includes(bundle);

describe('Activation loads only dist/extension.js (in the extension host)', function () {
  this.timeout(60_000);
  let a: ExtensionApi;

  before(async () => {
    a = await api();
    await a.started;
  });

  after(async () => {
    await closeAllEditors();
  });

  it('after activation and its deferred work, no lazily loaded bundle is loaded', () => {
    assert.ok(
      Object.keys(require.cache).some((f) => f === path.join(ROOT, 'dist', 'extension.js')),
      'the extension bundle itself is in require.cache (the check looks at the right place)',
    );
    assert.deepEqual(loadedBundles(), [], 'activation loaded only dist/extension.js');
    assert.equal(a.chat.isLoaded, false);
  });

  it('the commands are registered at activation, and every contributed command has an implementation', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual([...COMMAND_IDS].sort(), contributed, 'COMMAND_IDS lists package.json');
    assert.deepEqual(COMMANDS.map((c) => c.id).sort(), contributed, 'dist/commands.js implements each of them');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), []);
    assert.ok(!isLoaded('commands.js'), 'registering them loaded nothing');
  });

  it('a language model tool, called through vscode.lm, loads dist/ai.js', async () => {
    assert.ok(!isLoaded('ai.js'));
    // Refused before any request (no sign-in needed): the stand-in handed the call to the real tool.
    await assert.rejects(
      Promise.resolve(vscode.lm.invokeTool(TOOL_NAMES.ask, { input: {}, toolInvocationToken: undefined }, new vscode.CancellationTokenSource().token)),
      /"question" is required/,
    );
    assert.ok(isLoaded('ai.js'), 'dist/ai.js is loaded now');
    assert.ok(!isLoaded('mcp.js'), 'the MCP server (off) is still not loaded');
  });

  it('opening a promptbook loads dist/promptbook.js (serializer and controller)', async () => {
    assert.ok(!isLoaded('promptbook.js'));
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const uri = vscode.Uri.joinPath(folder, 'promptbook-tests', `activation-${Date.now()}.promptbook.md`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('---\ntitle: Lazy\n---\n\n```prompt\nWhat happened?\n```\n'));
    try {
      const nb = await vscode.workspace.openNotebookDocument(uri);
      assert.equal(nb.notebookType, 'security-copilot-promptbook');
      assert.ok(nb.getCells().some((c) => c.document.getText() === 'What happened?'), 'the real serializer read the file');
      assert.ok(isLoaded('promptbook.js'), 'dist/promptbook.js is loaded now');
    } finally {
      await closeAllEditors();
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('running a command loads dist/commands.js; opening a session panel loads dist/panel.js', async () => {
    assert.ok(!isLoaded('commands.js'));
    assert.ok(!isLoaded('panel.js'));
    await vscode.commands.executeCommand('securityCopilot.showLog');
    assert.ok(isLoaded('commands.js'), 'dist/commands.js is loaded now');
    assert.ok(!isLoaded('panel.js'));
    const id = '0a1b2c3d-0000-4000-8000-00000000a11e';
    await vscode.commands.executeCommand('securityCopilot.openSession', id);
    await waitFor('the panel', () => a.panels.get(id));
    assert.ok(isLoaded('panel.js'), 'dist/panel.js is loaded now');
    a.panels.get(id)?.dispose();
  });
});
