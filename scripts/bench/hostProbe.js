// Runs INSIDE the real extension host (code-server's, as `extensionTestsPath`) for `npm run bench`: measures
// activation through the product's public surface only, then writes JSON to $SC_BENCH_RESULT_FILE.
//   SC_BENCH_PARTS = comma list of: activate
//   SC_BENCH_PROFILE = file: a CPU profile (0.1 ms samples) of loading the bundle and activate(); the result
//   then lists the functions with the most self time during activate() (`activate.top`)
// (Memory, 10,000 sessions and the longest host task are the scale stage's: scripts/bench/scaleProbe.js.)
// Activation is timed by loading the product's bundle first and wrapping its `activate` export before VS Code
// calls it (VS Code's loader then gets the cached module); the modules it loads are the require.cache delta.
'use strict';
const fs = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const vscode = require('vscode');
const { selfTime } = require('./profile');

const PRODUCT_ID = 'security-copilot-vscode.security-copilot';

const TRACE = process.env.SC_BENCH_TRACE_FILE;
function trace(message) {
  if (TRACE) fs.appendFileSync(TRACE, `${new Date().toISOString()} ${message}\n`);
}

/** Starts V8's sampling profiler in this process; resolves to a function that stops it and returns the profile. */
async function startProfile(intervalUs) {
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: intervalUs });
  await post('Profiler.start');
  return async () => {
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    return profile;
  };
}

/** Monotonic microseconds, the clock of V8's profile timestamps (CLOCK_MONOTONIC on Linux). */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

async function measureActivation(out) {
  const ext = vscode.extensions.getExtension(PRODUCT_ID);
  if (!ext) throw new Error(`${PRODUCT_ID} is not in this host`);
  if (ext.isActive) {
    out.activate = { error: 'the extension was already active before the probe ran' };
    return;
  }
  const main = require.resolve(path.join(ext.extensionPath, ext.packageJSON.main || 'dist/extension.js'));
  const stopProfile = process.env.SC_BENCH_PROFILE ? await startProfile(100) : undefined;
  let activateFromUs = 0;
  let activateToUs = 0;
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
      activateFromUs = nowUs();
      const cpu0 = process.cpuUsage();
      let r = original.activate(...a);
      const cpu1 = process.cpuUsage(cpu0);
      activateToUs = nowUs();
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
  if (stopProfile) {
    const profile = await stopProfile();
    fs.writeFileSync(process.env.SC_BENCH_PROFILE, JSON.stringify(profile));
    out.activate.top = selfTime(profile, activateFromUs, activateToUs);
  }
}

async function run() {
  const file = process.env.SC_BENCH_RESULT_FILE;
  const parts = (process.env.SC_BENCH_PARTS || 'activate').split(',');
  const out = { parts };
  try {
    trace(`parts ${parts}`);
    if (parts.includes('activate')) await measureActivation(out);
    trace('activated');
  } catch (e) {
    out.error = e && e.stack ? e.stack : String(e);
  }
  fs.writeFileSync(file, JSON.stringify(out, null, 2));
}

module.exports = { run };
