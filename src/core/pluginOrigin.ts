// Where a Security Copilot plugin comes from, for the Plugins view. No `vscode` import: unit-tested in plain Node.
import type { Plugin } from '../graph';

export type PluginOriginKind = 'microsoft' | 'thirdParty' | 'custom' | 'mcp' | 'web' | 'other';

export interface PluginOrigin {
  kind: PluginOriginKind;
  /** Short label: "Microsoft", "Custom (tenant)", "MCP server"… */
  label: string;
  /** True when the plugin is not Microsoft's: its skills may send data to someone else. */
  external: boolean;
}

const SCOPES: Record<string, string> = {
  user: 'you',
  userWorkspace: 'you, this workspace',
  workspace: 'this workspace',
  tenant: 'your tenant',
};

/**
 * The documented `pluginCategory` values are hidden, microsoft, microsoftConnectors, other, web, testing, plugin.
 * MCP servers are not in the enum (yet): a category or name that says "mcp" counts as one. Plugins uploaded to a
 * user, workspace or tenant catalog are custom; other non-Microsoft plugins are third party.
 */
export function pluginOrigin(plugin: Pick<Plugin, 'category' | 'catalogScope' | 'name'>): PluginOrigin {
  const category = (plugin.category ?? '').toLowerCase();
  const scope = plugin.catalogScope ?? '';
  if (/mcp/.test(category) || /(^|[^a-z])mcp([^a-z]|$)/i.test(plugin.name)) {
    return { kind: 'mcp', label: SCOPES[scope] ? `MCP server (${SCOPES[scope]})` : 'MCP server', external: true };
  }
  if (category === 'microsoft' || category === 'microsoftconnectors') return { kind: 'microsoft', label: 'Microsoft', external: false };
  if (category === 'web') return { kind: 'web', label: 'Web', external: true };
  if (SCOPES[scope]) return { kind: 'custom', label: `Custom (${SCOPES[scope]})`, external: true };
  if (category === 'plugin' || category === 'other') return { kind: 'thirdParty', label: 'Third party', external: true };
  return { kind: 'other', label: plugin.category ?? 'Unknown', external: true };
}

/** Case-insensitive match of a filter text against name, display name, description, category and origin. */
export function matchesPluginFilter(plugin: Plugin, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  const state = plugin.isEnabled === false ? 'disabled' : 'enabled';
  return [plugin.name, plugin.displayName, plugin.description, plugin.category, pluginOrigin(plugin).label, plugin.previewState, state]
    .some((v) => (v ?? '').toLowerCase().includes(f));
}
