// Browser figures of `npm run bench` (driven by scripts/bench.js, not a test suite): the real workbench in
// headless Chromium against the emulator. Everything is read from the DOM and the emulator's request log, never
// from the extension's internals. A small watcher is added to every frame before its scripts run
// (addInitScript): each animation frame it notes, with Date.now(), when the first session row shows in the
// tree, when the panel's first screen (the prompts in view, all with answers) and all its answers show, when each
// prompt's answer completes, and when the panel's DOM last changed.
import { type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { type RecordedRequest } from '../../emulator';
import {
  activityBarItem,
  emulator,
  launchBrowser,
  quickInputType,
  quickItem,
  runCommand,
  screenshot,
  waitForWorkbench,
  webviewFrame,
} from '../e2e/harness';

export interface Watch {
  firstRowAt: number;
  firstScreenAt: number;
  visibleIds: string[];
  allAt: number;
  articles: number;
  /** Prompts in the session (a long session has only those near the view rendered: `articles`). */
  prompts: number;
  answers: number;
  lastChangeAt: number;
  done: Record<string, number>;
  nodes: number;
  newestOnFirstScreen?: boolean;
  /** When the panel's script started (its `securityCopilot:panelStart` mark), 0 until seen. */
  panelAt: number;
  /**
   * The panel's other marks (Date.now() scale): `ready` sent, first `sessionLoaded` received, its `firstRender`
   * done, and each of the first `promptsUpdated` received.
   */
  marks?: Record<string, number[]>;
  /** The prompt ids each marked `promptsUpdated` carried. */
  updateIds?: string[][];
  /** Until the first screen: each change of which prompts were in view, and which of them had no answer yet. */
  trace?: string[];
}

/**
 * Runs in every frame before its own scripts (so it sees the panel's very first render). It looks whenever the
 * DOM changed (a MutationObserver on the document, which survives the webview writing its document) and on
 * every animation frame; `beat` shows it is alive.
 */
function watcher(): void {
  const w = window as unknown as { __scBench?: Watch & { beat: number }; __scBenchCheck?: () => void };
  if (w.__scBench) return;
  const st: Watch & { beat: number } = { firstRowAt: 0, firstScreenAt: 0, visibleIds: [], allAt: 0, articles: 0, prompts: 0, answers: 0, lastChangeAt: 0, done: {}, nodes: 0, beat: 0, panelAt: 0 };
  w.__scBench = st;
  const check = (): void => {
    const now = Date.now();
    st.beat = now;
    if (!st.firstRowAt) {
      // Rows of the Sessions view only (the Plugins view in the same container has rows too).
      const panes = Array.from(document.querySelectorAll('[id="workbench.view.extension.securityCopilot"] .pane'));
      const sessions = panes.find((p) => /^\s*Sessions/.test(p.querySelector('.pane-header')?.textContent ?? ''));
      const rows = sessions ? sessions.querySelectorAll('.pane-body .monaco-list-row') : [];
      for (const r of Array.from(rows)) {
        const t = r.textContent ?? '';
        if (t.trim() && (r as HTMLElement).offsetParent !== null && !/Loading|Sign in|Retry|Load more/i.test(t)) {
          st.firstRowAt = now;
          break;
        }
      }
    }
    if (!document.getElementById('session-title')) return;
    if (!st.panelAt) {
      const mark = performance.getEntriesByName('securityCopilot:panelStart')[0];
      if (mark) st.panelAt = performance.timeOrigin + mark.startTime;
    }
    const marks: Record<string, number[]> = {};
    const updates: string[][] = [];
    for (const m of performance.getEntriesByType('mark')) {
      if (!m.name.startsWith('securityCopilot:')) continue;
      (marks[m.name.slice('securityCopilot:'.length)] ??= []).push(Math.round(performance.timeOrigin + m.startTime));
      if (m.name === 'securityCopilot:promptsUpdated') updates.push(((m as PerformanceMark).detail as string[] | null) ?? []);
    }
    st.marks = marks;
    st.updateIds = updates;
    const articles = document.querySelectorAll<HTMLElement>('article.prompt');
    st.articles = articles.length;
    st.prompts = Number(articles[0]?.getAttribute('aria-setsize')) || articles.length;
    st.answers = document.querySelectorAll('article.prompt .evaluation.latest .answer').length;
    if (articles.length && !st.firstScreenAt) {
      // The first screen: every prompt in the viewport shows its answer (or its outcome).
      const visible = Array.from(articles).filter((a) => {
        const r = a.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight;
      });
      const tr = (st.trace ??= []);
      const missing = visible.filter((a) => !a.querySelector('.evaluation.latest .answer, .evaluation.latest .outcome'));
      const line = `vis ${visible.map((a) => a.getAttribute('aria-posinset')).join(',')} missing ${missing.map((a) => a.getAttribute('aria-posinset')).join(',')}`;
      if (tr.length < 40 && !tr.at(-1)?.endsWith(line)) tr.push(`${now} ${line}`);
      if (visible.length > 0 && visible.every((a) => a.querySelector('.evaluation.latest .answer, .evaluation.latest .outcome'))) {
        st.firstScreenAt = now;
        st.visibleIds = visible.map((a) => a.dataset.promptId ?? '');
        st.newestOnFirstScreen = visible.includes(articles[articles.length - 1]);
        (st as unknown as { diag: unknown }).diag = { scrollY: window.scrollY, scrollHeight: document.documentElement.scrollHeight, inner: window.innerHeight, visible: visible.map((a) => a.getAttribute('aria-posinset')), n: articles.length };
      }
    }
    if (articles.length && !st.allAt && st.answers === articles.length) st.allAt = now;
    if (articles.length <= 50) {
      for (const a of Array.from(articles)) {
        const q = a.querySelector('.question-text')?.textContent ?? '';
        if (!st.done[q] && a.querySelector('.evaluation.latest .state[data-state="completed"]') && a.querySelector('.evaluation.latest .answer')) st.done[q] = now;
      }
    }
  };
  let seen = false;
  const arm = (): void => {
    new MutationObserver(() => {
      if (document.getElementById('session-title')) seen = true;
      st.lastChangeAt = Date.now();
      check();
    }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  };
  // A webview writes its document after this ran, which can drop the observer: each poll re-arms it until it
  // has seen a change in the panel.
  w.__scBenchCheck = () => {
    if (!seen && document.getElementById('session-title')) arm();
    check();
  };
  arm();
  // The panel's own marks (its script starting, each message it handled) come through a PerformanceObserver,
  // which outlives the webview writing its document: the look right after each handled message does not wait for
  // the next poll from the bench (which on a busy machine came 0.2-0.9 s after the answers were on screen).
  try {
    new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => e.name.startsWith('securityCopilot:'))) w.__scBenchCheck?.();
    }).observe({ type: 'mark' });
  } catch {
    // No PerformanceObserver: the polls and the MutationObserver still look.
  }
  const tick = (): void => {
    requestAnimationFrame(tick);
    st.beat = Date.now();
    if (!st.firstRowAt) check();
  };
  requestAnimationFrame(tick);
}

