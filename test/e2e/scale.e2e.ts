// The panel at scale and across themes, in the real workbench: a 200-prompt session opens and scrolls to its
// last answer, a state change re-renders one prompt only, and the panel follows light, dark and high-contrast
// themes (the webview gets the workbench's theme colours).
import * as assert from 'node:assert/strict';
import { type Workbench, emulator, openWorkbench, pickQuickItem, quickInputType, runCommand, screenshot } from './harness';
import { askInPanel, openSessionFromPalette, sessionPanel, signInFromWelcomeView } from './flows';

async function createBigSession(name: string, prompts: number): Promise<void> {
  const base = `${emulator.url}/beta/security/securityCopilot/workspaces/default/sessions`;
  const post = async (url: string, body: unknown) => {
    const res = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer setup', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 201);
    return (await res.json()) as { id: string };
  };
  const session = await post(base, { displayName: name });
  for (let i = 1; i <= prompts; i++) {
    const p = await post(`${base}/${session.id}/prompts`, { type: 'prompt', content: `Question ${i}: what happened on host WS-${i}?` });
    await post(`${base}/${session.id}/prompts/${p.id}/evaluations`, {});
  }
}

describe('Panel at scale and in every theme', function () {
  this.timeout(180_000);
  let wb: Workbench;
  const big = `E2E big session ${Date.now() % 100000}`;

  before(async () => {
    await emulator.clearFaults();
    await emulator.configure({ evaluation: { createdMs: 0, runningMs: 0 } });
    await createBigSession(big, 200);
    wb = await openWorkbench();
    await signInFromWelcomeView(wb.page);
  });
  after(async () => {
    await emulator.configure({ evaluation: { createdMs: 200, runningMs: 800 } });
    await wb?.close();
  });

  it('opens a 200-prompt session and scrolls to the last answer', async () => {
    const page = wb.page;
    const frame = await openSessionFromPalette(page, big);
    await frame.locator('article.prompt').nth(199).waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(await frame.locator('article.prompt').count(), 200);
    const last = frame.locator('article.prompt').nth(199);
    await last.locator('.answer').waitFor({ state: 'attached', timeout: 60_000 });
    await last.scrollIntoViewIfNeeded();
    await last.locator('.question-text', { hasText: 'Question 200:' }).waitFor();
    await screenshot(page, 'panel-200-prompts-scrolled');
  });

  it('re-renders only the prompt whose state changed', async () => {
    const page = wb.page;
    const frame = await sessionPanel(page, big);
    // Tag two existing articles; after a new prompt runs to completion they must be the same DOM nodes.
    await frame.locator('article.prompt').nth(0).evaluate((e) => ((e as HTMLElement).dataset.marker = 'first'));
    await frame.locator('article.prompt').nth(199).evaluate((e) => ((e as HTMLElement).dataset.marker = 'last'));
    await emulator.configure({ evaluation: { createdMs: 200, runningMs: 1000 } });
    await askInPanel(frame, 'One more question about WS-7');
    assert.equal(await frame.locator('article.prompt[data-marker="first"]').count(), 1);
    assert.equal(await frame.locator('article.prompt[data-marker="last"]').count(), 1);
    assert.equal(await frame.locator('article.prompt').count(), 201);
  });

  // Each theme's editor background (VS Code's theme files): the tests wait until the workbench and the panel
  // show it. The workbench applies a picked theme asynchronously and the panel gets it by message after that;
  // reading both at once after the pick raced with it (a CI run read the editor before, the panel after).
  const EDITOR_BACKGROUND: Record<string, string> = {
    'Dark Modern': 'rgb(31, 31, 31)',
    'Dark High Contrast': 'rgb(0, 0, 0)',
    'Light Modern': 'rgb(255, 255, 255)',
  };
  for (const [theme, expected] of Object.entries(EDITOR_BACKGROUND)) {
    it(`follows the "${theme}" theme`, async () => {
      const page = wb.page;
      await runCommand(page, 'Preferences: Color Theme');
      await quickInputType(page, theme);
      await pickQuickItem(page, theme);
      const frame = await sessionPanel(page, big);
      // Waits that end in the assertions below either way (a timeout is reported with the colours seen).
      await page
        .waitForFunction((bg) => {
          const editor = document.querySelector('.part.editor > .content');
          return !!editor && getComputedStyle(editor).backgroundColor === bg;
        }, expected, { timeout: 15_000 })
        .catch(() => undefined);
      const panelFrame = await (await frame.locator('body').elementHandle())?.ownerFrame();
      await panelFrame?.waitForFunction((bg) => getComputedStyle(document.body).backgroundColor === bg, expected, { timeout: 15_000 }).catch(() => undefined);
      const editorBackground = await page.locator('.part.editor > .content').evaluate((e) => getComputedStyle(e).backgroundColor);
      const colours = await frame.locator('body').evaluate((b) => {
        const s = getComputedStyle(b);
        const input = getComputedStyle(document.getElementById('prompt-input') as HTMLElement);
        return { background: s.backgroundColor, foreground: s.color, inputBorder: input.borderTopColor };
      });
      assert.notEqual(colours.background, colours.foreground);
      assert.equal(editorBackground, expected, `the workbench's editor background in ${theme}`);
      // The panel's background is the workbench's editor background: it follows the theme.
      assert.equal(colours.background, editorBackground, `panel ${colours.background} vs editor ${editorBackground}`);
      await screenshot(page, `theme-${theme.toLowerCase().replace(/\s+/g, '-')}`);
    });
  }
});
