// Browser smoke test: the real workbench loads with the product and the stand-in sign-in installed, and a user can
// sign in through VS Code's consent dialog.
import * as assert from 'node:assert/strict';
import {
  type Workbench, activityBarItem, allowAuthDialog, closeQuickInput, emulator, openView, openWorkbench, paletteEntries,
  runCommand, screenshot, sessionTreeRow, testSignInStatus,
} from './harness';

describe('e2e smoke: the workbench with Security Copilot', () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('loads the workbench and the extension host', async () => {
    assert.ok(await wb.page.locator('.monaco-workbench').isVisible());
    assert.deepEqual(await emulator.health(), { ok: true });
  });

  it('shows the Security Copilot activity bar item', async () => {
    await activityBarItem(wb.page).waitFor({ state: 'visible' });
  });

  it('lists "Security Copilot: Create Copilot Session" in the command palette', async () => {
    const entries = await paletteEntries(wb.page, 'Security Copilot: Create');
    assert.ok(entries.includes('Security Copilot: Create Copilot Session'), `palette shows: ${entries.join(' | ')}`);
    await screenshot(wb.page, 'smoke-command-palette');
    await closeQuickInput(wb.page);
  });

  it('signs in through the consent dialog and shows the sessions', async () => {
    await openView(wb.page);
    await runCommand(wb.page, 'Security Copilot: Sign In');
    const message = await allowAuthDialog(wb.page);
    assert.match(message, /Security Copilot Test Sign-in/);
    await testSignInStatus(wb.page).filter({ hasText: 'analyst@contoso.test' }).waitFor();
    await sessionTreeRow(wb.page, /./).waitFor();
    await screenshot(wb.page, 'smoke-signed-in');
  });
});