export interface Bench {
  context: BrowserContext;
  page: Page;
  url: string;
  close(): Promise<void>;
}

export async function openBench(url: string): Promise<Bench> {
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(watcher);
  const page = await context.newPage();
  await page.goto(url, { timeout: 180_000, waitUntil: 'commit' });
  await waitForWorkbench(page, { timeoutMs: 180_000 });
  return { context, page, url, close: () => context.close() };
}

/** Closes all editors, shows the Explorer (so nothing of ours is restored) and reloads: a cold window. */
export async function coldReload(b: Bench): Promise<void> {
  await runCommand(b.page, 'View: Close All Editors');
  await runCommand(b.page, 'View: Show Explorer');
  await b.page.reload({ timeout: 180_000, waitUntil: 'commit' });
  await waitForWorkbench(b.page, { timeoutMs: 180_000 });
}

async function mainWatch(page: Page): Promise<Watch> {
  return page.evaluate(() => (window as unknown as { __scBench: Watch }).__scBench);
}

/**
 * The panel's watch. If the init script did not reach the webview's inner frame, the watcher is started now
 * (`late`: what it notes can then only be later than the truth, never earlier).
 */
async function frameWatch(frame: FrameLocator): Promise<Watch & { late?: number }> {
  const body = frame.locator('body');
  const w = await body.evaluate(() => {
    const win = window as unknown as { __scBench?: Watch; __scBenchCheck?: () => void };
    win.__scBenchCheck?.(); // a last look (in case no mutation came since)
    return win.__scBench;
  });
  if (w) return w;
  await body.evaluate(watcher);
  await body.evaluate((_b, at) => ((window as unknown as { __scBench: Watch & { late?: number } }).__scBench.late = at), Date.now());
  return body.evaluate(() => (window as unknown as { __scBench: Watch }).__scBench);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false | 0>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Signs in once from the welcome view (the test URL trusts the product for auth: no consent dialog). */
export async function signIn(b: Bench): Promise<void> {
  await activityBarItem(b.page).locator('.action-label').click();
  const view = b.page.locator('.part.sidebar [id="workbench.view.extension.securityCopilot"]');
  const button = view.getByRole('button', { name: 'Sign In' });
  // Either a session row shows (still signed in) or the welcome view's Sign In button does: click it once. (A
  // row of the Plugins view, in the same container, is neither: waiting for "any row" skipped the click.)
  let clicked = false;
  try {
    await until('a session row after sign-in', async () => {
      const at = (await mainWatch(b.page)).firstRowAt;
      if (at) return at;
      if (!clicked && (await button.isVisible())) {
        await button.click();
        clicked = true;
      }
      return 0;
    }, 120_000);
  } catch (e) {
    await screenshot(b.page, 'bench-sign-in-timeout').catch(() => undefined);
    throw e;
  }
}

/** Opening the view in a cold window until the first session row is visible (ms). */
export async function treeFirstRow(b: Bench): Promise<{ ms: number; restored: boolean }> {
  await coldReload(b);
  const item = activityBarItem(b.page).locator('.action-label');
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  // The workbench may restore the Security Copilot view although the Explorer was shown before the reload (its
  // layout is stored asynchronously); a click on its activity bar item would then close the sidebar. Show the
  // Explorer, and say that this open was not cold (the extension was activated by the restored view).
  const restored = await b.page.locator('.part.sidebar [id="workbench.view.extension.securityCopilot"]').isVisible();
  if (restored) await runCommand(b.page, 'View: Show Explorer');
  await b.page.evaluate(() => ((window as unknown as { __scBench: Watch }).__scBench.firstRowAt = 0));
  const t0 = Date.now();
  await item.click();
  try {
    const at = await until('the first session row', async () => {
      const w = await mainWatch(b.page);
      return w.firstRowAt > t0 ? w.firstRowAt : 0;
    }, 120_000);
    return { ms: at - t0, restored };
  } catch (e) {
    await screenshot(b.page, 'bench-tree-first-row-timeout').catch(() => undefined);
    throw e;
  }
}

/** Opens the session named `name` through the palette's Open Session picker; returns when the pick was clicked. */
export async function openByName(b: Bench, name: string): Promise<{ pickedAt: number; frame: FrameLocator }> {
  await runCommand(b.page, 'Security Copilot: Open Session');
  await b.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Open Session' }).waitFor({ timeout: 15_000 });
  await quickInputType(b.page, name);
  const row = quickItem(b.page, name);
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await emulator.clearRequests();
  const pickedAt = Date.now();
  await row.click();
  const frame = await webviewFrame(b.page, name, 30_000);
  return { pickedAt, frame };
}

export interface OpenResult {
  /** When the session was picked (Date.now()). */
  pickedAt: number;
  allMs: number;
  firstScreenMs: number;
  /** First screen after both its data and the panel's script were there (the panel can't show before it runs). */
  firstScreenAfterDataMs: number;
  /** Pick → the panel's script running: VS Code creating the webview and loading its document. */
  webviewMs: number;
  /** The panel's script running → every answer shown. */
  allAfterPanelMs: number;
  roundTrips: number;
  requests: RecordedRequest[];
  visibleIds: string[];
  newestOnFirstScreen: boolean;
  diag?: unknown;
  /** The panel's marks (see Watch.marks). */
  marks: Record<string, number[]>;
  /** The prompt ids of each marked promptsUpdated. */
  updateIds: string[][];
  trace?: string[];
  /** The watcher could only start after the panel existed: first-screen times are upper bounds. */
  watcherLate: boolean;
  articles: number;
  nodes: number;
  lastDataAt: number;
  settledAfterDataMs: number;
}

/** Ends of the round trips that carried each record (a batch part ends with its batch). */
function endOf(requests: RecordedRequest[]): (r: RecordedRequest) => number {
  const byId = new Map(requests.filter((r) => r.batchId === undefined).map((r) => [r.requestId, r]));
  return (r) => (r.batchId ? byId.get(r.batchId)?.endedMs ?? 0 : r.endedMs ?? 0);
}

/** Opens a session in a cold window and waits until every prompt shows its answer and the panel is still. */
export async function openSession(b: Bench, name: string, expectPrompts: number, timeoutMs = 300_000): Promise<OpenResult> {
  await coldReload(b);
  const { pickedAt, frame } = await openByName(b, name);
  const watch = await until('every answer in the panel', async () => {
    const w = await frameWatch(frame);
    return w.allAt && w.prompts >= expectPrompts && w.firstScreenAt ? w : undefined;
  }, timeoutMs);
  // Settled: no DOM change and no Graph request for a second.
  let settled = watch;
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 250));
    settled = await frameWatch(frame);
    const last = Math.max(...(await emulator.requests()).map((r) => r.endedMs ?? 0));
    if (Date.now() - Math.max(settled.lastChangeAt, last) > 1000) break;
  }
  const nodes = await frame.locator('body').evaluate(() => document.getElementsByTagName('*').length);
  const requests = (await emulator.requests()).filter((r) => (r.startedMs ?? 0) >= pickedAt - 5);
  const ended = endOf(requests);
  const trips = requests.filter((r) => r.batchId === undefined);
  const lastDataAt = Math.max(...trips.map((r) => r.endedMs ?? 0));
  const firstScreenData = Math.max(
    ...requests.filter((r) => /\/prompts$/.test(r.path) || /\/sessions\/[^/]+$/.test(r.path)).map(ended),
    ...requests.filter((r) => watch.visibleIds.some((id) => r.path.includes(`/prompts/${id}/evaluations`))).map(ended),
  );
  return {
    pickedAt,
    allMs: watch.allAt - pickedAt,
    firstScreenMs: watch.firstScreenAt - pickedAt,
    firstScreenAfterDataMs: watch.firstScreenAt - Math.max(firstScreenData, watch.panelAt || firstScreenData),
    webviewMs: watch.panelAt ? watch.panelAt - pickedAt : Number.NaN,
    allAfterPanelMs: watch.panelAt ? watch.allAt - watch.panelAt : Number.NaN,
    roundTrips: trips.length,
    requests,
    visibleIds: watch.visibleIds,
    newestOnFirstScreen: watch.newestOnFirstScreen === true,
    diag: (watch as unknown as { diag: unknown }).diag,
    marks: settled.marks ?? watch.marks ?? {},
    updateIds: settled.updateIds ?? watch.updateIds ?? [],
    trace: watch.trace,
    watcherLate: watch.late !== undefined,
    articles: watch.articles,
    nodes,
    lastDataAt,
    settledAfterDataMs: settled.lastChangeAt - lastDataAt,
  };
}

