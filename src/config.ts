import * as vscode from 'vscode';
import { checkGraphEndpoint, type EndpointCheck } from './core/endpoint';

export const SECTION = 'securityCopilot';

export interface Settings {
  /** The checked endpoint origin, or the reason it was refused. */
  endpoint: EndpointCheck;
  workspaceId: string;
  providerId: string;
  clientId: string;
  tenantId: string;
  pageSize: number;
}

/**
 * Reads a setting that decides where a token goes. They are declared with `application` scope, so VS Code
 * ignores workspace values; we also read only the user (global) value and the default ourselves, so a
 * workspace `.vscode/settings.json` can never redirect a token even if the scope rule changes.
 */
function userOnly<T>(config: vscode.WorkspaceConfiguration, key: string, fallback: T): T {
  const inspected = config.inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
}

export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const pageSize = Number(config.get<number>('pageSize', 25));
  return {
    endpoint: checkGraphEndpoint(userOnly(config, 'graphEndpoint', 'https://graph.microsoft.com')),
    workspaceId: (config.get<string>('workspaceId', 'default') || 'default').trim(),
    providerId: userOnly(config, 'auth.providerId', 'microsoft').trim() || 'microsoft',
    clientId: userOnly(config, 'auth.clientId', '').trim(),
    tenantId: userOnly(config, 'auth.tenantId', 'organizations').trim() || 'organizations',
    pageSize: Number.isInteger(pageSize) ? Math.min(100, Math.max(1, pageSize)) : 25,
  };
}

/** True when a configuration change touches this extension's settings. */
export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}
