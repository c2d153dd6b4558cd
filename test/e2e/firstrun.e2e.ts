// First run, as a new user meets it in the installed extension (the packaged .vsix): the getting-started
// walkthrough with its steps and buttons, and the setup guide (the packaged README, stored as readme.md) with its
// screenshots.
import * as assert from 'node:assert/strict';
import { type Page } from 'playwright-core';
import {
  type Workbench, closeQuickInput, dialog, allowAuthDialog, openWorkbench, quickInput, runCommand, screenshot,
  testSignInStatus, webviewFrame,
} from './harness';

/** The walkthrough page of the Welcome editor. */
function walkthroughPage(page: Page) {
  return page.locator('.part.editor .gettingStartedContainer');
}

function step(page: Page, title: string) {
  return walkthroughPage(page).locator('.getting-started-step', { has: page.locator('.step-title', { hasText: title }) }).first();
}

/** Opens a step (a click on its title) and returns it once expanded. */
async function openStep(page: Page, title: string) {
  const s = step(page, title);
  await s.waitFor({ state: 'visible', timeout: 15_000 });
  if (!((await s.getAttribute('class')) ?? '').includes('expanded')) await s.locator('.step-title').click();
  await page.locator('.getting-started-step.expanded .step-title', { hasText: title }).waitFor({ timeout: 15_000 });
  return s;
}

/** A button a step's description renders for a command link alone on its line. */
function stepButton(page: Page, title: string, label: string) {
  return step(page, title).locator('.monaco-button', { hasText: label }).first();
}

const STEPS = ['Register an app in Microsoft Entra ID', 'Enter your client id and tenant', 'Sign in', 'Select a workspace', 'Create your first session'];

describe('First run: walkthrough and setup guide of the installed extension', function () {
  this.timeout(120_000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('Open Walkthrough shows the five steps, from the app registration to a first session', async () => {
    const page = wb.page;
    await runCommand(page, 'Security Copilot: Open Walkthrough');
    await walkthroughPage(page).locator('h2', { hasText: 'Get Started with Security Copilot' }).first().waitFor({ timeout: 20_000 });
    const titles = (await walkthroughPage(page).locator('.getting-started-step .step-title').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(titles, STEPS);
    // The first step shows its page: the exact redirect URIs and the permission.
    await openStep(page, STEPS[0]);
    const media = await webviewFrame(page, undefined, 20_000); // the step's Markdown page
    await media.locator('code', { hasText: 'https://vscode.dev/redirect' }).first().waitFor({ timeout: 20_000 });
    await media.locator('code', { hasText: 'SecurityCopilotWorkspaces.ReadWrite.All' }).first().waitFor();
    await screenshot(page, 'walkthrough-app-registration');
  });

  it('a step button runs its command: Copy Redirect URIs, then paste gives the URIs', async () => {
    const page = wb.page;
    await stepButton(page, STEPS[0], 'Copy Redirect URIs').click();
    await page.locator('.part.statusbar', { hasText: 'Copied: http://localhost, https://vscode.dev/redirect' }).waitFor({ timeout: 15_000 });
    // The step is done (its check mark), and the clipboard holds what the button says.
    await step(page, STEPS[0]).locator('.codicon-getting-started-step-checked, .codicon-pass-filled').first().waitFor({ timeout: 15_000 });
    await runCommand(page, 'File: New Untitled Text File');
    const editor = page.locator('.part.editor .editor-instance .monaco-editor').last();
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press('Control+V');
    await editor.locator('.view-line', { hasText: 'https://vscode.dev/redirect' }).waitFor({ timeout: 15_000 });
    assert.deepEqual((await editor.locator('.view-line').allInnerTexts()).map((t) => t.trim()).filter(Boolean), ['http://localhost', 'https://vscode.dev/redirect']);
    await runCommand(page, 'View: Revert and Close Editor');
    await runCommand(page, 'Security Copilot: Open Walkthrough');
  });

  it('the settings step opens the settings filtered to Security Copilot', async () => {
    const page = wb.page;
    await openStep(page, STEPS[1]);
    await stepButton(page, STEPS[1], 'Open Settings').click();
    const editor = page.locator('.settings-editor');
    await editor.waitFor({ timeout: 20_000 });
    await editor.locator('.setting-item-label', { hasText: 'Client Id' }).first().waitFor({ timeout: 20_000 });
    const search = await editor.locator('.settings-header .suggest-input-container .view-lines').innerText();
    assert.match(search.replace(/\u00a0/g, ' '), /securityCopilot/);
    await screenshot(page, 'walkthrough-settings');
    await runCommand(page, 'View: Close Editor');
  });

  it('the sign-in step signs in with its button', async () => {
    const page = wb.page;
    await runCommand(page, 'Security Copilot: Open Walkthrough');
    await openStep(page, STEPS[2]);
    await screenshot(page, 'walkthrough-sign-in');
    await stepButton(page, STEPS[2], 'Sign In').click();
    const signedIn = testSignInStatus(page).filter({ hasText: 'analyst@contoso.test' });
    // A fresh browser profile asks for consent first; one that allowed it before signs in at once.
    await Promise.race([dialog(page).waitFor({ state: 'visible', timeout: 20_000 }), signedIn.waitFor({ timeout: 20_000 })]);
    if (await dialog(page).isVisible()) await allowAuthDialog(page);
    await signedIn.waitFor({ timeout: 20_000 });
    await page.locator('.part.statusbar .statusbar-item', { hasText: 'analyst@contoso.test · default' }).first().waitFor({ timeout: 20_000 });
  });

  it('Open Setup Guide shows the packaged README (readme.md) with its screenshots loaded', async () => {
    const page = wb.page;
    await closeQuickInput(page);
    await runCommand(page, 'Security Copilot: Open Setup Guide');
    // vsce stores the README as readme.md: the tab shows the name the command found on this case-sensitive disk.
    const tab = page.locator('.part.editor .tabs-container .tab', { hasText: /readme\.md/ }).first();
    await tab.waitFor({ timeout: 20_000 });
    const preview = await webviewFrame(page, /readme\.md/, 20_000);
    await preview.locator('h1', { hasText: 'Security Copilot for VS Code' }).waitFor({ timeout: 20_000 });
    await preview.locator('h2', { hasText: 'Set up an app registration' }).waitFor();
    const images = preview.locator('img[src*="screenshots"]');
    await images.first().waitFor();
    assert.ok((await images.count()) >= 6, 'the README shows its screenshots');
    // Every screenshot has loaded: decode() settles once an image loaded or failed; a broken one has no size.
    await images.evaluateAll((els) => Promise.all(els.map((e) => (e as HTMLImageElement).decode().catch(() => undefined))));
    const loaded = await images.evaluateAll((els) => els.map((e) => ({ src: e.getAttribute('src'), w: (e as HTMLImageElement).naturalWidth })));
    assert.deepEqual(loaded.filter((i) => i.w === 0), [], 'screenshots that did not load');
    await screenshot(page, 'setup-guide-installed');
    assert.equal(await quickInput(page).isVisible(), false);
  });
});
