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
 * Settings that decide where a token or a prompt goes, or how much is masked: only user settings may set them.
 * They are declared with `application` scope (VS Code ignores workspace values) and read through `userOnly`.
 */
export const USER_ONLY_KEYS = [
  'graphEndpoint',
  'workspaceId',
  'auth.providerId',
  'auth.clientId',
  'auth.tenantId',
  'auth.method',
  'auth.authorityHost',
  'auth.access',
  'allowInsecureLoopback',
  'masking.allowedKeys',
] as const;

/** The section's user (global) values and defaults, read with one `inspect` (each `inspect` is costly in the host). */
interface UserValues {
  user: unknown;
  defaults: unknown;
}

function userValues(config: vscode.WorkspaceConfiguration): UserValues {
  const inspected = config.inspect<unknown>(SECTION);
  return { user: inspected?.globalValue, defaults: inspected?.defaultValue };
}

/** `a.b` of a settings object, the way VS Code reads a dotted key. */
function at(tree: unknown, key: string): unknown {
  let v = tree;
  for (const part of key.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/**
 * Reads a setting from user (global) settings or its default only, so a workspace `.vscode/settings.json` can
 * never redirect a token or a prompt even if the scope rule changes. A value of the wrong type counts as unset.
 */
function userOnly<T>(values: UserValues, key: string, fallback: T): T {
  for (const v of [at(values.user, key), at(values.defaults, key)]) {
    if (v !== undefined && typeof v === typeof fallback && Array.isArray(v) === Array.isArray(fallback)) return v as T;
  }
  return fallback;
}

const text = (v: string, fallback: string) => v.trim() || fallback;

export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration();
  const pageSize = Number(config.get<unknown>(`${SECTION}.pageSize`, 25));
  const values = userValues(config);
  const providerId = text(userOnly(values, 'auth.providerId', 'microsoft'), 'microsoft');
  const method = asMethod(userOnly<string>(values, 'auth.method', 'vscode'));
  return {
    endpoint: checkGraphEndpoint(at(values.user, 'graphEndpoint') ?? userOnly(values, 'graphEndpoint', 'https://graph.microsoft.com'), {
      // the @azure/identity methods always get real Entra tokens
      providerId: method === 'vscode' ? providerId : 'microsoft',
      allowInsecureLoopback: userOnly(values, 'allowInsecureLoopback', false),
    }),
    workspaceId: text(userOnly(values, 'workspaceId', 'default'), 'default'),
    providerId,
    clientId: userOnly(values, 'auth.clientId', '').trim(),
    tenantId: text(userOnly(values, 'auth.tenantId', 'organizations'), 'organizations'),
    pageSize: Number.isInteger(pageSize) ? Math.min(100, Math.max(1, pageSize)) : 25,
    method,
    authority: checkAuthorityHost(userOnly(values, 'auth.authorityHost', 'https://login.microsoftonline.com')),
    access: userOnly<string>(values, 'auth.access', 'readWrite') === 'readOnly' ? 'readOnly' : 'readWrite',
  };
}

function asMethod(value: string): AuthMethod {
  return (AUTH_METHODS as readonly string[]).includes(value) ? (value as AuthMethod) : 'vscode';
}

export interface MaskingSettings {
  /** User patterns, plus the workspace's when the workspace is trusted (a workspace may add masking). */
  extraPatterns: string[];
  /** From user settings only (a workspace may never remove masking). */
  allowedKeys: string[];
  /** Workspace patterns left out because the workspace is in Restricted Mode. */
  ignoredWorkspacePatterns: number;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

/** Masking settings for a document (`resource` picks its folder's settings in a multi-root workspace). */
export function readMaskingSettings(resource?: vscode.Uri, trusted = vscode.workspace.isTrusted): MaskingSettings {
  const config = vscode.workspace.getConfiguration(SECTION, resource);
  const patterns = config.inspect<unknown>('masking.extraPatterns');
  const workspacePatterns = [...strings(patterns?.workspaceValue), ...strings(patterns?.workspaceFolderValue)];
  const extraPatterns = [...new Set([...strings(patterns?.globalValue), ...(trusted ? workspacePatterns : [])])];
  return {
    extraPatterns,
    allowedKeys: strings(config.inspect<unknown>('masking.allowedKeys')?.globalValue),
    ignoredWorkspacePatterns: trusted ? 0 : workspacePatterns.length,
  };
}

/** True when a configuration change touches this extension's settings. */
export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}
