// A promptbook in the real workbench: the example file opens as a notebook, Run All asks for its inputs in input
// boxes and for a confirmation, and every answer shows as the cell's output.
import * as assert from 'node:assert/strict';
import {
  type Workbench,
  clickDialogButton,
  emulator,
  openWorkbench,
  pickQuickItem,
  quickInput,
  quickInputAccept,
  quickInputType,
  runCommand,
  screenshot,
  waitForDialog,
} from './harness';
import { graphCalls, signInFromWelcomeView } from './flows';

async function answerInputBox(wb: Workbench, title: RegExp, value: string): Promise<void> {
  await quickInput(wb.page).locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 15_000 });
  await quickInputType(wb.page, value);
  await quickInputAccept(wb.page);
}

describe('Promptbooks in the workbench', function () {
  this.timeout(180_000);
  let wb: Workbench;

  before(async () => {
    await emulator.clearFaults();
    await emulator.configure({ evaluation: { createdMs: 150, runningMs: 600 } });
    wb = await openWorkbench({ viewport: { width: 1400, height: 1000 } });
    await signInFromWelcomeView(wb.page);
  });
  after(async () => {
    await wb?.close();
  });

  it('the example promptbook renders as a notebook; Run All asks the inputs, confirms, and shows every answer', async () => {
    const page = wb.page;
    await page.keyboard.press('Control+P');
    await quickInputType(page, 'suspicious-sign-in.promptbook.md');
    await pickQuickItem(page, 'suspicious-sign-in.promptbook.md');
    const notebook = page.locator('.notebookOverlay:visible').first();
    await notebook.waitFor({ state: 'visible', timeout: 90_000 });
    // Prompt cells are editors in the prompt language, with their text; the notes render as Markdown.
    const promptCell = notebook.locator('.cell-editor-container .view-lines:visible', { hasText: 'Summarize' }).first();
    await promptCell.waitFor({ state: 'visible', timeout: 90_000 });
    assert.equal(await notebook.locator('.cell-editor-container .view-lines:visible', { hasText: '{{ip}}' }).count() >= 2, true);

    await emulator.clearRequests();
    await runCommand(page, 'Notebook: Run All');
    await answerInputBox(wb, /^upn — User principal name of the account/, 'j.doe@contoso.com');
    await answerInputBox(wb, /^ip — The IP address the sign-in came from/, '198.51.100.7');
    const message = await waitForDialog(page);
    assert.match(message, /Run 4 prompts of "Suspicious sign-in" in a new session\?/);
    await screenshot(page, 'promptbook-confirm');
    await clickDialogButton(page, 'Run');

    // The four prompts go out one after the other; the toolbar shows Run All again when the run is over.
    const deadline = Date.now() + 120_000;
    while ((await graphCalls('POST', /\/evaluations$/)).length < 4) {
      if (Date.now() > deadline) throw new Error('the run did not start 4 evaluations');
      await page.waitForTimeout(250);
    }
    const toolbar = page.locator('.notebookOverlay .notebook-toolbar-container');
    await toolbar.getByText('Run All', { exact: true }).waitFor({ state: 'visible', timeout: 60_000 });
    // The answers are rendered as Markdown in the notebook's output webview (a nested frame), under their cells.
    const answerDeadline = Date.now() + 60_000;
    for (;;) {
      let shown = 0;
      for (const frame of page.frames()) shown += await frame.getByText('Sign-in activity analysis').count().catch(() => 0);
      if (shown > 0) break;
      if (Date.now() > answerDeadline) throw new Error('no rendered answer in the notebook outputs');
      await page.waitForTimeout(250);
    }
    await notebook.locator('.codicon-notebook-state-success').first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await notebook.locator('.codicon-notebook-state-error').count(), 0);

    const sessions = await graphCalls('POST', /\/sessions$/);
    assert.equal(sessions.length, 1);
    assert.match((sessions[0].body as { displayName: string }).displayName, /^Suspicious sign-in – /);
    const bodies = (await graphCalls('POST', /\/prompts$/)).map((r) => (r.body as { content: string }).content);
    assert.equal(bodies[0], 'Summarize the sign-in activity of j.doe@contoso.com in the last 24 hours, highlighting sign-ins from 198.51.100.7.');
    assert.ok(bodies.every((b) => !b.includes('{{')));

    // The run's session shows in the status bar while the promptbook is the active editor.
    await page.locator('.part.statusbar .statusbar-item', { hasText: /Session [0-9a-f]{8}/ }).first().waitFor({ timeout: 15_000 });
    await notebook.locator('.cell-editor-container .view-lines:visible', { hasText: 'Summarize' }).first().scrollIntoViewIfNeeded();
    await screenshot(page, 'promptbook-run');
  });
});
