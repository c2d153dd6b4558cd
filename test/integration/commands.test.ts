import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, closeAllEditors, EXTENSION_ID, emulator, graphRequests, reloadSessions, signIn, waitFor } from './helpers';

describe('Commands (in the extension host)', function () {
  this.timeout(60_000);

  before(async () => {
    await signIn();
  });

  beforeEach(async () => {
    await closeAllEditors();
    await emulator.reset();
  });

  it('registers every command the manifest contributes', async () => {
    await api();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } };
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.contributes.commands.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });

  it('Copy Session ID puts the id on the clipboard', async () => {
    await vscode.env.clipboard.writeText('');
    const id = '71a8abb6-ce18-496c-a8d4-4d0f51986c3e';
    assert.equal(await vscode.commands.executeCommand('securityCopilot.copySessionId', id), id);
    assert.equal(await vscode.env.clipboard.readText(), id);
  });

  it('Export Session writes name, id, dates, prompts and answers as Markdown (editor and file)', async () => {
    await emulator.seed({ sessions: 1, promptsPerSession: 2 });
    const a = await api();
    await reloadSessions(a);
    const session = a.copilot.engine.list.sessions[0];
    const uri = await vscode.commands.executeCommand<string>('securityCopilot.exportSession', session.id, { untitled: true });
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    assert.ok(doc, 'an untitled Markdown editor opened');
    assert.equal(doc.languageId, 'markdown');
    const text = doc.getText();
    assert.ok(text.startsWith(`# ${session.displayName ?? 'Untitled session'}\n`));
    assert.ok(text.includes(`| Session ID | \`${session.id}\` |`));
    assert.equal((text.match(/^## Prompt \d+$/gm) ?? []).length, 2);
    assert.equal((text.match(/state `completed`, result `success`/g) ?? []).length, 2);

    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the test workbench has a folder open');
    const target = vscode.Uri.joinPath(folder, 'exports', `export-${Date.now()}.md`);
    await vscode.commands.executeCommand('securityCopilot.exportSession', session.id, { destination: target });
    const written = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.equal(written.replace(/\| Exported \| .* \|/, ''), text.replace(/\| Exported \| .* \|/, ''));
    await vscode.workspace.fs.delete(target);
  });

  it('Refresh reloads the list from Graph', async () => {
    const a = await api();
    await reloadSessions(a);
    const before = a.copilot.engine.list.sessions.length;
    await emulator.seed({ sessions: 2, promptsPerSession: 0 });
    await emulator.clearRequests();
    await vscode.commands.executeCommand('securityCopilot.refreshSessions');
    await waitFor('the refreshed list', () => a.copilot.engine.list.sessions.length === before + 2);
    assert.equal((await graphRequests('GET', /\/sessions$/)).length, 1);
  });

  it('every Graph request carries the bearer token from the configured sign-in provider', async () => {
    const a = await api();
    await reloadSessions(a);
    const requests = await emulator.requests();
    assert.ok(requests.length > 0);
    assert.ok(requests.every((r) => r.authorization === 'bearer'));
    assert.equal(a.copilot.settings.providerId, 'securitycopilot-test');
    assert.ok(a.copilot.auth.account?.label, 'signed in through the stand-in provider');
  });
});
