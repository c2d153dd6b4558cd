#!/usr/bin/env node
// In-host integration tests: runs out/test/integration/**/*.test.js with mocha INSIDE the real extension host of
// code-server (VS Code 1.139), with the product loaded from the repo as the extension under development.
//
// How: code-server runs with --vscode-option enable-smoke-test-driver, which makes the web workbench honour the
// `payload` query parameter (extensionDevelopmentPath / extensionTestsPath / extensionEnvironment). The workbench
// calls window.codeAutomationLog(type, args) with the extension host's console output and
// window.codeAutomationExit(code) when run() settles. In that mode toasts are hidden and dialogs refused, so the
// URL also carries ?sc-test-trust-auth=1 (see provision.js: the product is trusted for auth and the sign-in prompt
// is answered "Allow").
//
// Usage: node scripts/host/runIntegration.js [--no-build] [--no-compile] [--grep RE] [--timeout SECONDS]
//        [--results FILE]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const {
  paths, bin, ROOT, AUTH_FIXTURE_ID, AUTH_PROVIDER_ID, TRUST_AUTH_PARAM, makeLogger, timed, runOk, HarnessError,
  onCleanup, cleanupAll, hookSignals, parseArgs, readJson, reportCounts, fmtMs, pruneStaleOut, claimRun,
} = require('./lib');
const { provision } = require('./provision');
const { startCodeServer } = require('./codeServer');
const { startEmulator } = require('./emulator');
const { packageAuthFixture, installExtensions } = require('./vsix');
const { launchChromium } = require('./browser');

const log = makeLogger('integration');
/** A workspace besides `default`, for the workspace picker's tests. */
const SECOND_WORKSPACE = { id: 'a0b1c2d3-0000-4000-8000-00000000beef', name: 'SOC Tier 2' };
/** First line test/integration/index.ts prints inside the extension host. */
const INDEX_MARKER = 'in-host tests:';
/** Workbench messages that are expected offline and say nothing about the tests. */
const NOISE = /ENOTFOUND (open-vsx\.org|marketplace\.visualstudio\.com|update\.code\.visualstudio\.com)|vsda/;

