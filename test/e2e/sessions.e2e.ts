// A person's main path in the real workbench: sign in (real consent dialog) → create a session by name → see it
// in the tree → ask a question and watch the answer → open another session from the palette → reload the window
// and get the panel back → rename it from the tree.
import * as assert from 'node:assert/strict';
import {
  type Workbench,
  closeQuickInput,
  contextMenu,
  emulator,
  openWorkbench,
  pickQuickItem,
  quickInputAccept,
  quickInputMessage,
  quickInputType,
  quickItemLabels,
  quickItems,
  reloadWorkbench,
  runCommand,
  screenshot,
  sessionTreeRow,
  waitForQuickInput,
} from './harness';
import { allowIfAsked, askInPanel, createSessionFromPalette, graphCalls, sessionPanel, signInFromWelcomeView, waitForQuickPickTitled } from './flows';

describe('Sessions: sign in, create, tree, panel, palette, reload, rename', function () {
  this.timeout(120_000);
  let wb: Workbench;
  const created = `E2E phishing triage ${Date.now() % 100000}`;

  before(async () => {
    await emulator.clearFaults();
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('signs in from the welcome view through the consent dialog and lists sessions', async () => {
    const page = wb.page;
    await signInFromWelcomeView(page);
    await sessionTreeRow(page, /ago|just now/).waitFor({ timeout: 20_000 });
    const rows = await page.locator('[id="workbench.view.extension.securityCopilot"] .monaco-list-row').count();
    assert.ok(rows >= 10, `tree shows ${rows} rows`);
    await page.locator('.part.statusbar .statusbar-item', { hasText: /analyst@contoso\.test · default/ }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'tree-signed-in');
  });

  it('validates the session name live and sends nothing when cancelled', async () => {
    const page = wb.page;
    await emulator.clearRequests();
    await runCommand(page, 'Security Copilot: Create Copilot Session');
    await waitForQuickInput(page);
    await quickInputType(page, '   ');
    await quickInputMessage(page).filter({ hasText: /can't be empty|cannot be empty|empty/i }).waitFor({ timeout: 5_000 });
    await quickInputType(page, 'x'.repeat(201));
    await quickInputMessage(page).filter({ hasText: /too long/i }).waitFor({ timeout: 5_000 });
    await screenshot(page, 'create-validation');
    await closeQuickInput(page);
    await page.waitForTimeout(500);
    assert.equal((await graphCalls('POST', /\/sessions$/)).length, 0);
  });

  it('creates a session by name: one POST, the row is revealed and selected, its panel opens', async () => {
    const page = wb.page;
    await emulator.clearRequests();
    await createSessionFromPalette(page, created);
    const row = sessionTreeRow(page, created);
    await page.waitForFunction(
      (name) => Array.from(document.querySelectorAll('.monaco-list-row[aria-selected="true"]')).some((r) => r.textContent?.includes(name)),
      created,
      { timeout: 10_000 },
    );
    assert.ok(await row.isVisible());
    const frame = await sessionPanel(page, created);
    // The title reads "Loading…" until the session arrives: wait for it, then compare exactly.
    await frame.locator('#session-title', { hasText: created }).waitFor();
    assert.equal((await frame.locator('#session-title').innerText()).trim(), created);
    await frame.locator('.empty', { hasText: 'No prompts yet' }).waitFor();
    const posts = await graphCalls('POST', /\/sessions$/);
    assert.equal(posts.length, 1);
    assert.deepEqual(posts[0].body, { '@odata.type': '#microsoft.graph.security.securityCopilot.session', displayName: created });
  });

  it('asks a question in the panel and shows the answer rendered from Markdown', async () => {
    const page = wb.page;
    await emulator.answer({
      match: 'who signed in',
      content:
        '## Sign-ins\n\nTwo accounts signed in from **203.0.113.7**.\n\n| Account | Count |\n|---|---|\n| j.doe | 41 |\n| a.lee | 3 |\n\n' +
        '```kql\nSigninLogs\n| where IPAddress == "203.0.113.7"\n| summarize count() by UserPrincipalName\n```\n\nSee [the guide](https://learn.microsoft.com/azure/sentinel/).',
      runningMs: 1500,
    });
    const frame = await sessionPanel(page, created);
    const input = frame.locator('#prompt-input');
    await input.fill('Who signed in from 203.0.113.7 today?');
    await input.press('Control+Enter');
    const article = frame.locator('article.prompt', { hasText: 'Who signed in from 203.0.113.7' });
    await article.locator('.state[data-state="running"], .state[data-state="created"]').first().waitFor({ timeout: 10_000 });
    await article.locator('button', { hasText: 'Stop' }).waitFor();
    await screenshot(page, 'panel-running');
    await article.locator('.evaluation.latest .state[data-state="completed"]').waitFor({ timeout: 20_000 });
    await article.locator('.answer table td', { hasText: 'j.doe' }).waitFor();
    assert.equal(await article.locator('.answer h2').innerText(), 'Sign-ins');
    await article.locator('.code-block button', { hasText: 'Open in editor' }).waitFor();
    assert.equal(await article.locator('.answer a[data-href="https://learn.microsoft.com/azure/sentinel/"]').count(), 1);
    assert.equal(await frame.locator('#prompt-input').inputValue(), '', 'draft cleared after send');
    await screenshot(page, 'panel-answer');
    assert.equal((await graphCalls('POST', /\/prompts$/)).length, 1);
  });

  it('opens a seeded session from the palette (filtering while it loads) and shows its answers', async () => {
    const page = wb.page;
    await runCommand(page, 'Security Copilot: Open Session');
    await waitForQuickPickTitled(page, 'Open Session');
    // The list is virtualized: read the first rows, then filter by typing as a user does.
    const labels = await quickItemLabels(page);
    const seeded = labels.find((l) => l !== created && l !== 'Untitled session' && !l.startsWith('E2E'));
    assert.ok(seeded, `a seeded session is listed: ${labels.join(' | ')}`);
    await page.waitForTimeout(400); // let the quick pick finish fading in: this screenshot is in the README
    await screenshot(page, 'open-session-picker');
    await quickInputType(page, 'zzzz-no-such-session');
    // Only the ID entry is left once the filter applies (rows update asynchronously).
    await quickItems(page).filter({ hasNotText: 'Open by session ID' }).first().waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal((await quickItems(page).locator('.quick-input-list-label .label-name').first().innerText()).trim(), 'Open by session ID…');
    await quickInputType(page, seeded.slice(0, 14));
    await pickQuickItem(page, seeded);
    const frame = await sessionPanel(page, seeded);
    await frame.locator('article.prompt .answer').first().waitFor({ timeout: 20_000 });
    assert.ok((await frame.locator('article.prompt').count()) >= 2);
    await screenshot(page, 'panel-seeded-session');
  });

  it('restores the open panel after a window reload (state = session id; data fetched again)', async () => {
    const page = wb.page;
    await emulator.clearRequests();
    await reloadWorkbench(page);
    await allowIfAsked(page);
    const frame = await sessionPanel(page, created);
    await frame.locator('article.prompt .answer table').waitFor({ timeout: 20_000 });
    const gets = await graphCalls('GET', /\/sessions\/[^/]+$/);
    assert.ok(gets.length >= 1, 'the session was fetched again after the reload');
    await screenshot(page, 'panel-restored-after-reload');
  });

  it('the status bar item opens the account menu; Switch Account lists the accounts', async () => {
    const page = wb.page;
    await page.locator('.part.statusbar .statusbar-item', { hasText: 'analyst@contoso.test · default' }).click();
    await waitForQuickPickTitled(page, 'Security Copilot — workspace "default"');
    const menu = await quickItemLabels(page);
    assert.deepEqual(menu.slice(0, 4), ['Switch Account', 'Select Workspace', 'Switch Tenant', 'Configure Sign-in']);
    await screenshot(page, 'status-bar-menu');
    await pickQuickItem(page, 'Switch Account');
    await waitForQuickPickTitled(page, 'Security Copilot: Switch Account');
    const accounts = await quickItemLabels(page);
    assert.ok(accounts.includes('analyst@contoso.test'), accounts.join(' | '));
    assert.ok(accounts.includes('Use another account…'));
    assert.equal(await quickItems(page).filter({ hasText: 'analyst@contoso.test' }).locator('.label-description').innerText(), 'current');
    await closeQuickInput(page);
  });

  it('renames the session from the tree context menu; tree and panel title follow', async () => {
    const page = wb.page;
    const renamed = `${created} (renamed)`;
    await contextMenu(page, sessionTreeRow(page, created), 'Rename Session');
    await waitForQuickInput(page);
    await quickInputType(page, renamed);
    await quickInputAccept(page);
    await sessionTreeRow(page, renamed).waitFor({ timeout: 15_000 });
    const frame = await sessionPanel(page, renamed);
    assert.equal((await frame.locator('#session-title').innerText()).trim(), renamed);
    const patches = await graphCalls('PATCH', /\/sessions\/[^/]+$/);
    assert.equal(patches.length, 1);
    assert.deepEqual(patches[0].body, { '@odata.type': '#microsoft.graph.security.securityCopilot.session', displayName: renamed });
    // The renamed session keeps working.
    await askInPanel(frame, 'Anything else about 203.0.113.7?');
  });
});
