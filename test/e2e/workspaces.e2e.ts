// Tenant and workspace as a user meets them. The status bar names the token's tenant; Switch Tenant offers the
// tenants signed in to before, the home tenant, or one typed in, and signs in to it. Select Workspace lists the
// workspaces Graph returns, by name; picking one switches the tree and the status bar at once (no refresh); Save
// to User Settings writes the setting; the Default workspace entry switches back.
import * as assert from 'node:assert/strict';
import {
  type Workbench,
  clickNotificationButton,
  emulator,
  openWorkbench,
  pickQuickItem,
  quickInputAccept,
  quickInputMessage,
  quickInputType,
  quickItem,
  quickItemLabels,
  readUserSettings,
  runCommand,
  screenshot,
  sessionTreeRow,
  sessionsViewBody,
  setUserSettings,
  waitForNotification,
} from './harness';
import { allowIfAsked, graphCalls, signInFromWelcomeView, waitForQuickPickTitled } from './flows';

const TIER2 = { id: 'c0ffee00-0000-4000-8000-0000000000e2', displayName: 'SOC Tier 2 (browser test)' };
const TIER2_SESSION = 'Tier 2 escalation';

const HOME_TENANT = '00000000-0000-4000-8000-0000000c0de0'; // the stand-in sign-in's tenant (test/fixtures/auth-provider)
const OTHER_TENANT = 'aaaaaaaa-0000-4000-8000-00000000f00d';

