// A 1,000-prompt session in the real panel: it opens at the newest prompt, scrolls up through every prompt to
// the first, keeps only a few screens of prompts in the DOM, and a prompt far from the newest still works
// (re-run) without losing keyboard focus while it re-renders.
import * as assert from 'node:assert/strict';
import { type FrameLocator, type Page } from 'playwright-core';
import { type Workbench, emulator, openWorkbench, runCommand, screenshot } from './harness';
import { openSessionFromPalette, signInFromWelcomeView } from './flows';

const PROMPTS = 1000;
/**
 * Elements the panel document may hold with 1,000 prompts. The panel renders at most 60 prompts at once (plus
 * the one holding focus; src/webview/promptList.ts); an emulator answer (heading, table, list, code block with
 * its toolbar) makes a prompt about 53 elements, so 61 × 53 + the panel's own ~60 ≈ 3,300. Everything rendered
 * would be about 53,000.
 */
const MAX_ELEMENTS = 5_000;

/** Positions (aria-posinset) of the prompts on screen between the sticky header and the prompt box. */
async function promptsInView(frame: FrameLocator): Promise<number[]> {
  return frame.locator('body').evaluate(() => {
    const top = document.querySelector('.session-header')?.getBoundingClientRect().bottom ?? 0;
    const bottom = document.querySelector('.composer')?.getBoundingClientRect().top ?? window.innerHeight;
    return Array.from(document.querySelectorAll<HTMLElement>('article.prompt'))
      .filter((a) => {
        const r = a.getBoundingClientRect();
        return r.bottom > top && r.top < bottom;
      })
      .map((a) => Number(a.getAttribute('aria-posinset')));
  });
}

const elements = (frame: FrameLocator) => frame.locator('body').evaluate(() => document.getElementsByTagName('*').length);

const twoFrames = (frame: FrameLocator) => frame.locator('body').evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/**
 * Scrolls up with the mouse wheel over the (sticky) header, as a user's would, until prompt 1 is at the top:
 * every step shows prompts and none moves down. Returns the steps taken and the most elements seen on the way.
 */
async function wheelUpToFirst(page: Page, frame: FrameLocator): Promise<{ steps: number; maxElements: number }> {
  await frame.locator('.session-meta').hover();
  let previousTop = PROMPTS + 1;
  let steps = 0;
  let maxElements = 0;
  for (;;) {
    const inView = await promptsInView(frame);
    assert.ok(inView.length > 0, `prompts are on screen after ${steps} wheel steps`);
    const top = Math.min(...inView);
    assert.ok(top <= previousTop, `scrolling up never moves down (prompt ${top} after ${previousTop})`);
    previousTop = top;
    maxElements = Math.max(maxElements, await elements(frame));
    if (top === 1 && (await frame.locator('body').evaluate(() => window.scrollY)) === 0) return { steps, maxElements };
    assert.ok(++steps < 400, `prompt 1 reached within 400 wheel steps (at prompt ${top})`);
    await page.mouse.wheel(0, -4_000);
    await twoFrames(frame);
  }
}

