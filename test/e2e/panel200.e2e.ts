// A 200-prompt session (below the windowing limit: every prompt is in the DOM) opened over a network with
// latency: the answers arrive in batches after the prompts, each one growing its prompt, and the prompts near the
// bottom swap their size estimate for their real height as they come into view. The panel must end at the newest
// prompt, not above it.
import * as assert from 'node:assert/strict';
import { type Workbench, emulator, openWorkbench, screenshot } from './harness';
import { openSessionFromPalette, signInFromWelcomeView } from './flows';

const PROMPTS = 200;

describe('Panel with 200 prompts over a slow network', function () {
  this.timeout(180_000);
  let wb: Workbench;
  const name = `E2E 200 prompts ${Date.now() % 100000}`;

  before(async () => {
    await emulator.clearFaults();
    await emulator.seed({ sessions: 1, promptsPerSession: PROMPTS, displayName: name });
    wb = await openWorkbench();
    await signInFromWelcomeView(wb.page);
    await emulator.configure({ latencyMs: 50 });
  });
  after(async () => {
    await emulator.configure({ latencyMs: 0 });
    await wb?.close();
  });

  it('opens at the newest prompt and is still there when every answer has arrived', async () => {
    const page = wb.page;
    const frame = await openSessionFromPalette(page, name);
    await frame.locator('article.prompt .evaluation.latest .answer').nth(PROMPTS - 1).waitFor({ state: 'attached', timeout: 120_000 });
    // Two frames for what the last answer set off.
    await frame.locator('body').evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const view = await frame.locator('body').evaluate(() => {
      const bottom = document.querySelector('.composer')?.getBoundingClientRect().top ?? window.innerHeight;
      const last = document.querySelector(`article.prompt[aria-posinset="${document.querySelectorAll('article.prompt').length}"]`);
      const r = last?.getBoundingClientRect();
      return { lastTop: r?.top ?? Number.NaN, bottom };
    });
    assert.ok(view.lastTop < view.bottom, `the newest prompt is in view (its top at ${view.lastTop}, the prompt box at ${view.bottom})`);
    await screenshot(page, 'panel-200-prompts-newest');
  });
});
