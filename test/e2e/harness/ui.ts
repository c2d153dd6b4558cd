// Workbench UI helpers for the browser tests (VS Code 1.139 web workbench served by code-server). Selectors are
// the workbench's own classes; keep them here so a VS Code update is fixed in one place.
import { type FrameLocator, type Locator, type Page } from 'playwright-core';

const DEFAULT_TIMEOUT = 15_000;
export type TextMatch = string | RegExp;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
function exact(text: TextMatch): RegExp {
  return typeof text === 'string' ? new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) : text;
}

// ---------------------------------------------------------------------------------------------- quick input

export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

function quickInputBox(page: Page): Locator {
  return quickInput(page).locator('.quick-input-box input');
}

/** Rows of the open quick pick (command palette, showQuickPick, account pickers ...). */
export function quickItems(page: Page): Locator {
  return quickInput(page).locator('.quick-input-list .monaco-list-row');
}

/**
 * The label element of each row. A row has two `.label-name`s when the item has a `detail`: the label's, in the
 * first `.quick-input-list-row`, and the detail's, under `.quick-input-list-label-meta`.
 */
const ROW_LABEL = '.quick-input-list-rows > .quick-input-list-row:first-child .label-name';

/** The quick pick row whose label is exactly `label` (a RegExp is matched against the label). Icons are ignored. */
export function quickItem(page: Page, label: TextMatch): Locator {
  return quickItems(page).filter({ has: page.locator(ROW_LABEL, { hasText: exact(label) }) }).first();
}

/**
 * The labels of the rows currently rendered (the list is virtualised: only the visible rows). Waits until the
 * list shows at least one row.
 */
export async function quickItemLabels(page: Page, timeout = DEFAULT_TIMEOUT): Promise<string[]> {
  await quickItems(page).first().waitFor({ state: 'visible', timeout });
  return (await quickItems(page).locator(ROW_LABEL).allInnerTexts()).map((t) => t.trim());
}

/** Waits for the quick input (palette, quick pick or input box) to be open. */
export async function waitForQuickInput(page: Page, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
  await quickInputBox(page).waitFor({ state: 'visible', timeout });
  return quickInput(page);
}

/** Replaces the text of the open quick input / input box. */
export async function quickInputType(page: Page, text: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
  const box = quickInputBox(page);
  await box.waitFor({ state: 'visible', timeout });
  await box.fill(text);
}

/** Presses Enter in the open quick input (accepts an input box or the focused quick pick row). */
export async function quickInputAccept(page: Page, timeout = DEFAULT_TIMEOUT): Promise<void> {
  const box = quickInputBox(page);
  await box.waitFor({ state: 'visible', timeout });
  await box.press('Enter');
}

/** The validation or hint message shown under the input box. */
export function quickInputMessage(page: Page): Locator {
  return quickInput(page).locator('.quick-input-message');
}

/** Clicks the quick pick row labelled `label`. */
export async function pickQuickItem(page: Page, label: TextMatch, timeout = DEFAULT_TIMEOUT): Promise<void> {
  const row = quickItem(page, label);
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
}

/** Runs a command from the command palette by its full title, e.g. "Security Copilot: Create Copilot Session". */
export async function runCommand(page: Page, title: string, timeout = DEFAULT_TIMEOUT): Promise<void> {
  await openPalette(page, timeout);
  try {
    await quickInputType(page, `>${title}`, 5_000);
  } catch {
    // Something took focus and closed the palette (e.g. a webview that just finished loading): once more.
    await openPalette(page, timeout);
    await quickInputType(page, `>${title}`, timeout);
  }
  const row = quickItem(page, title);
  await row.waitFor({ state: 'visible', timeout });
  // Select the exact row (another command may contain the same words and be listed first), then press Enter.
  await row.hover();
  await row.click();
}

/**
 * Opens the command palette with F1. A webview that is still loading can swallow the key, so if the palette
 * doesn't show, focus moves to the workbench's status bar and F1 is pressed again.
 */
export async function openPalette(page: Page, timeout = DEFAULT_TIMEOUT): Promise<void> {
  await page.keyboard.press('F1');
  try {
    await quickInputBox(page).waitFor({ state: 'visible', timeout: 2_000 });
  } catch {
    await page.locator('.part.statusbar').focus().catch(() => undefined);
    await page.keyboard.press('F1');
    await quickInputBox(page).waitFor({ state: 'visible', timeout });
  }
}

/** The command palette rows for `query` (the palette is left open). */
export async function paletteEntries(page: Page, query: string, timeout = DEFAULT_TIMEOUT): Promise<string[]> {
  await openPalette(page, timeout);
  await quickInputType(page, `>${query}`, timeout);
  return quickItemLabels(page, timeout);
}

export async function closeQuickInput(page: Page): Promise<void> {
  if (await quickInput(page).isVisible()) await page.keyboard.press('Escape');
  await quickInput(page).waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------- notifications

/** A notification toast containing `text` (waits for it). */
export async function waitForNotification(page: Page, text: TextMatch, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout });
  return toast;
}

/** Clicks a button of the notification containing `text`. */
export async function clickNotificationButton(page: Page, text: TextMatch, button: TextMatch, timeout = DEFAULT_TIMEOUT): Promise<void> {
  const toast = await waitForNotification(page, text, timeout);
  await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: exact(button) }).first().click({ timeout });
}