describe('Panel with 1,000 prompts', function () {
  this.timeout(300_000);
  let wb: Workbench;
  const name = `E2E 1000 prompts ${Date.now() % 100000}`;
  let frame: FrameLocator;

  before(async () => {
    await emulator.clearFaults();
    await emulator.seed({ sessions: 1, promptsPerSession: PROMPTS, displayName: name });
    wb = await openWorkbench();
    await signInFromWelcomeView(wb.page);
  });
  after(async () => {
    await emulator.configure({ evaluation: { createdMs: 200, runningMs: 800 } });
    await wb?.close();
  });

  it('opens at the newest prompt with its answer, a few screens of prompts in the DOM', async () => {
    const page = wb.page;
    frame = await openSessionFromPalette(page, name);
    const newest = frame.locator(`article.prompt[aria-posinset="${PROMPTS}"]`);
    await newest.locator('.evaluation.latest .answer').waitFor({ timeout: 120_000 });
    assert.equal(await newest.getAttribute('aria-setsize'), String(PROMPTS));
    assert.match(await newest.locator('.question-text').innerText(), new RegExp(`follow-up ${PROMPTS}\\)`));
    // The newest prompt is on screen, and it is the last thing before the prompt box.
    await twoFrames(frame);
    const inView = await promptsInView(frame);
    assert.ok(inView.includes(PROMPTS), `the newest prompt is in view (in view: ${inView.join(', ')})`);
    const rendered = await frame.locator('article.prompt').count();
    const count = await elements(frame);
    console.log(`      ${rendered} of ${PROMPTS} prompts rendered, ${count} elements`);
    assert.ok(count <= MAX_ELEMENTS, `${count} elements in the panel (at most ${MAX_ELEMENTS})`);
    await screenshot(page, 'panel-1000-prompts-newest');
  });

  it('scrolls up through every prompt to the first, never showing an empty screen', async () => {
    const page = wb.page;
    const { steps, maxElements } = await wheelUpToFirst(page, frame);
    const first = frame.locator('article.prompt[aria-posinset="1"]');
    await first.locator('.evaluation.latest .answer').waitFor({ timeout: 60_000 });
    assert.doesNotMatch(await first.locator('.question-text').innerText(), /follow-up/);
    console.log(`      ${steps} wheel steps to prompt 1; at most ${maxElements} elements on the way`);
    assert.ok(maxElements <= MAX_ELEMENTS, `${maxElements} elements while scrolling (at most ${MAX_ELEMENTS})`);
    await screenshot(page, 'panel-1000-prompts-first');
  });

  it('re-runs prompt 1 from the top; the prompt re-renders with keyboard focus kept and the view stays on it', async () => {
    await emulator.configure({ evaluation: { createdMs: 300, runningMs: 1500 } });
    const first = frame.locator('article.prompt[aria-posinset="1"]');
    const rerun = first.locator('.evaluation.latest button', { hasText: 'Re-run' });
    await rerun.focus();
    await rerun.press('Enter');
    await first.locator('.evaluation.latest .state[data-state="running"], .evaluation.latest .state[data-state="created"]').first().waitFor({ timeout: 20_000 });
    await first.locator('details.previous-answers summary', { hasText: 'Previous answers (1)' }).waitFor({ timeout: 30_000 });
    await first.locator('.evaluation.latest .state[data-state="completed"]').waitFor({ timeout: 30_000 });
    // Focus stayed in the prompt through every re-render (starting, running, completed) and is back on Re-run,
    // now the new answer's.
    const focused = await frame.locator('body').evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return { text: a?.textContent ?? a?.tagName ?? null, prompt: a?.closest('article')?.getAttribute('aria-posinset') ?? null, latest: !!a?.closest('.evaluation.latest') };
    });
    assert.deepEqual(focused, { text: 'Re-run', prompt: '1', latest: true });
    assert.ok((await promptsInView(frame)).includes(1), 'the view stayed on prompt 1');
    await screenshot(wb.page, 'panel-1000-prompts-rerun-first');
  });

  it('opened again (every answer already read), it opens at the newest prompt and scrolls up to the first', async () => {
    // The window keeps the session with its answers: the panel's first render has all of them, and the prompts'
    // measured heights are large from the start (a jump up into unrendered prompts once landed on an empty
    // screen in that case).
    const page = wb.page;
    await runCommand(page, 'View: Close Editor');
    await frame.locator('#session-title').waitFor({ state: 'detached', timeout: 20_000 });
    const before = (await emulator.requests()).length;
    frame = await openSessionFromPalette(page, name);
    const newest = frame.locator(`article.prompt[aria-posinset="${PROMPTS}"]`);
    await newest.locator('.evaluation.latest .answer').waitFor({ timeout: 60_000 });
    await twoFrames(frame);
    assert.ok((await promptsInView(frame)).includes(PROMPTS), 'the newest prompt is in view');
    const { steps, maxElements } = await wheelUpToFirst(page, frame);
    // Its answer came after the first screen's (the panel posts the older prompts' answers in later messages).
    await frame.locator('article.prompt[aria-posinset="1"] .evaluation.latest .answer').waitFor({ timeout: 10_000 });
    console.log(`      reopened: ${steps} wheel steps to prompt 1; at most ${maxElements} elements; ${(await emulator.requests()).length - before} Graph requests`);
    assert.ok(maxElements <= MAX_ELEMENTS, `${maxElements} elements while scrolling (at most ${MAX_ELEMENTS})`);
  });
});
