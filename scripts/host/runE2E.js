#!/usr/bin/env node
// Browser end-to-end tests: packages and installs the product (security-copilot.vsix) and the stand-in sign-in,
// starts the Graph emulator (seeded) and a plain code-server (no smoke-test driver: toasts and dialogs behave as
// for a user, the sign-in consent dialog is clicked), then runs out/test/e2e/**/*.e2e.js with mocha in this
// process. The tests drive headless chromium through test/e2e/harness.
//
// Usage: node scripts/host/runE2E.js [--no-package] [--no-compile] [--grep RE] [--results FILE]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const {
  paths, bin, ROOT, PRODUCT_ID, AUTH_FIXTURE_ID, AUTH_PROVIDER_ID, makeLogger, timed, runOk, HarnessError, cleanupAll,
  hookSignals, parseArgs, findFiles, reportCounts, pruneStaleOut, claimRun,
} = require('./lib');
const { provision } = require('./provision');
const { startCodeServer } = require('./codeServer');
const { startEmulator } = require('./emulator');
const { packageProduct, packageAuthFixture, installExtensions } = require('./vsix');
const { browserEnv } = require('./browser');

const log = makeLogger('e2e');

async function main() {
  const opts = parseArgs(process.argv.slice(2), { package: 'boolean', compile: 'boolean', grep: 'string', results: 'string' });
  hookSignals();
  const runName = claimRun('e2e');
  const summaryFile = opts.results || path.join(paths.results, `${runName}.json`);
  fs.rmSync(summaryFile, { force: true });

  await provision({ log: makeLogger('provision') });
  if (opts.package !== false) await packageProduct(log);
  else if (!fs.existsSync(paths.productVsix)) throw new HarnessError(`${paths.productVsix} does not exist: run \`npm run package\``);
  if (opts.compile !== false) {
    pruneStaleOut(); // no stale tests from deleted sources
    await timed(log, 'compiling tests (tsc -p tsconfig.test.json)', () =>
      runOk(process.execPath, [bin.tsc, '-p', 'tsconfig.test.json'], { quiet: true, capture: true }));
  }
  const e2eOut = path.join(ROOT, 'out', 'test', 'e2e');
  const files = findFiles(e2eOut, '.e2e.js');
  if (!files.length) throw new HarnessError(`no compiled browser tests (*.e2e.js) under ${path.relative(ROOT, e2eOut)}`);
  const hooks = path.join(e2eOut, 'harness', 'hooks.js');
  if (!fs.existsSync(hooks)) throw new HarnessError(`${hooks} is missing: compile the tests`);

  const extensionsDir = path.join(paths.extensions, runName);
  await installExtensions(log, extensionsDir, [
    { vsix: await packageAuthFixture(log), id: AUTH_FIXTURE_ID },
    { vsix: paths.productVsix, id: PRODUCT_ID },
  ]);
  // The identity stand-in (device code sign-in tests) serves https with a certificate made at start: the
  // extension host trusts it through NODE_EXTRA_CA_CERTS, this process (the tests' control calls) through
  // SC_IDENTITY_CA_FILE. The browser itself never has to: only the extension host talks to the stand-in.
  const identityCa = path.join(paths.runs, `${runName}-identity-ca.pem`);
  fs.rmSync(identityCa, { force: true });
  const emulator = await startEmulator({
    args: ['--quiet', '--seed', '12x2', '--created-ms', '200', '--running-ms', '800', '--identity', '--identity-ca-file', identityCa],
    logFile: path.join(paths.runs, `${runName}-emulator.log`),
    log,
  });
  const server = await startCodeServer({
    name: runName,
    extensionsDir,
    log,
    env: { NODE_EXTRA_CA_CERTS: identityCa },
    settings: {
      'securityCopilot.graphEndpoint': emulator.url,
      'securityCopilot.auth.providerId': AUTH_PROVIDER_ID,
      // VS Code adds the OS certificates to every TLS request as an explicit CA list, which leaves out
      // NODE_EXTRA_CA_CERTS (the identity stand-in's certificate). Offline, the OS certificates are not needed.
      'http.systemCertificates': false,
    },
  });

  process.env.SC_CODE_SERVER_URL = server.workbenchUrl();
  process.env.SC_EMULATOR_URL = emulator.url;
  process.env.SC_IDENTITY_URL = emulator.identityUrl;
  process.env.SC_IDENTITY_CA_FILE = identityCa;
  process.env.SC_SCREENSHOT_DIR = paths.screenshots;
  process.env.SC_E2E_RUN_DIR = server.runDir;
  // The only children from here on are the tests' browsers: keep chromium's crash database out of the home folder.
  Object.assign(process.env, { XDG_CONFIG_HOME: browserEnv().XDG_CONFIG_HOME, XDG_CACHE_HOME: browserEnv().XDG_CACHE_HOME });
  fs.mkdirSync(paths.screenshots, { recursive: true });
  for (const f of fs.readdirSync(paths.screenshots)) {
    if (f.startsWith('FAILED-')) fs.rmSync(path.join(paths.screenshots, f), { force: true }); // from an earlier run
  }

  const Mocha = require('mocha');
  const harnessHooks = require(hooks);
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 60_000,
    reporter: 'spec',
    forbidOnly: true,
    color: !!process.stdout.isTTY,
    rootHooks: harnessHooks.mochaHooks,
  });
  if (opts.grep) mocha.grep(opts.grep);
  for (const f of files) mocha.addFile(f);
  log(`running ${files.length} browser test file(s) against ${server.url}`);
  const failures = [];
  const hookDiagnostics = [];
  const stats = await new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
    runner.on('fail', (test, err) => {
      failures.push({ title: test.fullTitle(), error: err && err.message ? err.message : String(err) });
      // A failing before/after hook gets no afterEach (where a failed test's diagnostics are taken): taken here,
      // at once. The suite's `after` hook that runs next closes its workbench only once the screenshots are taken
      // (test/e2e/harness/browser.ts).
      if (test.type === 'hook') {
        console.log(`      diagnostics of the failed hook "${test.fullTitle()}":`);
        hookDiagnostics.push(harnessHooks.diagnoseFailure(test.fullTitle()).catch((e) => console.log(`      (no diagnostics: ${e && e.message ? e.message : e})`)));
      }
    });
  });
  await Promise.all(hookDiagnostics);
  const counts = { passed: stats.passes, failed: stats.failures, pending: stats.pending, failures };
  if (failures.length) {
    log(`failure screenshots are in ${path.relative(ROOT, paths.screenshots)}/; code-server log: ${path.relative(ROOT, server.logFile)}`);
  }
  reportCounts(log, 'e2e', counts, summaryFile);
  return stats.failures === 0 && stats.passes > 0 ? 0 : 1;
}

main()
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  })
  .catch(async (e) => {
    console.error(`\ne2e: ${e instanceof HarnessError ? e.message : e.stack || e}`);
    await cleanupAll();
    process.exit(1);
  });
