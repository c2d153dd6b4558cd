// Runs INSIDE the real extension host (code-server's, as `extensionTestsPath`) for `npm run bench`: measures
// activation, extension-host memory and the tree's Load more path through the product's public surface only
// (its commands and the emulator's request log), then writes JSON to $SC_BENCH_RESULT_FILE.
//   SC_BENCH_PARTS = comma list of: activate, panels, sessions10k
// Activation is timed by loading the product's bundle first and wrapping its `activate` export before VS Code
// calls it (VS Code's loader then gets the cached module); the modules it loads are the require.cache delta.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { performance } = require('node:perf_hooks');
const vscode = require('vscode');

const PRODUCT_ID = 'security-copilot-vscode.security-copilot';
const EMU = (process.env.SC_EMULATOR_URL || '').replace(/\/$/, '');
const API = `${EMU}/beta/security/securityCopilot/workspaces/default`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TRACE = process.env.SC_BENCH_TRACE_FILE;
function trace(message) {
  if (TRACE) fs.appendFileSync(TRACE, `${new Date().toISOString()} ${message}\n`);
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

async function measureActivation(out) {
  const ext = vscode.extensions.getExtension(PRODUCT_ID);
  if (!ext) throw new Error(`${PRODUCT_ID} is not in this host`);
  if (ext.isActive) {
    out.activate = { error: 'the extension was already active before the probe ran' };
    return;
  }
  const main = require.resolve(path.join(ext.extensionPath, ext.packageJSON.main || 'dist/extension.js'));
  const before = new Set(Object.keys(require.cache));
  const loadStart = performance.now();
  require(main);
  const loadMs = performance.now() - loadStart;
  const cached = require.cache[main];
  const original = cached.exports;
  let activateMs;
  let activateCpuMs;
  let returnedAt;
  cached.exports = {
    deactivate: (...a) => original.deactivate?.(...a),
    activate: (...a) => {
      const t = performance.now();
      const cpu0 = process.cpuUsage();
      let r = original.activate(...a);
      const cpu1 = process.cpuUsage(cpu0);
      activateCpuMs = (cpu1.user + cpu1.system) / 1000;
      // activate() is over when what it returns settles (VS Code waits for a promise before it calls the
      // extension's providers), so a promise is timed until it settles.
      if (r && typeof r.then === 'function') r = r.then((v) => ((activateMs = performance.now() - t), v));
      else activateMs = performance.now() - t;
      returnedAt = performance.now();
      return r;
    },
  };
  const api = await ext.activate();
  // The work the extension defers until right after activation (an upper bound: other tasks of the host
  // may run in between); the modules are counted once it ran.
  await api?.started;
  const deferredMs = performance.now() - returnedAt;
  const ours = ext.extensionPath + path.sep; // other extensions may activate meanwhile
  const loaded = Object.keys(require.cache).filter((k) => !before.has(k) && k.startsWith(ours)).map((k) => path.relative(ext.extensionPath, k));
  out.activate = { loadMs, activateMs, activateCpuMs, deferredMs, modules: loaded };
}

async function signIn() {
  trace('sign in');
  const label = await vscode.commands.executeCommand('securityCopilot.signIn');
  if (!label) throw new Error('Sign In returned no account');
}

async function graphRequests() {
  return (await control('GET', 'requests')).filter((r) => r.batchId === undefined);
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

/** Opens `ids` one by one in session panels (waiting for each to read its prompts), closes them all. */
async function openAndClose(ids) {
  for (const id of ids) {
    trace(`open ${id}`);
    await control('DELETE', 'requests');
    await Promise.race([
      vscode.commands.executeCommand('securityCopilot.openSession', id),
      sleep(30_000).then(() => trace(`openSession ${id} did not return within 30 s`)),
    ]);
    // The panel has loaded once the emulator served its answers (a webview that never loads is noted, not fatal).
    const loaded = await waitFor(`panel ${id} to read its answers`, async () => {
      const reqs = await control('GET', 'requests');
      return reqs.some((r) => r.path.includes(`/sessions/${id}/prompts`)) && reqs.some((r) => r.path.includes('/evaluations') || r.path.endsWith('$batch'));
    }, 30_000).then(() => true, () => false);
    if (!loaded) unloaded++;
  }
  await sleep(300);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await sleep(300);
}

async function measurePanels(out) {
  await control('POST', 'config', { latencyMs: 0, evaluation: { createdMs: 0, runningMs: 0 } });
  const ids = [];
  trace('creating 20 sessions');
  for (let i = 0; i < 20; i++) ids.push(await createSession(`Bench memory ${i + 1}`, 5));
  await openAndClose(ids.slice(0, 1)); // warm-up: the panel's code paths run once
  const deltas = [];
  for (let round = 0; round < 2; round++) {
    const start = await heapMb();
    await openAndClose(ids);
    const end = await heapMb();
    deltas.push(end - start);
  }
  out.panels = { deltasMb: deltas, medianMb: median(deltas), unloaded };
}

async function measureSessions10k(out) {
  await control('POST', 'reset');
  await control('POST', 'config', { latencyMs: 0, pageSize: 100 });
  await control('POST', 'seed', { sessions: 10_000, promptsPerSession: 0 });
  await vscode.workspace.getConfiguration('securityCopilot').update('pageSize', 100, vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('workbench.view.extension.securityCopilot');
  await sleep(300);

  // The raw limit: the same 100 pages over plain fetch, following nextLinks.
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

  trace('10k: tree');
  const base = await heapMb();
  await control('DELETE', 'requests');
  const t0 = performance.now();
  await vscode.commands.executeCommand('securityCopilot.refreshSessions');
  await waitFor('the first page', async () => (await graphRequests()).some((r) => r.path.endsWith('/sessions') && r.status === 200), 30_000);
  let pages = 1;
  for (let i = 0; i < 200 && pages < 100; i++) {
    await vscode.commands.executeCommand('securityCopilot.loadMoreSessions');
    const now = (await graphRequests()).filter((r) => r.path.endsWith('/sessions') && r.status === 200).length;
    if (now === pages) {
      // the command returned before its page arrived: wait for it
      await waitFor('the next page', async () => (await graphRequests()).filter((r) => r.path.endsWith('/sessions') && r.status === 200).length > pages, 30_000).catch(() => undefined);
    }
    pages = (await graphRequests()).filter((r) => r.path.endsWith('/sessions') && r.status === 200).length;
  }
  const treeMs = performance.now() - t0;
  const after = await heapMb();
  out.sessions10k = { pages, treeMs, rawMs: median(rawRuns), rawRuns, heapDeltaMb: after - base };
  await vscode.workspace.getConfiguration('securityCopilot').update('pageSize', undefined, vscode.ConfigurationTarget.Global);
}

async function run() {
  const file = process.env.SC_BENCH_RESULT_FILE;
  const parts = (process.env.SC_BENCH_PARTS || 'activate').split(',');
  const out = { parts };
  try {
    trace(`parts ${parts}`);
    if (parts.includes('activate')) await measureActivation(out);
    trace('activated');
    fs.writeFileSync(file, JSON.stringify(out, null, 2));
    if (parts.includes('panels') || parts.includes('sessions10k')) {
      if (!vscode.extensions.getExtension(PRODUCT_ID).isActive) await vscode.extensions.getExtension(PRODUCT_ID).activate();
      await signIn();
    }
    fs.writeFileSync(file, JSON.stringify(out, null, 2));
    if (parts.includes('sessions10k')) await measureSessions10k(out);
    fs.writeFileSync(file, JSON.stringify(out, null, 2));
    if (parts.includes('panels')) await measurePanels(out);
  } catch (e) {
    out.error = e && e.stack ? e.stack : String(e);
  }
  fs.writeFileSync(file, JSON.stringify(out, null, 2));
}

module.exports = { run };
