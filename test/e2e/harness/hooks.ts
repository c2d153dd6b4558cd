// Mocha root hooks of the browser run (scripts/host/runE2E.js passes them as `rootHooks`): when a test fails (a
// hook: through the runner), a screenshot of every open workbench, the tail of the extension's log and the last
// Graph requests the emulator saw (printed, so a failure that happens once in CI can be read from its output);
// the shared browser closed at the end.
// Root afterEach hooks run after the suites' own afterEach hooks: close workbenches in `after`, not `afterEach`,
// or the failure screenshot has nothing left to capture.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Mocha from 'mocha';
import { emulator } from '../../support/emulatorControl';
import { closeBrowser, holdWorkbenchesOpenUntil, livePages, screenshot } from './browser';

const LOG_LINES = 40;
const REQUESTS = 25;

/** The newest "Security Copilot.log" of the run's extension hosts, if any. */
function newestProductLog(): string | undefined {
  const runDir = process.env.SC_E2E_RUN_DIR;
  if (!runDir) return undefined;
  const logsDir = path.join(runDir, 'udd', 'logs');
  let best: { file: string; mtime: number } | undefined;
  const visit = (dir: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory() && depth < 4) visit(full, depth + 1);
      else if (e.isFile() && e.name === 'Security Copilot.log') {
        const mtime = fs.statSync(full).mtimeMs;
        if (!best || mtime > best.mtime) best = { file: full, mtime };
      }
    }
  };
  visit(logsDir, 0);
  return best?.file;
}

async function printDiagnostics(): Promise<void> {
  const log = newestProductLog();
  if (log) {
    const lines = fs.readFileSync(log, 'utf8').trimEnd().split('\n').slice(-LOG_LINES);
    console.log(`      last ${lines.length} lines of ${path.relative(process.cwd(), log)}:`);
    for (const line of lines) console.log(`        ${line}`);
  } else {
    console.log('      (no extension log found)');
  }
  try {
    const recent = (await emulator.requests()).slice(-REQUESTS);
    console.log(`      last ${recent.length} Graph requests the emulator saw:`);
    for (const r of recent) {
      const extra = [r.fault ? `fault ${r.fault}` : '', r.batchId ? 'in $batch' : ''].filter(Boolean).join(', ');
      const at = r.startedMs !== undefined ? new Date(r.startedMs).toISOString().slice(11, 23) : r.time;
      console.log(`        ${at} ${r.method} ${r.path} -> ${r.status}${extra ? ` (${extra})` : ''}`);
    }
  } catch (e) {
    console.log(`      (no emulator requests: ${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * Screenshots of every open workbench, then the log tail and the Graph requests, for the failure `title`. The
 * workbenches stay open until the screenshots are taken (a failed hook's suite goes on to its `after`, which
 * closes them).
 */
export async function diagnoseFailure(title: string): Promise<void> {
  const pages = livePages();
  const shots = (async () => {
    for (const [i, page] of pages.entries()) {
      try {
        const file = await screenshot(page, `FAILED ${title}${pages.length > 1 ? ` ${i + 1}` : ''}`);
        console.log(`      screenshot: ${file}`);
      } catch (e) {
        console.log(`      (no screenshot: ${e instanceof Error ? e.message : String(e)})`);
      }
    }
  })();
  holdWorkbenchesOpenUntil(shots);
  await shots;
  await printDiagnostics();
}

export const mochaHooks = {
  // A failing before/after hook gets no afterEach: scripts/host/runE2E.js calls diagnoseFailure for it.
  async afterEach(this: Mocha.Context): Promise<void> {
    const test = this.currentTest;
    if (!test || test.state !== 'failed') return;
    await diagnoseFailure(test.fullTitle());
  },
  async afterAll(): Promise<void> {
    await closeBrowser();
  },
};
