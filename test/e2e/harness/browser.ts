// Browser side of the end-to-end harness: one headless Debian chromium per test process (playwright-core), a fresh
// browser context per workbench (so each test starts with empty browser storage: no sign-in, no UI state).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SC_CHROMIUM ?? '/usr/bin/chromium';
/** Flags measured to work headless, offline, as root and without a GPU. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];
const HOW_TO_RUN = 'run the browser tests with `npm run test:e2e` (node scripts/host/runE2E.js), which starts code-server and the emulator';

/** Workbench URL of the code-server under test (with ?folder=). */
export function codeServerUrl(): string {
  const url = process.env.SC_CODE_SERVER_URL;
  if (!url) throw new Error(`SC_CODE_SERVER_URL is not set: ${HOW_TO_RUN}`);
  return url;
}

/** Base URL of the Graph emulator the workbench's extension talks to. */
export { emulatorUrl } from '../../support/emulatorControl';

export function screenshotDir(): string {
  return process.env.SC_SCREENSHOT_DIR ?? path.resolve(__dirname, '..', '..', '..', '..', 'test-results', 'screenshots');
}

let sharedBrowser: Promise<Browser> | undefined;
const openPages = new Set<Page>();

/** Work that needs the open workbenches (a failed hook's screenshots): closing a workbench waits for it. */
const closeBlockers = new Set<Promise<unknown>>();

/** Closing any workbench waits until `work` is done (it is taken off when done, failed or not). */
export function holdWorkbenchesOpenUntil(work: Promise<unknown>): void {
  const held = work.catch(() => undefined).finally(() => closeBlockers.delete(held));
  closeBlockers.add(held);
}

/** The pages of the workbenches currently open (the failure hook screenshots them). */
export function livePages(): Page[] {
  return [...openPages].filter((p) => !p.isClosed());
}

/** Launches (once) the headless chromium. A missing browser is an error telling how to install it. */
export function launchBrowser(): Promise<Browser> {
  if (!sharedBrowser) {
    if (!fs.existsSync(CHROMIUM_PATH)) {
      throw new Error(`no browser at ${CHROMIUM_PATH}: run \`node scripts/host/provision.js\` (installs Debian's chromium) or set SC_CHROMIUM`);
    }
    sharedBrowser = chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    sharedBrowser.catch(() => (sharedBrowser = undefined));
  }
  return sharedBrowser;
}

export async function closeBrowser(): Promise<void> {
  const b = sharedBrowser;
  sharedBrowser = undefined;
  openPages.clear();
  if (b) await (await b).close().catch(() => undefined);
}

export interface Workbench {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Browser errors seen so far (uncaught page errors). */
  readonly errors: string[];
  close(): Promise<void>;
}

export interface OpenWorkbenchOptions {
  /** Default: $SC_CODE_SERVER_URL. */
  url?: string;
  viewport?: { width: number; height: number };
  /** Wait until the extension host is up (the stand-in sign-in's status bar item shows). Default true. */
  waitForExtensionHost?: boolean;
  timeoutMs?: number;
}

/** Waits for the workbench chrome, then (by default) for the extension host. */
export async function waitForWorkbench(page: Page, { waitForExtensionHost = true, timeoutMs = 60_000 } = {}): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
  await page.locator('.part.statusbar').waitFor({ timeout: timeoutMs });
  if (waitForExtensionHost) {
    try {
      await testSignInStatus(page).waitFor({ timeout: timeoutMs });
    } catch {
      throw new Error('the extension host did not come up: the stand-in sign-in\'s status bar item ("Test sign-in") never appeared. ' +
        'Is security-copilot-test.test-auth installed (scripts/host/vsix.js) and securityCopilotTestAuth.showStatus not false?');
    }
  }
}

/** The status bar item of the stand-in sign-in ("Test sign-in[: accounts]"). */
export function testSignInStatus(page: Page) {
  return page.locator('.part.statusbar .statusbar-item', { hasText: 'Test sign-in' }).first();
}

/** Opens the workbench of the code-server under test in a fresh browser context. */
export async function openWorkbench(options: OpenWorkbenchOptions = {}): Promise<Workbench> {
  const browser = await launchBrowser();
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1400, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  // SC_E2E_TRACE=1 records a Playwright trace of every window (actions, console; =full adds DOM snapshots and
  // screenshots, which slows the run) into test-results/screenshots/trace-*.zip.
  const trace = process.env.SC_E2E_TRACE;
  if (trace) await context.tracing.start({ screenshots: trace === 'full', snapshots: trace === 'full' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  openPages.add(page);
  const close = async () => {
    await Promise.all([...closeBlockers]);
    openPages.delete(page);
    if (trace) await context.tracing.stop({ path: path.join(screenshotDir(), `trace-${Date.now()}.zip`) }).catch(() => undefined);
    await context.close().catch(() => undefined);
  };
  try {
    await page.goto(options.url ?? codeServerUrl());
    await waitForWorkbench(page, { waitForExtensionHost: options.waitForExtensionHost ?? true, timeoutMs: options.timeoutMs ?? 60_000 });
  } catch (e) {
    await screenshot(page, 'workbench-did-not-load').catch(() => undefined);
    await close();
    throw e;
  }
  return { context, page, errors, close };
}

/** Reloads the window (Developer: Reload Window would do the same) and waits for it again. */
export async function reloadWorkbench(page: Page, options: { waitForExtensionHost?: boolean } = {}): Promise<void> {
  await page.reload();
  await waitForWorkbench(page, options);
}

/** Saves a PNG of the page in test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = screenshotDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120)}.png`);
  await page.screenshot({ path: file });
  return file;
}
