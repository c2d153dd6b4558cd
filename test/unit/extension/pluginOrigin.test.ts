import * as assert from 'node:assert/strict';
import { matchesPluginFilter, pluginOrigin } from '../../../src/core/pluginOrigin';
import type { Plugin } from '../../../src/graph';

const plugin = (over: Partial<Plugin>): Plugin => ({
  name: 'P',
  displayName: null,
  description: null,
  category: null,
  isEnabled: true,
  previewState: 'ga',
  catalogScope: 'global',
  authType: null,
  settings: [],
  ...over,
});

describe('plugin origin (Plugins view)', () => {
  it('tells Microsoft, custom, third-party, web and MCP plugins apart', () => {
    assert.deepEqual(pluginOrigin(plugin({ category: 'microsoft' })), { kind: 'microsoft', label: 'Microsoft', external: false });
    assert.deepEqual(pluginOrigin(plugin({ category: 'microsoftConnectors' })).kind, 'microsoft');
    assert.deepEqual(pluginOrigin(plugin({ category: 'plugin', catalogScope: 'tenant' })), { kind: 'custom', label: 'Custom (your tenant)', external: true });
    assert.deepEqual(pluginOrigin(plugin({ category: 'plugin', catalogScope: 'global' })), { kind: 'thirdParty', label: 'Third party', external: true });
    assert.equal(pluginOrigin(plugin({ category: 'web' })).kind, 'web');
    assert.deepEqual(pluginOrigin(plugin({ category: 'unknownFutureValue', name: 'contoso-mcp' })), { kind: 'mcp', label: 'MCP server', external: true });
    assert.equal(pluginOrigin(plugin({ category: 'mcpServer', catalogScope: 'workspace' })).label, 'MCP server (this workspace)');
    assert.equal(pluginOrigin(plugin({ category: 'testing' })).label, 'testing');
  });

  it('filters on name, description, category, origin and state', () => {
    const p = plugin({ name: 'Sentinel', description: 'Log Analytics queries', category: 'microsoft', isEnabled: false });
    for (const f of ['', 'senti', 'LOG ANALYTICS', 'microsoft', 'disabled']) assert.equal(matchesPluginFilter(p, f), true, f);
    for (const f of ['intune', 'enabled x']) assert.equal(matchesPluginFilter(p, f), false, f);
  });
});
