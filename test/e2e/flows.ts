// Steps of the product's user paths shared by the browser suites (built on the generic harness helpers).
import * as assert from 'node:assert/strict';
import { type FrameLocator, type Page } from 'playwright-core';
import {
  allowAuthDialog,
  dialog,
  emulator,
  openView,
  pickQuickItem,
  quickInput,
  quickInputAccept,
  quickInputType,
  runCommand,
  securityCopilotView,
  sessionsViewBody,
  webviewFrame,
} from './harness';

/**
 * Signs in as a user does: the welcome view's Sign In button, then VS Code's consent dialog → Allow. If this
 * browser profile already allowed it, the tree simply loads.
 */
export async function signInFromWelcomeView(page: Page): Promise<'consented' | 'already'> {
  const view = await openView(page);
  const signIn = view.getByRole('button', { name: 'Sign In' });
  // One wait for either settled state: the welcome view's Sign In, or a row of the Sessions view that is not
  // "Loading…". The tree shows "Loading sessions…" before it knows the user is signed out; reading that row after
  // a wait that it ended raced with the row going away (a clean-clone CI run waited 30 s for a row that was gone).
  const loaded = sessionsViewBody(page).locator('.monaco-list-row', { hasNotText: /Loading/ });
  await signIn.or(loaded).first().waitFor({ state: 'visible', timeout: 40_000 });
  if (!(await signIn.isVisible())) return 'already';
  await signIn.click();
  const message = await allowAuthDialog(page);
  assert.match(message, /Security Copilot for VS Code/);
  return 'consented';
}

/** Waits for a modal dialog if one comes (e.g. consent in a fresh browser profile) and allows it. */
export async function allowIfAsked(page: Page, timeoutMs = 3_000): Promise<void> {
  try {
    await dialog(page).waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    return;
  }
  await allowAuthDialog(page);
}

/** The session panel's content frame for the editor tab titled `title`. */
export async function sessionPanel(page: Page, title: string | RegExp): Promise<FrameLocator> {
  const frame = await webviewFrame(page, title, 20_000);
  await frame.locator('#session-title').waitFor({ timeout: 20_000 });
  return frame;
}

/** Types a prompt in the panel and sends it with Ctrl+Enter, then waits for the answer to complete. */
export async function askInPanel(frame: FrameLocator, question: string): Promise<void> {
  const input = frame.locator('#prompt-input');
  await input.fill(question);
  await input.press('Control+Enter');
  const article = frame.locator('article.prompt', { hasText: question }).last();
  await article.waitFor({ timeout: 20_000 });
  await article.locator('.evaluation.latest .state[data-state="completed"]').waitFor({ timeout: 30_000 });
}

/** Creates a session through the palette and the input box, returning once its tree row is shown. */
export async function createSessionFromPalette(page: Page, name: string): Promise<void> {
  await runCommand(page, 'Security Copilot: Create Copilot Session');
  await quickInputType(page, name);
  await quickInputAccept(page);
  await securityCopilotView(page).locator('.monaco-list-row', { hasText: name }).first().waitFor({ timeout: 20_000 });
}

/** Opens the session named `name` through the palette's Open Session picker (typing to filter) and returns its panel. */
export async function openSessionFromPalette(page: Page, name: string): Promise<FrameLocator> {
  await runCommand(page, 'Security Copilot: Open Session');
  await waitForQuickPickTitled(page, 'Open Session');
  await quickInputType(page, name);
  await pickQuickItem(page, name);
  return sessionPanel(page, name);
}

/** Waits until the quick input titled `title` replaced whatever was open before (e.g. the command palette). */
export async function waitForQuickPickTitled(page: Page, title: string): Promise<void> {
  await quickInput(page).locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 15_000 });
}

/** Graph requests the emulator saw, by method and path. */
export function graphCalls(method: string, path: RegExp) {
  return emulator.requestsMatching(method, path);
}
