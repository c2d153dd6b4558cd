import * as vscode from 'vscode';
import { checkAuthorityHost, type AuthorityCheck } from './core/authority';
import { checkGraphEndpoint, type EndpointCheck } from './core/endpoint';
import { AUTH_METHODS, type AuthMethod } from './identity/types';

export const SECTION = 'securityCopilot';

export interface Settings {
  /** The checked endpoint origin, or the reason it was refused. */
  endpoint: EndpointCheck;
  workspaceId: string;
  providerId: string;
  clientId: string;
  tenantId: string;
  pageSize: number;
  /** How to sign in: VS Code's provider (default) or an `@azure/identity` credential. */
  method: AuthMethod;
  /** The checked Entra authority host of the `@azure/identity` methods. */
  authority: AuthorityCheck;
  /** `readOnly` asks only for Read.All and hides the write actions. */
  access: 'readWrite' | 'readOnly';
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
    method: asMethod(userOnly<string>(config, 'auth.method', 'vscode')),
    authority: checkAuthorityHost(userOnly(config, 'auth.authorityHost', 'https://login.microsoftonline.com')),
    access: userOnly<string>(config, 'auth.access', 'readWrite') === 'readOnly' ? 'readOnly' : 'readWrite',
  };
}

function asMethod(value: string): AuthMethod {
  return (AUTH_METHODS as readonly string[]).includes(value) ? (value as AuthMethod) : 'vscode';
}

/** True when a configuration change touches this extension's settings. */
export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}
