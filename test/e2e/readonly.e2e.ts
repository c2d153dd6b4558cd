// Read-only mode (securityCopilot.auth.access = readOnly) as a user meets it: the write commands are not in the
// palette or the Sessions view's toolbar, the status bar says read-only, and the panel reads the session with
// Send, Rename and Re-run disabled, each saying why. Nothing is written to Graph.
import * as assert from 'node:assert/strict';
import { type Workbench, emulator, openWorkbench, paletteEntries, closeQuickInput, screenshot, sessionTreeRow, sessionsViewBody, setUserSettings } from './harness';
import { graphCalls, openSessionFromPalette, signInFromWelcomeView } from './flows';

describe('Read-only mode in the workbench: write actions hidden or disabled, with the reason', function () {
  this.timeout(120_000);
  let wb: Workbench;
  const name = `E2E read-only ${Date.now() % 100000}`;

  before(async () => {
    await emulator.clearFaults();
    await emulator.seed({ sessions: 1, promptsPerSession: 2, displayName: name });
    setUserSettings({ 'securityCopilot.auth.access': 'readOnly' });
    wb = await openWorkbench();
    await signInFromWelcomeView(wb.page);
    await sessionTreeRow(wb.page, /ago|just now/).waitFor({ timeout: 20_000 });
  });
  after(async () => {
    setUserSettings({ 'securityCopilot.auth.access': undefined });
    await wb?.close();
  });

  it('the palette, the view toolbar and the status bar show reading only', async () => {
    const page = wb.page;
    await page.locator('.part.statusbar .statusbar-item', { hasText: /analyst@contoso\.test · default \(read-only\)/ }).waitFor({ timeout: 10_000 });
    const entries = await paletteEntries(page, 'Security Copilot:');
    await closeQuickInput(page);
    assert.ok(entries.includes('Security Copilot: Open Session'), entries.join(' | '));
    for (const hidden of ['Security Copilot: Create Copilot Session', 'Security Copilot: Rename Session', 'Security Copilot: Run Promptbook']) {
      assert.ok(!entries.includes(hidden), `${hidden} is not offered: ${entries.join(' | ')}`);
    }
    // The Sessions view's toolbar: Refresh, but no Create.
    await sessionsViewBody(page).hover();
    const toolbar = page.locator('[id="workbench.view.extension.securityCopilot"] .pane-header', { hasText: /Sessions/ }).locator('.actions .action-label');
    const labels = await toolbar.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    assert.ok(labels.some((l) => /Refresh/.test(l)), labels.join(' | '));
    assert.ok(!labels.some((l) => /Create/.test(l)), labels.join(' | '));
  });

  it('the panel reads the session; Send, Rename and Re-run are disabled and say why; nothing is written', async () => {
    const page = wb.page;
    await emulator.clearRequests();
    const frame = await openSessionFromPalette(page, name);
    await frame.locator('article.prompt .evaluation.latest .answer').first().waitFor({ timeout: 20_000 });
    const why = /Read-only mode \(setting Security Copilot › Auth: Access\)/;
    const send = frame.locator('button', { hasText: 'Send' });
    assert.equal(await send.isDisabled(), true);
    assert.match((await send.getAttribute('title')) ?? '', why);
    const rename = frame.locator('.header-actions button', { hasText: 'Rename' });
    assert.equal(await rename.isDisabled(), true);
    assert.match((await rename.getAttribute('title')) ?? '', why);
    const rerun = frame.locator('article.prompt .evaluation.latest button', { hasText: 'Re-run' }).first();
    assert.equal(await rerun.isDisabled(), true);
    assert.match((await rerun.getAttribute('title')) ?? '', why);
    const input = frame.locator('#prompt-input');
    assert.equal(await input.getAttribute('readonly'), '');
    assert.match((await input.getAttribute('placeholder')) ?? '', why);
    // Typing and Ctrl+Enter send nothing.
    await input.press('Control+Enter');
    await screenshot(page, 'read-only-panel');
    const writes = [...(await graphCalls('POST', /./)), ...(await graphCalls('PATCH', /./))].filter((r) => !/\$batch$/.test(r.path));
    assert.deepEqual(writes.map((r) => `${r.method} ${r.path}`), [], 'no write reached Graph');
  });
});
