// Device code sign-in as a user meets it (securityCopilot.auth.method = deviceCode, against the identity
// stand-in on loopback https): a notification with the code and the link, Copy and Open buttons, a progress
// notification with Cancel; entering the code signs in and the tree lists sessions; Cancel stops the sign-in.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { identity, identityUrl } from '../support/identityControl';
import { type Workbench, clickDialogButton, dialog, openView, openWorkbench, screenshot, sessionTreeRow, setUserSettings, waitForNotification, waitForNotificationInCenter } from './harness';

const PUBLIC_APP = 'dddddddd-4444-4444-8444-dddddddddddd';
const TENANT = 'contoso.test';

const deviceCodeSettings = (): Record<string, unknown> => ({
  'securityCopilot.auth.method': 'deviceCode',
  'securityCopilot.auth.authorityHost': identityUrl(),
  'securityCopilot.auth.clientId': PUBLIC_APP,
  'securityCopilot.auth.tenantId': TENANT,
  // The Graph emulator is plain http on loopback: with a real token source that needs the user's opt-in.
  'securityCopilot.allowInsecureLoopback': true,
});

/** Codes of this app waiting at the stand-in. */
async function pendingCodes(): Promise<string[]> {
  return (await identity.deviceCodes()).filter((c) => c.clientId === PUBLIC_APP).map((c) => c.userCode);
}

/** The device code the stand-in handed out after `before` (the one the notification must show). */
async function newCode(before: string[]): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const fresh = (await pendingCodes()).filter((c) => !before.includes(c));
    assert.ok(fresh.length <= 1, `one device code per sign-in, got ${fresh.join(', ')}`);
    if (fresh.length === 1) return fresh[0];
    if (Date.now() > deadline) throw new Error('no device code reached the identity stand-in');
    await new Promise((r) => setTimeout(r, 200));
  }
}

function notificationButton(toast: Awaited<ReturnType<typeof waitForNotification>>, label: string) {
  return toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: new RegExp(`^\\s*${label}\\s*$`) }).first();
}

async function signInButton(page: Page) {
  const view = await openView(page);
  const button = view.getByRole('button', { name: 'Sign In' });
  await button.waitFor({ timeout: 20_000 });
  return button;
}

