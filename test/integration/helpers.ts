// Helpers for suites that run inside the real extension host, against the emulator the runner started.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';

export const EXTENSION_ID = 'security-copilot-vscode.security-copilot';

export function emulatorUrl(): string {
  const url = process.env.SC_EMULATOR_URL;
  assert.ok(url, 'SC_EMULATOR_URL is not set: run these suites through scripts/host/runIntegration.js');
  return url;
}

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emulatorUrl()}/_emulator/${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `emulator control ${method} ${path} answered ${res.status}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  authorization?: 'bearer' | 'none' | 'other';
  body?: unknown;
  time: string;
}

export const emulator = {
  reset: () => control('POST', 'reset'),
  seed: (sessions: number, promptsPerSession: number) => control('POST', 'seed', { sessions, promptsPerSession }),
  fault: (spec: Record<string, unknown>) => control('POST', 'faults', spec),
  clearFaults: () => control('DELETE', 'faults'),
  answer: (rule: Record<string, unknown>) => control('POST', 'answers', rule),
  configure: (config: Record<string, unknown>) => control('POST', 'config', config),
  requests: async () => (await control('GET', 'requests')) as RecordedRequest[],
  clearRequests: () => control('DELETE', 'requests'),
};

/** Graph requests the emulator saw, filtered by method and a path pattern. */
export async function graphRequests(method: string, path: RegExp): Promise<RecordedRequest[]> {
  return (await emulator.requests()).filter((r) => r.method === method && path.test(r.path));
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function api(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in the host`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** Signs in through the product's real Sign In command (the stand-in provider answers). */
export async function signIn(): Promise<void> {
  const label = await vscode.commands.executeCommand<string | undefined>('securityCopilot.signIn');
  assert.ok(label, 'Sign In returned no account');
}

/** Reloads the tree and waits until the list settled. */
export async function reloadSessions(a: ExtensionApi): Promise<void> {
  await a.tree.refresh();
  await waitFor('the session list to settle', () => a.copilot.store.state.status !== 'loading');
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
