// Runs INSIDE the real extension host (code-server's, as `extensionTestsPath`) for the `scale` stage of
// `npm run bench` (scripts/bench/scale.js): extension-host memory after 20 session panels, and 10,000 sessions
// paged through the sessions tree (heap, time against plain fetch, the longest task the host ran meanwhile).
// It drives the product through its commands and reads the emulator's control API; it writes JSON to
// $SC_BENCH_RESULT_FILE.
//   SC_BENCH_PARTS = comma list of: panels, sessions10k
//   SC_BENCH_PROFILE = file: a CPU profile of the extension host while the tree pages through 10,000 sessions
//     (open it in Chrome DevTools), and in the result its longest busy stretches with the functions that ran most
'use strict';
const fs = require('node:fs');
const v8 = require('node:v8');
const vm = require('node:vm');
const inspector = require('node:inspector');
const { PerformanceObserver, monitorEventLoopDelay, performance } = require('node:perf_hooks');
const vscode = require('vscode');

const PRODUCT_ID = 'security-copilot-vscode.security-copilot';
const EMU = (process.env.SC_EMULATOR_URL || '').replace(/\/$/, '');
const API = `${EMU}/beta/security/securityCopilot/workspaces/default`;
/** Period of the event-loop delay timer: a task of T ms shows as a delay of up to T + this. */
const LOOP_RESOLUTION_MS = 1;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TRACE = process.env.SC_BENCH_TRACE_FILE;
const PROFILE = process.env.SC_BENCH_PROFILE;
function trace(message) {
  if (TRACE) fs.appendFileSync(TRACE, `${new Date().toISOString()} scale: ${message}\n`);
}

async function control(method, route, body) {
  const res = await fetch(`${EMU}/_emulator/${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator ${method} ${route}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function waitFor(what, probe, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

let gcFn;
function gc() {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc');
  }
  for (let i = 0; i < 3; i++) gcFn();
}
/** Heap in use after garbage collection (twice, with a pause for finalizers and pending tasks). */
async function heapMb() {
  await sleep(100);
  gc();
  await sleep(50);
  gc();
  return process.memoryUsage().heapUsed / (1024 * 1024);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

async function product() {
  const ext = vscode.extensions.getExtension(PRODUCT_ID);
  if (!ext) throw new Error(`${PRODUCT_ID} is not in this host`);
  return ext.isActive ? ext.exports : ext.activate();
}

async function createSession(name, prompts) {
  const post = async (url, body) => {
    const res = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer bench', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`POST ${url}: ${res.status}`);
    return res.json();
  };
  const s = await post(`${API}/sessions`, { displayName: name });
  for (let i = 1; i <= prompts; i++) {
    const p = await post(`${API}/sessions/${s.id}/prompts`, { type: 'prompt', content: `Question ${i} about host WS-${i}?` });
    await post(`${API}/sessions/${s.id}/prompts/${p.id}/evaluations`, {});
  }
  return s.id;
}

let unloaded = 0;

/**
 * Opens `ids` one by one in session panels, each until it shows its prompts with their answers (what the panel
 * holds in the extension host; a session opened before comes from the engine without a request), then closes
 * them all.
 */
async function openAndClose(ids, prompts) {
  const api = await product();
  for (const id of ids) {
    trace(`open ${id}`);
    await Promise.race([vscode.commands.executeCommand('securityCopilot.openSession', id), sleep(30_000)]);
    // A webview that never loads is counted, not fatal.
    const loaded = await waitFor(`panel ${id} to show its answers`, () => {
      const shown = api.panels.get(id)?.snapshot().prompts ?? [];
      return shown.length === prompts && shown.every((p) => p.evaluations?.length);
    }, 30_000).then(() => true, () => false);
    if (!loaded) unloaded++;
    trace(loaded ? 'loaded' : 'never loaded');
  }
  await sleep(300);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await sleep(300);
}

/** memory.panels20.mb: heap before vs after opening and closing 20 session panels (two rounds after a warm-up). */
async function measurePanels(out) {
  await control('POST', 'config', { latencyMs: 0, evaluation: { createdMs: 0, runningMs: 0 } });
  const ids = [];
  for (let i = 0; i < 20; i++) ids.push(await createSession(`Bench memory ${i + 1}`, 5));
  await openAndClose(ids.slice(0, 1), 5); // warm-up: the panel's code paths run once
  const deltas = [];
  for (let round = 0; round < 2; round++) {
    const start = await heapMb();
    await openAndClose(ids, 5);
    const end = await heapMb();
    deltas.push(end - start);
  }
  out.panels = { deltasMb: deltas, medianMb: median(deltas), unloaded };
}

/** Starts V8's sampling profiler in this process (1 ms samples); resolves to a function that stops it. */
async function startProfile() {
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  return async () => {
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    return profile;
  };
}

/**
 * The longest runs of samples that were not idle (a task, or tasks back to back with no idle between), each with
 * the functions that were on top of the stack most (self time), named by file and line.
 */
function busyStretches(profile, top = 5) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const tasks = [];
  let current;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const id = profile.samples[i];
    if (idle.has(id)) {
      if (current) tasks.push(current);
      current = undefined;
      continue;
    }
    current ??= { startUs: t, ms: 0, self: new Map() };
    current.ms += dt / 1000;
    const f = nodes.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url ? `${f.url.replace(/^.*\/(?=[^/]+\/[^/]+$)/, '')}:${f.lineNumber + 1}` : ''}`.trim();
    current.self.set(name, (current.self.get(name) ?? 0) + dt / 1000);
  }
  if (current) tasks.push(current);
  return tasks
    // Starting the profiler is a task of its own.
    .filter((task) => ![...task.self.keys()].some((fn) => fn.startsWith('post node:inspector')))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top)
    .map((task) => ({
      atMs: (task.startUs - profile.startTime) / 1000,
      ms: task.ms,
      self: [...task.self].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([fn, ms]) => `${fn} ${ms.toFixed(1)} ms`),
    }));
}