async function compileTests() {
  pruneStaleOut(); // no stale tests from deleted sources
  await timed(log, 'compiling tests (tsc -p tsconfig.test.json)', () =>
    runOk(process.execPath, [bin.tsc, '-p', 'tsconfig.test.json'], { quiet: true, capture: true }));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), { build: 'boolean', compile: 'boolean', grep: 'string', timeout: 'number', results: 'string' });
  const overallMs = (opts.timeout ?? Number(process.env.SC_INTEGRATION_TIMEOUT_S || 900)) * 1000;
  hookSignals();
  const runName = claimRun('integration');
  const summaryFile = opts.results || path.join(paths.results, `${runName}.json`);
  const mochaResultFile = path.join(paths.results, `${runName}-mocha.json`);
  fs.rmSync(summaryFile, { force: true });
  fs.rmSync(mochaResultFile, { force: true });
  fs.rmSync(path.join(paths.screenshots, `${runName}-failure.png`), { force: true });

  await provision({ log: makeLogger('provision') });
  if (opts.build !== false) {
    await timed(log, 'building (node esbuild.js)', () => runOk(process.execPath, ['esbuild.js'], { quiet: true, capture: true }));
  }
  if (opts.compile !== false) await compileTests();
  const testsIndex = path.join(ROOT, 'out', 'test', 'integration', 'index.js');
  if (!fs.existsSync(testsIndex)) throw new HarnessError(`${testsIndex} does not exist: compile the tests (npm run compile-tests)`);
  if (!fs.existsSync(path.join(ROOT, 'dist', 'extension.js'))) throw new HarnessError('dist/extension.js does not exist: run `node esbuild.js`');

  // The identity stand-in's certificate is made at start; the extension host trusts it through NODE_EXTRA_CA_CERTS.
  const identityCa = path.join(paths.runs, `${runName}-identity-ca.pem`);
  fs.rmSync(identityCa, { force: true });
  const emulator = await startEmulator({
    args: ['--quiet', '--identity', '--identity-ca-file', identityCa, '--workspace', `${SECOND_WORKSPACE.id}=${SECOND_WORKSPACE.name}`],
    logFile: path.join(paths.runs, `${runName}-emulator.log`),
    log,
  });
  const extensionsDir = path.join(paths.extensions, runName);
  await installExtensions(log, extensionsDir, [{ vsix: await packageAuthFixture(log), id: AUTH_FIXTURE_ID }]);
  const server = await startCodeServer({
    name: runName,
    extensionsDir,
    smoke: true,
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

  const remote = (p) => `vscode-remote://${server.host}:${server.port}${p}`;
  const extensionEnvironment = {
    SC_EMULATOR_URL: emulator.url,
    SC_IDENTITY_URL: emulator.identityUrl,
    SC_SECOND_WORKSPACE: SECOND_WORKSPACE.id,
    SC_TEST_RESULT_FILE: mochaResultFile,
    SC_TEST_COLOR: process.stdout.isTTY ? '1' : '0',
    ...(opts.grep ? { SC_TEST_GREP: opts.grep } : {}),
  };
  const payload = [
    ['extensionDevelopmentPath', remote(ROOT)],
    ['extensionTestsPath', remote(testsIndex)],
    ['extensionEnvironment', JSON.stringify(extensionEnvironment)],
  ];
  const url = server.workbenchUrl([['payload', JSON.stringify(payload)], [TRUST_AUTH_PARAM, '1']]);

  const browser = await launchChromium();
  onCleanup(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleLog = fs.createWriteStream(path.join(server.runDir, 'browser-console.log'));
  onCleanup(() => new Promise((r) => consoleLog.end(r)));
  page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack || e.message}\n`));

  let exited;
  const exitCode = new Promise((resolve) => (exited = resolve));
  // The workbench sends both its own log and the extension host's console here (format string + arguments).
  // Everything goes to a file; from the moment test/integration/index.ts announces itself, it is also streamed
  // (minus the offline gallery's noise), so mocha's report appears as it runs.
  const automationLog = fs.createWriteStream(path.join(server.runDir, 'automation.log'));
  onCleanup(() => new Promise((r) => automationLog.end(r)));
  let streaming = false;
  const hostErrors = [];
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const list = Array.isArray(args) ? args : [args];
    const text = typeof list[0] === 'string' ? util.format(...list) : list.map((a) => util.inspect(a)).join(' ');
    automationLog.write(`[${type}] ${text}\n`);
    if (type === 'error' && !NOISE.test(text)) hostErrors.push(text);
    if (!streaming && text.startsWith(INDEX_MARKER)) streaming = true;
    if (!streaming || NOISE.test(text)) return;
    if (type === 'error' || type === 'warn') process.stderr.write(`${text}\n`);
    else process.stdout.write(`${text}\n`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => exited(code));

  const started = Date.now();
  log(`opening the workbench with the test payload (timeout ${fmtMs(overallMs)})`);
  await page.goto(url, { timeout: 120_000 }); // a loaded machine (parallel runs) can take longer than 30 s
  let timer;
  const code = await Promise.race([
    exitCode,
    new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), overallMs))),
  ]);
  clearTimeout(timer);
  log(`extension host test run finished with ${code === 'timeout' ? 'a TIMEOUT' : `exit code ${code}`} after ${fmtMs(Date.now() - started)}`);

  const result = readJson(mochaResultFile);
  let ok = code === 0 && !!result && result.failed === 0;
  if (!result) {
    log(`no result file was written by test/integration/index.ts (${mochaResultFile})`);
    if (hostErrors.length) {
      log('errors reported by the workbench / extension host:');
      for (const e of hostErrors.slice(-8)) console.error(`  ${e.split('\n').slice(0, 6).join('\n  ')}`);
    }
    log(`look at ${path.relative(ROOT, server.logFile)}, ${path.relative(ROOT, path.join(server.runDir, 'browser-console.log'))} and the extension host logs under ${path.relative(ROOT, path.join(server.userDataDir, 'logs'))}`);
  }
  if (!ok) {
    fs.mkdirSync(paths.screenshots, { recursive: true });
    const shot = path.join(paths.screenshots, `${runName}-failure.png`);
    await page.screenshot({ path: shot }).then(() => log(`screenshot: ${path.relative(ROOT, shot)}`), () => {});
  }
  const counts = result
    ? { passed: result.passed, failed: result.failed, pending: result.pending, failures: result.failures }
    : { passed: 0, failed: 1, pending: 0, failures: [{ title: 'in-host run', error: code === 'timeout' ? 'timed out' : `exit code ${code}, no result file` }] };
  if (result && result.passed + result.failed === 0) {
    log('no in-host test ran');
    ok = false;
  }
  if (counts.failures && counts.failures.length) {
    log('failures:');
    for (const f of counts.failures) log(`  - ${f.title}: ${String(f.error).split('\n')[0]}`);
  }
  reportCounts(log, 'integration', counts, summaryFile);
  return ok ? 0 : 1;
}

main()
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  })
  .catch(async (e) => {
    console.error(`\nintegration: ${e instanceof HarnessError ? e.message : e.stack || e}`);
    await cleanupAll();
    process.exit(1);
  });
