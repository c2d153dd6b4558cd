// Select Workspace and the Plugins view in the real extension host, against the emulator (which the runner
// starts with a second workspace, $SC_SECOND_WORKSPACE, besides `default`).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { PluginNode } from '../../src/views/pluginsView';
import { PLUGINS } from '../../emulator/state';
import { api, emulator, graphRequests, signIn, waitFor } from './helpers';

const SECOND = process.env.SC_SECOND_WORKSPACE ?? '';

async function settledIds(a: ExtensionApi): Promise<string[]> {
  await waitFor('the session list to settle', () => a.copilot.engine.list.status !== 'loading' && a.copilot.engine.list.status !== 'idle');
  return a.copilot.engine.list.sessions.map((s) => s.id).sort();
}

describe('Workspaces and plugins (in the extension host)', function () {
  this.timeout(60_000);
  let a: ExtensionApi;

  before(async () => {
    assert.ok(SECOND, 'the runner provides a second workspace');
    a = await api();
    await signIn();
  });

  beforeEach(async () => {
    await emulator.reset();
    await a.copilot.selectWorkspace(undefined);
  });

  after(async () => {
    await a.copilot.selectWorkspace(undefined);
    await vscode.commands.executeCommand('securityCopilot.filterPlugins', '');
  });

  it('Select Workspace switches the tree to the chosen workspace at once, and back to default', async () => {
    await emulator.seed({ sessions: 2, promptsPerSession: 0 });
    await emulator.seed({ sessions: 4, promptsPerSession: 0, workspaceId: SECOND });
    await a.tree.refresh();
    const inDefault = await settledIds(a);
    assert.equal(inDefault.length, 2);

    await emulator.clearRequests();
    assert.equal(await vscode.commands.executeCommand('securityCopilot.selectWorkspace', SECOND), SECOND);
    assert.equal(a.copilot.workspaceId, SECOND);
    await a.tree.refresh();
    const inSecond = await waitFor('the tree to list the second workspace', async () => {
      const ids = await settledIds(a);
      return ids.length === 4 ? ids : undefined;
    });
    assert.equal(inSecond.filter((id) => inDefault.includes(id)).length, 0, 'none of the default workspace sessions');
    assert.ok((await graphRequests('GET', new RegExp(`/workspaces/${SECOND}/sessions$`))).length > 0, 'Graph was asked for the second workspace');

    await vscode.commands.executeCommand('securityCopilot.selectWorkspace', 'default');
    assert.equal(a.copilot.workspaceId, 'default');
    await a.tree.refresh();
    assert.deepEqual(await waitFor('the default workspace again', async () => {
      const ids = await settledIds(a);
      return ids.length === 2 ? ids : undefined;
    }), inDefault);
  });

  it('the Plugins view lists the workspace plugins with origin, state and preview; the filter narrows it', async () => {
    await vscode.commands.executeCommand('securityCopilot.refreshPlugins');
    const roots = (await a.plugins.getChildren()) as PluginNode[];
    const items = roots.map((n) => a.plugins.getTreeItem(n));
    const byLabel = new Map(items.map((i) => [String(i.label), i]));
    assert.deepEqual([...byLabel.keys()], PLUGINS.map((p) => p.displayName ?? p.name).sort((x, y) => x.localeCompare(y)), 'every emulator plugin, by name');
    assert.equal(byLabel.get('Microsoft Entra')?.description, 'Microsoft · enabled');
    assert.equal(byLabel.get('Microsoft Intune')?.description, 'Microsoft · disabled');
    assert.equal(byLabel.get('Contoso asset inventory')?.description, 'Custom (your tenant) · enabled · preview (private)');
    assert.equal(byLabel.get('ServiceNow ITSM')?.description, 'Third party · enabled · preview (public)');
    assert.equal(byLabel.get('Fabrikam threat feed (MCP server)')?.description, 'MCP server (this workspace) · enabled · preview (public)');
    assert.match((byLabel.get('Fabrikam threat feed (MCP server)')?.tooltip as vscode.MarkdownString).value, /not from Microsoft/);
    const tooltip = byLabel.get('Contoso asset inventory')?.tooltip as vscode.MarkdownString;
    assert.match(tooltip.value, /CMDB/);
    assert.match(tooltip.value, /not from Microsoft/);
    assert.equal(tooltip.isTrusted, false);

    // Settings and auth, read-only; a secret value is never shown.
    const custom = roots.find((n) => n.kind === 'plugin' && n.plugin.name === 'ContosoAssetInventory') as PluginNode;
    const details = ((await a.plugins.getChildren(custom)) as PluginNode[]).map((n) => a.plugins.getTreeItem(n));
    assert.deepEqual(details.map((d) => [d.label, d.description]), [
      ['From', 'Custom (your tenant) (plugin, tenant)'],
      ['Authentication', 'aPIKey'],
      ['API key', '•••••• (required)'],
    ]);

    await vscode.commands.executeCommand('securityCopilot.filterPlugins', 'custom');
    const filtered = ((await a.plugins.getChildren()) as PluginNode[]).map((n) => String(a.plugins.getTreeItem(n).label));
    assert.deepEqual(filtered, ['Contoso asset inventory']);
    await vscode.commands.executeCommand('securityCopilot.filterPlugins', 'MCP server');
    const mcp = ((await a.plugins.getChildren()) as PluginNode[]).map((n) => String(a.plugins.getTreeItem(n).label));
    assert.deepEqual(mcp, ['Fabrikam threat feed (MCP server)']);
    await vscode.commands.executeCommand('securityCopilot.filterPlugins', '');
  });

  it('the Plugins view follows the workspace choice', async () => {
    await emulator.clearRequests();
    await vscode.commands.executeCommand('securityCopilot.selectWorkspace', SECOND);
    assert.ok(((await a.plugins.getChildren()) as PluginNode[]).length > 0);
    assert.ok((await graphRequests('GET', new RegExp(`/workspaces/${SECOND}/plugins$`))).length > 0);
  });
});