/**
 * 10,000 sessions through the tree with its view shown: Refresh, then Load more until the last page (each
 * command resolves when its page is in). Meanwhile a 1 ms timer measures how late the host's event loop ran
 * it: the longest task. Then the heap growth (after GC) and the same pages over plain fetch.
 */
async function measureSessions10k(out) {
  const api = await product();
  await control('POST', 'reset');
  await control('POST', 'config', { latencyMs: 0, pageSize: 100 });
  await control('POST', 'seed', { sessions: 10_000, promptsPerSession: 0 });
  await vscode.workspace.getConfiguration('securityCopilot').update('pageSize', 100, vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('workbench.view.extension.securityCopilot');
  await sleep(300);

  const rawRuns = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    let url = `${API}/sessions?$top=100`;
    let n = 0;
    while (url) {
      const res = await fetch(url, { headers: { authorization: 'Bearer bench', accept: 'application/json' } });
      const body = await res.json();
      n += body.value.length;
      url = body['@odata.nextLink'];
    }
    rawRuns.push(performance.now() - t);
    if (n !== 10_000) throw new Error(`raw walk saw ${n} sessions`);
  }

  const base = await heapMb();
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  // Garbage collections meanwhile (the host's whole heap, every extension's): a long task that is a GC pause
  // shows up here with about the same duration.
  const gcs = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ ms: e.duration, kind: e.detail?.kind });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const stopProfile = PROFILE ? await startProfile() : undefined;
  const t0 = performance.now();
  loop.enable();
  await vscode.commands.executeCommand('securityCopilot.refreshSessions');
  await waitFor('the first page', () => api.copilot.engine.list.status === 'loaded', 30_000);
  let pages = 1;
  while (api.copilot.engine.list.hasMore && pages < 200) {
    await vscode.commands.executeCommand('securityCopilot.loadMoreSessions');
    await waitFor('the next page', () => !api.copilot.engine.list.loadingMore, 30_000);
    pages++;
  }
  const treeMs = performance.now() - t0;
  // Until VS Code has asked for the last page's rows (it does so after a debounce) and the host is quiet.
  await sleep(1000);
  loop.disable();
  gcObserver.disconnect();
  const profile = await stopProfile?.();
  if (profile) fs.writeFileSync(PROFILE, JSON.stringify(profile));
  const longestGc = gcs.reduce((a, g) => (g.ms > a.ms ? g : a), { ms: 0, kind: undefined });
  const sessions = api.copilot.engine.list.sessions.length;
  const after = await heapMb();
  out.sessions10k = {
    pages,
    sessions,
    treeMs,
    rawMs: median(rawRuns),
    rawRuns,
    heapDeltaMb: after - base,
    longestTaskMs: Math.max(0, loop.max / 1e6 - LOOP_RESOLUTION_MS),
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    gcCount: gcs.length,
    gcTotalMs: gcs.reduce((a, g) => a + g.ms, 0),
    gcLongestMs: longestGc.ms,
    // perf_hooks' NODE_PERFORMANCE_GC_* kinds: 1 minor (scavenge), 2 major (mark-compact), 4 incremental, 8 weak callbacks
    gcLongestKind: longestGc.kind,
    busyStretches: profile ? busyStretches(profile) : undefined,
  };
  await vscode.workspace.getConfiguration('securityCopilot').update('pageSize', undefined, vscode.ConfigurationTarget.Global);
}

async function run() {
  const file = process.env.SC_BENCH_RESULT_FILE;
  const parts = (process.env.SC_BENCH_PARTS || 'panels,sessions10k').split(',');
  const out = { parts };
  const save = () => fs.writeFileSync(file, JSON.stringify(out, null, 2));
  try {
    await product();
    const label = await vscode.commands.executeCommand('securityCopilot.signIn');
    if (!label) throw new Error('Sign In returned no account');
    if (parts.includes('sessions10k')) await measureSessions10k(out);
    save();
    if (parts.includes('panels')) await measurePanels(out);
  } catch (e) {
    out.error = e && e.stack ? e.stack : String(e);
  }
  save();
}

module.exports = { run };
