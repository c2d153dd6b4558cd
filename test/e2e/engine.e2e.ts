// What the engine promises, seen through the real UI: a double click on Re-run is one billed run, a lost
// response is found (not re-sent), a closed panel still gets its answer (and says so), the tree shows a prompt
// sent from the panel at once, cancel is offered and a refusal explained, failing reads of a running evaluation
// are explained on the prompt.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import {
  type Workbench,
  clickNotificationButton,
  emulator,
  openWorkbench,
  runCommand,
  screenshot,
  securityCopilotView,
  sessionTreeRow,
  waitForNotification,
} from './harness';
import { askInPanel, createSessionFromPalette, graphCalls, sessionPanel, signInFromWelcomeView } from './flows';

const EVALUATION_POSTS = /\/prompts\/[^/]+\/evaluations$/;
const PROMPT_POSTS = /\/sessions\/[^/]+\/prompts$/;

async function send(frame: FrameLocator, question: string): Promise<void> {
  const input = frame.locator('#prompt-input');
  await input.fill(question);
  await input.press('Control+Enter');
  await frame.locator('article.prompt', { hasText: question }).waitFor({ timeout: 20_000 });
}

async function closeActiveEditor(page: Page): Promise<void> {
  await runCommand(page, 'View: Close Editor');
}