describe('Device code sign-in: notification, Copy and Open, progress, Cancel', function () {
  this.timeout(120_000);
  let wb: Workbench | undefined;

  before(async () => {
    await identity.registerApp({ clientId: PUBLIC_APP, displayName: 'Security Copilot for VS Code (browser test)' });
    setUserSettings(deviceCodeSettings());
  });
  after(async () => {
    setUserSettings(Object.fromEntries(Object.keys(deviceCodeSettings()).map((k) => [k, undefined])));
    await wb?.close();
  });

  it('shows the code and link with Copy and Open, progress and Cancel; Copy Code and Open copies the code and opens the link; the entered code signs in and the tree lists sessions', async () => {
    wb = await openWorkbench();
    const page = wb.page;
    await identity.clearRequests();
    const before = await pendingCodes();
    await (await signInButton(page)).click();
    const userCode = await newCode(before);
    const link = `${identityUrl()}/devicelogin`;

    const info = await waitForNotification(page, 'To sign in to Security Copilot, open', 20_000);
    assert.match(await info.innerText(), new RegExp(`To sign in to Security Copilot, open ${link.replace(/[.]/g, '\\.')} and enter the code ${userCode}\\.`));
    await notificationButton(info, 'Copy Code and Open').waitFor();
    await notificationButton(info, 'Copy Code').waitFor();
    const progress = await waitForNotification(page, 'Waiting for the Security Copilot sign-in');
    assert.match(await progress.innerText(), new RegExp(`Waiting for the Security Copilot sign-in: enter the code ${userCode} at ${link.replace(/[.]/g, '\\.')}`));
    await notificationButton(progress, 'Cancel').waitFor();
    await progress.locator('.monaco-progress-container').waitFor({ state: 'attached' });
    await screenshot(page, 'device-code-notification');

    // Copy Code and Open: the code on the clipboard, the link in a new browser tab (after VS Code's own
    // "open the external website?" question, if it asks). The extension runs remotely (code-server), so VS Code
    // maps a loopback link through its port forwarding (code-server's /proxy/<port>/); Microsoft's
    // https://microsoft.com/devicelogin opens as it is.
    const opened = wb.context.waitForEvent('page', { timeout: 20_000 });
    await notificationButton(info, 'Copy Code and Open').click();
    const tab = await Promise.race([opened, dialog(page).waitFor({ state: 'visible', timeout: 20_000 }).then(() => undefined)]);
    if (!tab) {
      assert.match(await dialog(page).innerText(), /devicelogin/);
      await screenshot(page, 'device-code-open-link-question');
      await clickDialogButton(page, 'Open');
    }
    const linkPage = tab ?? (await opened);
    const port = new URL(link).port;
    const url = linkPage.url();
    assert.ok(url === link || new RegExp(`^http://127\\.0\\.0\\.1:\\d+/proxy/${port}/devicelogin$`).test(url), `opened ${url}`);
    await linkPage.close();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), userCode);

    // The user enters the code at the stand-in and signs in.
    await identity.approve(userCode);
    await sessionTreeRow(page, /ago|just now/).waitFor({ timeout: 30_000 });
    await page.locator('.part.statusbar .statusbar-item', { hasText: /analyst@contoso\.test · default/ }).waitFor({ timeout: 10_000 });
    await page.locator('.notifications-toasts .notification-toast', { hasText: `enter the code ${userCode} at` }).waitFor({ state: 'hidden', timeout: 10_000 });
    const grants = (await identity.requests()).filter((r) => r.status === 200).map((r) => r.grantType.replace(/.*:/, ''));
    assert.deepEqual(grants, ['device_code']);
    await screenshot(page, 'device-code-signed-in');
  });

  it('Cancel stops the sign-in with a clear message: no token, still signed out', async () => {
    await wb?.close();
    // A new window has a new extension host: device code tokens live in memory only, so it is signed out.
    wb = await openWorkbench();
    const page = wb.page;
    await identity.clearRequests();
    const signIn = await signInButton(page);
    const before = await pendingCodes();
    await signIn.click();
    const userCode = await newCode(before);
    const progress = await waitForNotification(page, `enter the code ${userCode} at`, 20_000);
    await notificationButton(progress, 'Cancel').click();
    const cancelled = await waitForNotification(page, 'sign-in cancelled', 20_000);
    assert.match(await cancelled.innerText(), new RegExp(`Security Copilot: sign-in cancelled\\. The code ${userCode} will not be used\\.`));
    await progress.waitFor({ state: 'hidden', timeout: 10_000 });
    await screenshot(page, 'device-code-cancelled');

    // The code is not redeemed even if someone enters it now; the view still offers Sign In.
    await identity.approve(userCode);
    await signIn.waitFor({ state: 'visible' });
    await page.locator('.part.statusbar .statusbar-item', { hasText: 'Security Copilot: Sign in' }).waitFor({ timeout: 10_000 });
    // Barrier: a second sign-in asks for a new code, so the product was still signed out after the approval.
    // Its notifications come within VS Code's toast spam window of the "cancelled" one (at most 3 toasts per
    // 800 ms, the rest only in the center), so they are looked for in the notifications center.
    await signIn.click();
    const next = await newCode([...before, userCode]);
    const again = await waitForNotificationInCenter(page, `enter the code ${next} at`, 20_000);
    assert.deepEqual((await identity.requests()).filter((r) => r.status === 200), [], 'no token was issued');
    await notificationButton(again, 'Cancel').click();
  });

  it('a national cloud’s authority host warns before the sign-in, with the setting to change', async () => {
    await wb?.close();
    // login.microsoftonline.us is unreachable here, so the sign-in itself fails after the warning: only the
    // warning is this test's subject.
    setUserSettings({ 'securityCopilot.auth.authorityHost': 'https://login.microsoftonline.us' });
    try {
      wb = await openWorkbench();
      const page = wb.page;
      const signIn = await signInButton(page);
      await signIn.click();
      const warning = await waitForNotification(page, /login\.microsoftonline\.us is a national cloud/, 30_000);
      assert.match(
        await warning.innerText(),
        /documented for the global cloud \(graph\.microsoft\.com\) only.*set "Security Copilot › Auth: Authority Host" to https:\/\/login\.microsoftonline\.com/s,
      );
      await screenshot(page, 'national-cloud-warning');
      await notificationButton(warning, 'Open Setting').click();
      await page.locator('.settings-editor').waitFor({ timeout: 20_000 });
      await page.locator('.settings-editor .setting-item-contents', { hasText: 'Authority Host' }).first().waitFor({ timeout: 20_000 });
    } finally {
      setUserSettings({ 'securityCopilot.auth.authorityHost': identityUrl() });
    }
  });
});
