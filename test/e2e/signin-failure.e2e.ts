// A known sign-in failure as a user meets it: Microsoft answers AADSTS65002 (VS Code's own app is not
// pre-authorized for the Security Copilot permission). The extension says what to do and offers the setup guide.
import * as assert from 'node:assert/strict';
import { type Workbench, allowAuthDialog, clearNotifications, clickNotificationButton, openView, openWorkbench, screenshot, setUserSettings, waitForNotification } from './harness';

const ERROR_SETTING = 'securityCopilotTestAuth.signInError';
const AADSTS65002 =
  "AADSTS65002: Consent between first party application 'aebc6443-996d-45c2-90f0-388ff96faa56' and first party " +
  "resource '00000003-0000-0000-c000-000000000000' must be configured via preauthorization.";

describe('Sign-in failure: AADSTS65002 gets advice and the setup guide', function () {
  this.timeout(90_000);
  let wb: Workbench;

  before(async () => {
    setUserSettings({ [ERROR_SETTING]: AADSTS65002 });
    wb = await openWorkbench();
  });
  after(async () => {
    setUserSettings({ [ERROR_SETTING]: undefined });
    await wb?.close();
  });

  it('explains the fix and opens the setup guide from the notification', async () => {
    const page = wb.page;
    const view = await openView(page);
    const signIn = view.getByRole('button', { name: 'Sign In' });
    await signIn.waitFor({ timeout: 20_000 });
    await signIn.click();
    await allowAuthDialog(page);
    const toast = await waitForNotification(page, /AADSTS65002/, 20_000);
    const text = await toast.innerText();
    assert.match(text, /Sign-in failed: AADSTS65002: VS Code's own app can't get the Security Copilot permission/);
    assert.match(text, /Auth: Client Id/);
    await screenshot(page, 'signin-failure-advice');
    await clickNotificationButton(page, /AADSTS65002/, 'Open Setup Guide');
    await page.locator('.part.editor .tabs-container .tab', { hasText: 'README.md' }).waitFor({ timeout: 20_000 });
    await signIn.waitFor({ state: 'visible' }); // still signed out: nothing was pretended
  });

  it('a sign-in the user declines is not shown as an error', async () => {
    const page = wb.page;
    await clearNotifications(page);
    setUserSettings({ [ERROR_SETTING]: 'User did not consent to login.' });
    const view = await openView(page);
    const signIn = view.getByRole('button', { name: 'Sign In' });
    await signIn.click();
    await allowAuthDialog(page);
    // Barrier: a second sign-in that fails for real. Its toast proves the first one finished, and toasts show
    // in order, so an error toast for the declined sign-in would be there by now.
    setUserSettings({ [ERROR_SETTING]: AADSTS65002 });
    await signIn.click();
    await allowAuthDialog(page);
    await waitForNotification(page, /AADSTS65002/, 20_000);
    const toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
    assert.equal(toasts.filter((t) => /consent to login|did not consent/i.test(t)).length, 0, toasts.join('\n---\n'));
    await signIn.waitFor({ state: 'visible' });
  });
});