describe('Engine: exactly once and followed to the answer, in the real workbench', function () {
  this.timeout(150_000);
  let wb: Workbench;
  const name = `E2E engine ${Date.now() % 100000}`;

  before(async () => {
    await emulator.clearFaults();
    await emulator.configure({ cancel: 'both' });
    wb = await openWorkbench();
    await signInFromWelcomeView(wb.page);
    await createSessionFromPalette(wb.page, name);
  });
  after(async () => {
    await emulator.configure({ cancel: 'both' });
    await wb?.close();
  });

  it('a double click on Re-run starts one evaluation', async () => {
    const page = wb.page;
    const frame = await sessionPanel(page, name);
    await askInPanel(frame, 'Double click target');
    await emulator.clearRequests();
    // Slow the POST down so both clicks land while the first is in flight.
    await emulator.fault({ kind: 'delay', delayMs: 800, method: 'POST', path: '/evaluations' });
    const article = frame.locator('article.prompt', { hasText: 'Double click target' });
    await article.locator('.evaluation.latest button', { hasText: 'Re-run' }).dblclick();
    await article.locator('.evaluation.latest').filter({ has: frame.locator('.state[data-state="completed"]') }).waitFor({ timeout: 30_000 });
    await article.locator('details.previous-answers summary', { hasText: 'Previous answers (1)' }).waitFor({ timeout: 30_000 });
    assert.equal((await graphCalls('POST', EVALUATION_POSTS)).length, 1, 'one POST for a double click');
  });

  it('the tree shows a prompt sent from the panel at once, with a running state', async () => {
    const page = wb.page;
    await emulator.answer({ match: 'tree while running', content: 'done', runningMs: 4000, once: true });
    const row = sessionTreeRow(page, name);
    // Expand the session so its prompts show (twisties toggle on click of the row's twistie).
    await row.locator('.monaco-tl-twistie').click();
    const frame = await sessionPanel(page, name);
    await send(frame, 'Shown in the tree while running');
    const promptRow = securityCopilotView(page).locator('.monaco-list-row', { hasText: 'Shown in the tree while running' });
    await promptRow.waitFor({ timeout: 10_000 });
    await promptRow.locator('.codicon-loading').waitFor({ timeout: 10_000 });
    await screenshot(page, 'tree-prompt-running');
    await promptRow.locator('.codicon-loading').waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('a lost prompt response (dropped after Graph created it) is found, not sent twice', async () => {
    const page = wb.page;
    const frame = await sessionPanel(page, name);
    await emulator.clearRequests();
    await emulator.fault({ kind: 'drop', afterProcessing: true, method: 'POST', path: '/prompts' });
    await send(frame, 'Lost on the way back');
    const article = frame.locator('article.prompt', { hasText: 'Lost on the way back' });
    await article.locator('.evaluation.latest .state[data-state="completed"]').waitFor({ timeout: 30_000 });
    assert.equal((await graphCalls('POST', PROMPT_POSTS)).length, 1);
    assert.equal((await graphCalls('POST', EVALUATION_POSTS)).length, 1);
    assert.equal(await frame.locator('.send-error:not([hidden])').count(), 0);
  });

  it('Retry after a 503 that Graph processed finds the evaluation instead of starting another', async () => {
    const page = wb.page;
    const frame = await sessionPanel(page, name);
    await emulator.clearRequests();
    await emulator.fault({ kind: 'status', status: 503, afterProcessing: true, method: 'POST', path: '/evaluations' });
    await send(frame, 'Evaluation answer lost');
    const article = frame.locator('article.prompt', { hasText: 'Evaluation answer lost' });
    await article.locator('.evaluation.latest .state[data-state="completed"]').waitFor({ timeout: 30_000 });
    assert.equal((await graphCalls('POST', EVALUATION_POSTS)).length, 1, 'the re-read found it: no second POST');
  });

  it('a prompt whose answers cannot be listed says so with Retry, never "Not evaluated yet"', async () => {
    const page = wb.page;
    const frame = await sessionPanel(page, name);
    await emulator.fault({ kind: 'status', status: 500, method: 'GET', path: '/evaluations', count: 20 });
    await frame.locator('button', { hasText: 'Refresh' }).first().click();
    // Answers shown before the Refresh stay, with the failure; a prompt never read says it could not be loaded.
    const error = frame.locator('article.prompt .prompt-error', { hasText: /Could not (load|refresh) the answers/ }).first();
    try {
      await error.waitFor({ timeout: 20_000 });
    } catch (e) {
      await emulator.clearFaults();
      throw e;
    }
    assert.equal(await frame.locator('article.prompt', { hasText: 'Not evaluated yet' }).count(), 0);
    await screenshot(page, 'panel-answers-unreadable');
    await emulator.clearFaults();
    await emulator.clearRequests();
    await error.locator('button', { hasText: 'Retry' }).click();
    await frame.locator('article.prompt .prompt-error').first().waitFor({ state: 'detached', timeout: 20_000 }).catch(() => undefined);
    await frame.locator('article.prompt', { hasText: 'Lost on the way back' }).locator('.answer').waitFor({ timeout: 20_000 });
    assert.equal((await graphCalls('POST', EVALUATION_POSTS)).length, 0, 'Retry reads; it does not run anything');
    // The rest come back with Refresh.
    await frame.locator('button', { hasText: 'Refresh' }).first().click();
    await frame.locator('article.prompt .prompt-error').first().waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('closing the panel while an answer is prepared: the answer arrives, a notification offers Open', async () => {
    const page = wb.page;
    // Long enough that the panel is surely closed (through the palette) before the answer is ready.
    await emulator.answer({ match: 'closed panel', content: 'Answer while you were away', runningMs: 9000, once: true });
    const frame = await sessionPanel(page, name);
    await send(frame, 'Ask, then closed panel');
    await frame.locator('article.prompt', { hasText: 'closed panel' }).locator('.state[data-state="running"], .state[data-state="created"]').first().waitFor();
    await closeActiveEditor(page);
    await waitForNotification(page, /Security Copilot answered "Ask, then closed panel"/, 30_000);
    await screenshot(page, 'answer-ready-notification');
    await clickNotificationButton(page, /Security Copilot answered/, 'Open');
    const reopened = await sessionPanel(page, name);
    await reopened.locator('article.prompt', { hasText: 'closed panel' }).locator('.answer', { hasText: 'Answer while you were away' }).waitFor({ timeout: 20_000 });
  });

  it('Cancel asks the service to cancel; a refusal is explained and Stop following is offered', async () => {
    const page = wb.page;
    const frame = await sessionPanel(page, name);
    await emulator.answer({ match: 'cancel this', content: 'never', runningMs: 20_000, once: true });
    await send(frame, 'Please cancel this one');
    const article = frame.locator('article.prompt', { hasText: 'cancel this one' });
    await article.locator('button', { hasText: 'Cancel' }).click();
    await article.locator('.evaluation.latest .state[data-state="cancelled"]').waitFor({ timeout: 20_000 });
    const patches = (await emulator.requests()).filter((r) => r.method === 'PATCH' && /\/evaluations\//.test(r.path));
    assert.equal(patches.length, 1);

    await emulator.configure({ cancel: 'refuse', cancelRefuseStatus: 405 });
    await emulator.answer({ match: 'refused cancel', content: 'finished anyway', runningMs: 6000, once: true });
    await send(frame, 'A refused cancel here');
    const second = frame.locator('article.prompt', { hasText: 'refused cancel' });
    await second.locator('button', { hasText: 'Cancel' }).click();
    await waitForNotification(page, /does not support cancelling/, 15_000);
    await screenshot(page, 'cancel-refused');
    await clickNotificationButton(page, /does not support cancelling/, 'Stop Following');
    await second.locator('.note', { hasText: 'Stopped following' }).waitFor({ timeout: 10_000 });
  });

  it('reads of a running evaluation that keep failing say so on the prompt; the answer follows once they recover', async () => {
    const page = wb.page;
    const frame = await sessionPanel(page, name);
    await emulator.answer({ match: 'outage while running', content: 'Answered after the outage', runningMs: 1000, once: true });
    await emulator.fault({ kind: 'status', status: 504, count: 1000, method: 'GET', path: '/evaluations/' });
    const article = frame.locator('article.prompt', { hasText: 'outage while running' });
    try {
      await send(frame, 'Read during an outage while running');
      await article.locator('.run-note', { hasText: /Could not read the evaluation \(Graph returned HTTP 504/ }).waitFor({ timeout: 30_000 });
    } catch (e) {
      await emulator.clearFaults().catch(() => undefined); // the failure above is the one to report
      throw e;
    }
    await screenshot(page, 'panel-poll-failing-note');
    await emulator.clearFaults();
    await article.locator('.answer', { hasText: 'Answered after the outage' }).waitFor({ timeout: 30_000 });
    assert.equal(await article.locator('.run-note').count(), 0, 'the note is gone with the answer');
  });
});
