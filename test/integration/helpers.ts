// Helpers for suites that run inside the real extension host, against the emulator the runner started.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { emulator } from '../support/emulatorControl';

export const EXTENSION_ID = 'security-copilot-vscode.security-copilot';

export { emulator, type RecordedRequest } from '../support/emulatorControl';

/** Graph requests the emulator saw, filtered by method and a path pattern. */
export function graphRequests(method: string, path: RegExp) {
  return emulator.requestsMatching(method, path);
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
  // A sign-in that changed the account reset the engine; the tree reads the list again when VS Code next asks
  // for its rows, which can be after the test went on and cleared the request log. Read it now (the tree's
  // read is the same request) and let it settle, so what a test counts next is its own.
  const a = await api();
  if (a.copilot.engine.list.status === 'idle') void a.copilot.engine.reloadList();
  await waitFor('the session list read after the sign-in', () => a.copilot.engine.list.status !== 'loading');
}

/** Reloads the tree and waits until the list settled. */
export async function reloadSessions(a: ExtensionApi): Promise<void> {
  await a.tree.refresh();
  await waitFor('the session list to settle', () => a.copilot.engine.list.status !== 'loading');
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
