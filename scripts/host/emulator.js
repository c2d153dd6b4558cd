// Starts the local Graph emulator (dist/emulator/cli.js, see docs/contracts.md §2) as a child process and waits
// for its `listening on <url>` line.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { paths, HarnessError, onCleanup, stopProcessGroup, fmtMs } = require('./lib');

/**
 * @param {object} o
 * @param {string[]} [o.args]   extra CLI arguments (--seed 12x2, --created-ms N, --state-file F ...)
 * @param {number} [o.port]     0 = any free port
 * @param {string} o.logFile    where the emulator's output goes
 * @param {boolean} [o.echo]    also print its output (npm start)
 * @param {(...a: unknown[]) => void} o.log
 */
async function startEmulator({ args = [], port = 0, logFile, echo = false, log }) {
  if (!fs.existsSync(paths.emulatorCli)) {
    throw new HarnessError(`the Graph emulator is not built (${path.relative(paths.root, paths.emulatorCli)} is missing): run \`node esbuild.js\``);
  }
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.createWriteStream(logFile, { flags: 'a' });
  const fullArgs = [paths.emulatorCli, '--port', String(port), ...args];
  out.write(`$ node ${fullArgs.join(' ')}\n`);
  const started = Date.now();
  const child = spawn(process.execPath, fullArgs, { cwd: paths.root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stop = async () => {
    await stopProcessGroup(child, 3000);
    out.end();
  };
  onCleanup(stop);
  let identityUrl;
  const url = await new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new HarnessError(`the emulator printed no "listening on" line within 15 s (log: ${logFile})`)), 15_000);
    const onData = (d) => {
      out.write(d);
      if (echo) process.stdout.write(d);
      buffered += d;
      const idp = /identity on (https:\/\/\S+)/.exec(buffered);
      if (idp) identityUrl = idp[1].replace(/\/$/, '');
      const m = /listening on (http:\/\/\S+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => reject(new HarnessError(`cannot start the emulator: ${e.message}`)));
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new HarnessError(`the emulator exited (${code ?? sig}) before listening:\n${buffered.trim().split('\n').slice(-20).join('\n')}`));
    });
  }).catch(async (e) => {
    await stop();
    throw e;
  });
  log(`emulator ready at ${url}${identityUrl ? ` (identity stand-in at ${identityUrl})` : ''} in ${fmtMs(Date.now() - started)} (log: ${path.relative(paths.root, logFile)})`);
  return { url, identityUrl, stop, process: child };
}

module.exports = { startEmulator };
