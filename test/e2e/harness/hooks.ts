// Mocha root hooks of the browser run (scripts/host/runE2E.js passes them as `rootHooks`): a screenshot of every
// open workbench when a test fails, and the shared browser closed at the end.
// Root afterEach hooks run after the suites' own afterEach hooks: close workbenches in `after`, not `afterEach`,
// or the failure screenshot has nothing left to capture.
import type * as Mocha from 'mocha';
import { closeBrowser, livePages, screenshot } from './browser';

export const mochaHooks = {
  async afterEach(this: Mocha.Context): Promise<void> {
    const test = this.currentTest;
    if (!test || test.state !== 'failed') return;
    const pages = livePages();
    for (const [i, page] of pages.entries()) {
      try {
        const file = await screenshot(page, `FAILED ${test.fullTitle()}${pages.length > 1 ? ` ${i + 1}` : ''}`);
        console.log(`      screenshot: ${file}`);
      } catch (e) {
        console.log(`      (no screenshot: ${e instanceof Error ? e.message : String(e)})`);
      }
    }
  },
  async afterAll(): Promise<void> {
    await closeBrowser();
  },
};