/**
 * A notification containing `text` in the notifications center (opened through the palette). VS Code shows
 * at most 3 new toasts within 800 ms (NotificationsToasts.SPAM_PROTECTION); the rest go to the center only, so
 * a test that acts faster than a person can find a notification there and not as a toast.
 */
export async function waitForNotificationInCenter(page: Page, text: TextMatch, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
  const center = page.locator('.notifications-center');
  if (!(await center.isVisible())) await runCommand(page, 'Notifications: Show Notifications');
  const item = center.locator('.notification-list-item', { hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout });
  return item;
}

/** Closes every toast (Notifications: Clear All Notifications). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
}

// ---------------------------------------------------------------------------------------------- dialogs

/** The modal dialog (consent prompts, modal messages). */
export function dialog(page: Page): Locator {
  return page.locator('.monaco-dialog-box');
}

/** Waits for a modal dialog and returns its message text. */
export async function waitForDialog(page: Page, timeout = DEFAULT_TIMEOUT): Promise<string> {
  const box = dialog(page);
  await box.waitFor({ state: 'visible', timeout });
  return (await box.locator('.dialog-message-container').innerText()).trim();
}

/** Clicks a button of the modal dialog. */
export async function clickDialogButton(page: Page, label: TextMatch, timeout = DEFAULT_TIMEOUT): Promise<void> {
  await dialog(page).locator('.dialog-buttons .monaco-button', { hasText: exact(label) }).first().click({ timeout });
  await dialog(page).waitFor({ state: 'hidden', timeout });
}

/**
 * Answers VS Code's sign-in consent ("The extension 'Security Copilot for VS Code' wants to sign in using
 * Security Copilot Test Sign-in.") with Allow, as a user does. Returns the dialog's message.
 */
export async function allowAuthDialog(page: Page, timeout = DEFAULT_TIMEOUT): Promise<string> {
  const message = await waitForDialog(page, timeout);
  if (!/wants to sign in/i.test(message)) throw new Error(`expected the sign-in consent dialog, got: ${message}`);
  await clickDialogButton(page, 'Allow', timeout);
  return message;
}

// ---------------------------------------------------------------------------------------------- views

/** The activity bar item of the Security Copilot view container. */
export function activityBarItem(page: Page, title = 'Security Copilot'): Locator {
  return page.locator(`.part.activitybar .action-item:has(.action-label[aria-label^="${title}"])`).first();
}

/** The side bar showing the Security Copilot container. */
export function securityCopilotView(page: Page): Locator {
  return page.locator('.part.sidebar [id="workbench.view.extension.securityCopilot"]');
}

/** Opens the Security Copilot view container (does not toggle it closed when it is already open). */
export async function openView(page: Page, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
  const view = securityCopilotView(page);
  if (!(await view.isVisible())) {
    const item = activityBarItem(page);
    await item.waitFor({ state: 'visible', timeout });
    await item.locator('.action-label').click();
  }
  await view.waitFor({ state: 'visible', timeout });
  return view;
}

/** The body of the Sessions view (the Plugins view in the same container has rows of its own). */
export function sessionsViewBody(page: Page): Locator {
  return securityCopilotView(page)
    .locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Sessions/ }) })
    .locator('.pane-body');
}

/** A row of the Sessions tree whose text contains `label`. */
export function sessionTreeRow(page: Page, label: TextMatch): Locator {
  return securityCopilotView(page).locator('.monaco-list-row', { hasText: label }).first();
}

/** The welcome content (sign-in / empty / misconfigured messages) of the Sessions view. */
export function sessionsWelcome(page: Page): Locator {
  return securityCopilotView(page).locator('.welcome-view-content');
}

/** Right-clicks `target` and picks `item` from its context menu. */
export async function contextMenu(page: Page, target: Locator, item: TextMatch, timeout = DEFAULT_TIMEOUT): Promise<void> {
  await target.click({ button: 'right', timeout });
  const entry = page.locator('.monaco-menu .action-item .action-label', { hasText: exact(item) }).first();
  await entry.waitFor({ state: 'visible', timeout });
  // Menu items ignore mouse-up for their first 100 ms (so the right-click's own mouse-up does not pick an item).
  await page.waitForTimeout(150);
  await entry.click();
  await entry.waitFor({ state: 'hidden', timeout });
}

// ---------------------------------------------------------------------------------------------- webviews

/**
 * The content frame of a webview: the workbench hosts each webview in `iframe.webview` whose document hosts the
 * extension's HTML in `#active-frame`. With `title`, the webview of the editor tab with that title (it must be
 * the visible one); without, the visible webview.
 */
export async function webviewFrame(page: Page, title?: TextMatch, timeout = DEFAULT_TIMEOUT): Promise<FrameLocator> {
  if (title !== undefined) {
    const tab = page.locator('.part.editor .tabs-container .tab', { hasText: title }).first();
    await tab.waitFor({ state: 'visible', timeout });
    if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  }
  const outer = page.locator('iframe.webview.ready:visible').last();
  await outer.waitFor({ state: 'visible', timeout });
  const inner = outer.contentFrame().locator('#active-frame');
  await inner.waitFor({ state: 'attached', timeout });
  return outer.contentFrame().frameLocator('#active-frame');
}