export interface AnswerRun {
  label: string;
  runMs: number;
  latencyMs: number;
  readsPerS: number;
}

/**
 * Asks prompts in one panel on a schedule ([offsetMs, run length ms]) and measures, per prompt, from the
 * evaluation's completion (its creation + the emulator's created/running durations) to the answer showing.
 */
export async function answerLatency(b: Bench, sessionName: string, schedule: [number, number][]): Promise<AnswerRun[]> {
  await coldReload(b);
  const { frame } = await openByName(b, sessionName);
  await frame.locator('#prompt-input').waitFor({ timeout: 30_000 });
  // The init script does not reach the panel's frame here, so the watcher is put in now, before the first send:
  // put in at the first poll (after the last send), it dated every answer that completed earlier to that poll.
  await frameWatch(frame);
  for (const [i, [, runMs]] of schedule.entries()) {
    await emulator.answer({ match: `bench-run-${i + 1}-`, createdMs: 400, runningMs: runMs - 400 });
  }
  const start = Date.now();
  const questions: string[] = [];
  for (const [i, [offset, runMs]] of schedule.entries()) {
    const wait = start + offset - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const q = `bench-run-${i + 1}-${runMs / 1000}s: what happened on host WS-${i + 1}?`;
    questions.push(q);
    const input = frame.locator('#prompt-input');
    await input.fill(q);
    await input.press('Control+Enter');
  }
  const longest = Math.max(...schedule.map(([o, r]) => o + r));
  const watch = await until('every answer', async () => {
    const w = await frameWatch(frame);
    return questions.every((q) => w.done[q]) ? w : undefined;
  }, longest + 180_000);
  const state = (await fetch(`${emulator.url}/_emulator/state`).then((r) => r.json())) as {
    prompts: { id: string; content: string }[];
    evaluations: { promptId: string; createdDateTime: string; createdMs: number; runningMs: number }[];
  };
  const requests = await emulator.requests();
  return questions.map((q, i) => {
    const prompt = state.prompts.find((p) => p.content === q);
    const ev = state.evaluations.find((e) => e.promptId === prompt?.id);
    if (!prompt || !ev) throw new Error(`the emulator has no evaluation for "${q}"`);
    const created = Date.parse(ev.createdDateTime);
    const completed = created + ev.createdMs + ev.runningMs;
    const shown = watch.done[q];
    const reads = requests.filter((r) => r.method === 'GET' && r.path.includes(`/prompts/${prompt.id}/evaluations`) && (r.startedMs ?? 0) >= created && (r.startedMs ?? 0) <= shown);
    return { label: `${schedule[i][1] / 1000}s`, runMs: schedule[i][1], latencyMs: shown - completed, readsPerS: reads.length / ((shown - created) / 1000) };
  });
}