describe('Tenant and workspace: status bar, Switch Tenant, Select Workspace', function () {
  this.timeout(120_000);
  let wb: Workbench;

  before(async () => {
    await emulator.clearFaults();
    await emulator.addWorkspace(TIER2);
    await emulator.seed({ sessions: 2, promptsPerSession: 1, workspaceId: TIER2.id, displayName: TIER2_SESSION });
    wb = await openWorkbench();
    await signInFromWelcomeView(wb.page);
    await sessionTreeRow(wb.page, /ago|just now/).waitFor({ timeout: 20_000 });
  });
  after(async () => {
    setUserSettings({ 'securityCopilot.workspaceId': undefined });
    setUserSettings({ 'securityCopilot.auth.tenantId': undefined });
    await wb?.close();
  });

  it('the status bar’s tooltip names the tenant of the token, with the setting when that says only "organizations"', async () => {
    const page = wb.page;
    const item = page.locator('.part.statusbar .statusbar-item', { hasText: /analyst@contoso\.test · default/ });
    await item.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'signed in as analyst@contoso.test' }).first();
    await hover.waitFor({ timeout: 10_000 });
    // The stand-in sign-in's tokens are for tenant …0c0de0 (test/fixtures/auth-provider); the setting is the default.
    assert.match(await hover.innerText(), new RegExp(`tenant ${HOME_TENANT} \\(setting: organizations\\)`));
    await screenshot(page, 'status-bar-tenant');
    await page.mouse.move(700, 400);
  });

  it('Switch Tenant: offers the tenant signed in to, takes a typed one (checked), signs in to it, and switches back', async () => {
    const page = wb.page;
    await runCommand(page, 'Security Copilot: Switch Tenant');
    await waitForQuickPickTitled(page, 'Switch Tenant');
    // Most recent first (earlier suites of a run may have signed in to other tenants too), then the fixed entries.
    const labels = await quickItemLabels(page);
    assert.equal(labels[0], HOME_TENANT, labels.join(' | '));
    assert.deepEqual(labels.slice(-2), ['Home tenant of the account', 'Enter a tenant id or domain…']);
    assert.equal(await quickItem(page, HOME_TENANT).locator('.label-description').innerText(), 'analyst@contoso.test · current');
    await screenshot(page, 'switch-tenant');

    // Another tenant, typed: a bad value is refused in the box; the stand-in's token is for its own tenant, so
    // the sign-in is refused as a guest's would be, and nothing is sent.
    await pickQuickItem(page, 'Enter a tenant id or domain…');
    await quickInputType(page, 'not a tenant!');
    await quickInputMessage(page).filter({ hasText: /Enter a tenant GUID/ }).waitFor({ timeout: 5_000 });
    await quickInputType(page, OTHER_TENANT);
    await emulator.clearRequests();
    await quickInputAccept(page);
    await allowIfAsked(page);
    const refused = await waitForNotification(page, `token for tenant ${HOME_TENANT}, not for the configured tenant ${OTHER_TENANT}`, 20_000);
    assert.match(await refused.innerText(), /nothing is sent with it/);
    assert.equal(readUserSettings()['securityCopilot.auth.tenantId'], OTHER_TENANT);
    assert.deepEqual(await graphCalls('GET', /./), [], 'Graph received nothing with the other tenant’s token');

    // Back to the tenant signed in to before: picked from the list, signed in, the tree lists sessions again.
    await runCommand(page, 'Security Copilot: Switch Tenant');
    await waitForQuickPickTitled(page, 'Switch Tenant');
    await pickQuickItem(page, HOME_TENANT);
    await allowIfAsked(page);
    await sessionTreeRow(page, /ago|just now/).waitFor({ timeout: 20_000 });
    assert.equal(readUserSettings()['securityCopilot.auth.tenantId'], HOME_TENANT);
    await page.locator('.part.statusbar .statusbar-item', { hasText: /analyst@contoso\.test · default/ }).waitFor({ timeout: 10_000 });
    setUserSettings({ 'securityCopilot.auth.tenantId': undefined });
  });

  it('lists the workspaces by name; picking one switches the tree and the status bar without a refresh', async () => {
    const page = wb.page;
    assert.equal(await sessionTreeRow(page, TIER2_SESSION).count(), 0, 'the default workspace has no Tier 2 sessions');
    await emulator.clearRequests();
    await runCommand(page, 'Security Copilot: Select Workspace');
    await waitForQuickPickTitled(page, 'Select Workspace');
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: TIER2.displayName }).waitFor({ timeout: 20_000 });
    const labels = await quickItemLabels(page);
    assert.deepEqual(labels, ['SecurityCopilot_Workspace', TIER2.displayName, 'Default workspace'], labels.join(' | '));
    assert.ok((await graphCalls('GET', /\/security\/securityCopilot\/workspaces$/)).length >= 1, 'the names came from GET …/workspaces');
    await screenshot(page, 'select-workspace');

    await emulator.clearRequests();
    await pickQuickItem(page, TIER2.displayName);
    await sessionTreeRow(page, TIER2_SESSION).waitFor({ timeout: 20_000 });
    await page.locator('.part.statusbar .statusbar-item', { hasText: `· ${TIER2.displayName}` }).waitFor({ timeout: 10_000 });
    assert.ok((await graphCalls('GET', new RegExp(`/workspaces/${TIER2.id}/sessions$`))).length >= 1, 'Graph was asked for that workspace');
    // Exactly that workspace's two sessions, none of the default workspace's.
    const rows = sessionsViewBody(page).locator('.monaco-list-row .label-name');
    await rows.nth(1).waitFor({ timeout: 10_000 });
    assert.deepEqual((await rows.allInnerTexts()).map((t) => t.trim()).sort(), [TIER2_SESSION, `${TIER2_SESSION} (2)`]);
    await screenshot(page, 'select-workspace-switched');

    // The choice is for this window; Save to User Settings makes it the setting.
    await clickNotificationButton(page, `Security Copilot workspace for this window: ${TIER2.displayName}`, 'Save to User Settings');
    const deadline = Date.now() + 10_000;
    while (readUserSettings()['securityCopilot.workspaceId'] !== TIER2.id) {
      assert.ok(Date.now() < deadline, `settings.json: ${JSON.stringify(readUserSettings())}`);
      await page.waitForTimeout(100);
    }
  });

  it('Default workspace switches this window back (over the saved setting), and the tree follows again', async () => {
    const page = wb.page;
    await runCommand(page, 'Security Copilot: Select Workspace');
    await waitForQuickPickTitled(page, 'Select Workspace');
    await pickQuickItem(page, 'Default workspace');
    await page.locator('.part.statusbar .statusbar-item', { hasText: /· default$/ }).waitFor({ timeout: 10_000 });
    await sessionTreeRow(page, TIER2_SESSION).waitFor({ state: 'detached', timeout: 20_000 });
    await sessionTreeRow(page, /ago|just now/).waitFor({ timeout: 20_000 });
    await waitForNotification(page, 'Security Copilot workspace for this window: default');
  });
});
