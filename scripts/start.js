#!/usr/bin/env node
// `npm start`: the extension running in a real VS Code in your browser, against the local Graph emulator, with the
// stand-in sign-in. Provisions the host if needed, builds and packages the extension, installs it with the
// stand-in sign-in into a demo profile, starts the emulator (seeded with example sessions, prompts and answers;
// its state is kept in .vscode-test/demo-state.json so your work survives restarts) and a code-server bound to
// 127.0.0.1, then prints the URL to open. Ctrl+C stops everything it started.
//
// Usage: npm start [-- --port 8080] [--emulator-port 8787] [--fresh] [--reset-data]
//   --fresh       start with a new VS Code profile (forget sign-in, layout, open editors)
//   --reset-data  delete the emulator's saved state (back to the seeded example data)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const {
  paths, PRODUCT_ID, AUTH_FIXTURE_ID, AUTH_PROVIDER_ID, makeLogger, HarnessError, cleanupAll, stopping, hookSignals, parseArgs,
  portIsFree, fmtMs, claimRun,
} = require('./host/lib');
const { provision } = require('./host/provision');
const { startCodeServer } = require('./host/codeServer');
const { startEmulator } = require('./host/emulator');
const { packageProduct, packageAuthFixture, installExtensions } = require('./host/vsix');

const log = makeLogger('start');
const STATE_FILE = path.join(paths.cache, 'demo-state.json');

async function main() {
  const opts = parseArgs(process.argv.slice(2), { port: 'number', 'emulator-port': 'number', fresh: 'boolean', 'reset-data': 'boolean' });
  const port = opts.port ?? 8080;
  const emulatorPort = opts['emulator-port'] ?? 0;
  hookSignals();
  const started = Date.now();

  if (!(await portIsFree(port))) {
    throw new HarnessError(`port ${port} on 127.0.0.1 is already in use: stop what uses it or choose another with \`npm start -- --port 8081\``);
  }
  if (emulatorPort && !(await portIsFree(emulatorPort))) {
    throw new HarnessError(`port ${emulatorPort} on 127.0.0.1 is already in use: choose another with --emulator-port (0 = any)`);
  }

  if (claimRun('demo') !== 'demo') {
    throw new HarnessError('another `npm start` is running (see .vscode-test/runs/demo.pid); stop it first');
  }
  await provision({ log: makeLogger('provision') });
  await packageProduct(log);
  const extensionsDir = path.join(paths.extensions, 'demo');
  await installExtensions(log, extensionsDir, [
    { vsix: await packageAuthFixture(log), id: AUTH_FIXTURE_ID },
    { vsix: paths.productVsix, id: PRODUCT_ID },
  ]);

  if (opts['reset-data']) fs.rmSync(STATE_FILE, { force: true });
  const restored = fs.existsSync(STATE_FILE);
  // --seed applies only when the state file does not exist yet (the emulator loads the file otherwise).
  const emulator = await startEmulator({
    port: emulatorPort,
    args: ['--seed', '14x3', '--created-ms', '800', '--running-ms', '4000', '--state-file', STATE_FILE],
    logFile: path.join(paths.runs, 'demo-emulator.log'),
    log,
  });
  log(restored ? `emulator data restored from ${path.relative(paths.root, STATE_FILE)}` : 'emulator seeded with 14 example sessions');

  const server = await startCodeServer({
    name: 'demo',
    extensionsDir,
    port,
    fresh: !!opts.fresh,
    log,
    settings: {
      'securityCopilot.graphEndpoint': emulator.url,
      'securityCopilot.auth.providerId': AUTH_PROVIDER_ID,
    },
  });
  server.process.on('exit', (code) => {
    if (stopping()) return;
    log(`code-server stopped unexpectedly (${code}); log: ${server.logFile}`);
    cleanupAll().finally(() => process.exit(1));
  });
  emulator.process.on('exit', (code) => {
    if (stopping()) return;
    log(`the emulator stopped unexpectedly (${code}); log: ${path.join(paths.runs, 'demo-emulator.log')}`);
    cleanupAll().finally(() => process.exit(1));
  });

  const url = server.workbenchUrl();
  console.log(`
  Security Copilot for VS Code is running (ready in ${fmtMs(Date.now() - started)}).

    Open:      ${url}
    Emulator:  ${emulator.url}   (local stand-in for Microsoft Graph; data in ${path.relative(paths.root, STATE_FILE)})

  In the browser: click the Security Copilot shield in the activity bar, then Sign In. VS Code asks whether
  "Security Copilot for VS Code" may sign in using "Security Copilot Test Sign-in": choose Allow. You are signed in
  as analyst@contoso.test (a fake account; nothing is sent to Microsoft).

  Ctrl+C stops everything.
`);
  // Keep running until a signal arrives (hookSignals stops what was started).
  await new Promise(() => {});
}

main().catch(async (e) => {
  console.error(`\nstart: ${e instanceof HarnessError ? e.message : e.stack || e}`);
  await cleanupAll();
  process.exit(1);
});
