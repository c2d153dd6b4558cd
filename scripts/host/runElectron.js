#!/usr/bin/env node
// `npm run test:electron`: the same in-host suites (out/test/integration) in desktop VS Code, through
// @vscode/test-electron, for machines that can download VS Code. Not part of `npm test`: there the suites run in a
// real VS Code served by code-server (scripts/host/runIntegration.js), which works offline.
//
// It starts the Graph emulator itself, writes the run's user settings (emulator endpoint, stand-in sign-in),
// opens the sample workspace, and loads the product and the stand-in sign-in as extensions under development.
// The downloaded VS Code's product.json is given the same trust the code-server runs get from the workbench patch
// (the product may use the stand-in sign-in without the consent dialog), in the download cache only.
//
// Usage: node scripts/host/runElectron.js [--check] [--grep RE] [--version stable|insiders|1.101.0]
//   --check  only say whether desktop VS Code can be downloaded here; exits 0 either way.
// Without --check, a machine that cannot download VS Code gets a clear message and exit code 1 (it was asked to
// run and could not).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const {
  paths, bin, ROOT, BASE_SETTINGS, AUTH_PROVIDER_ID, PRODUCT_ID, makeLogger, timed, runOk, HarnessError, writeJson,
  readJson, parseArgs, cleanupAll, hookSignals, pruneStaleOut,
} = require('./lib');
const { startEmulator } = require('./emulator');
const { SAMPLE_FILES } = require('./codeServer');

const log = makeLogger('electron');
const UPDATE_SERVICE = 'https://update.code.visualstudio.com/api/releases/stable';

/** Whether the VS Code update service answers (a download is possible); the reason when not. */
async function canDownload() {
  try {
    const res = await fetch(UPDATE_SERVICE, { signal: AbortSignal.timeout(10_000) });
    return res.ok ? { ok: true } : { ok: false, reason: `${UPDATE_SERVICE} answered HTTP ${res.status}` };
  } catch (e) {
    const cause = e && e.cause ? ` (${e.cause.code || e.cause.message || e.cause})` : '';
    return { ok: false, reason: `${UPDATE_SERVICE} is not reachable: ${e.message}${cause}` };
  }
}

function cannotMessage(reason) {
  return `Desktop VS Code cannot be downloaded on this machine, so the in-host suites cannot run in it here: ${reason}. ` +
    'The same suites run offline in a real VS Code served by code-server: `npm run test:integration` (part of `npm test`).';
}

/** Lets the product use the stand-in sign-in without the consent dialog, as the code-server runs do. */
function trustProductForAuth(vscodeExecutablePath) {
  const candidates = [
    path.join(path.dirname(vscodeExecutablePath), 'resources', 'app', 'product.json'), // Linux, Windows
    path.join(path.dirname(vscodeExecutablePath), '..', 'Resources', 'app', 'product.json'), // macOS
  ];
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) {
    log('product.json of the downloaded VS Code not found: sign-in may ask for consent');
    return;
  }
  const product = readJson(file);
  const trusted = new Set(product.trustedExtensionAuthAccess || []);
  if (Array.isArray(product.trustedExtensionAuthAccess) || !product.trustedExtensionAuthAccess) {
    trusted.add(PRODUCT_ID);
    product.trustedExtensionAuthAccess = [...trusted];
  } else {
    product.trustedExtensionAuthAccess[AUTH_PROVIDER_ID] = [...new Set([...(product.trustedExtensionAuthAccess[AUTH_PROVIDER_ID] || []), PRODUCT_ID])];
  }
  writeJson(file, product);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), { check: 'boolean', grep: 'string', version: 'string' });
  hookSignals();
  const reachable = await canDownload();
  if (opts.check) {
    log(reachable.ok ? 'desktop VS Code can be downloaded here: `npm run test:electron` will run the in-host suites in it' : cannotMessage(reachable.reason));
    return 0;
  }
  if (!reachable.ok) throw new HarnessError(cannotMessage(reachable.reason));

  let testElectron;
  try {
    testElectron = require('@vscode/test-electron');
  } catch {
    throw new HarnessError('@vscode/test-electron is not installed: run `npm ci`.');
  }
  await timed(log, 'building', () => runOk(process.execPath, ['esbuild.js'], { quiet: true, capture: true }));
  pruneStaleOut();
  await timed(log, 'compiling tests', () => runOk(process.execPath, [bin.tsc, '-p', 'tsconfig.test.json'], { quiet: true, capture: true }));

  const runDir = path.join(paths.runs, 'electron');
  fs.rmSync(runDir, { recursive: true, force: true });
  const emulator = await startEmulator({ args: ['--quiet'], logFile: path.join(paths.runs, 'electron-emulator.log'), log });
  const userDataDir = path.join(runDir, 'udd');
  writeJson(path.join(userDataDir, 'User', 'settings.json'), {
    ...BASE_SETTINGS,
    'securityCopilot.graphEndpoint': emulator.url,
    'securityCopilot.auth.providerId': AUTH_PROVIDER_ID,
  });
  const workspace = path.join(runDir, 'ws');
  fs.mkdirSync(workspace, { recursive: true });
  for (const [name, text] of Object.entries(SAMPLE_FILES)) fs.writeFileSync(path.join(workspace, name), text);
  const resultFile = path.join(paths.results, 'electron-mocha.json');
  fs.rmSync(resultFile, { force: true });

  const vscodeExecutablePath = await timed(log, `downloading VS Code (${opts.version || 'stable'})`, () =>
    testElectron.downloadAndUnzipVSCode({ version: opts.version || 'stable', cachePath: path.join(paths.cache, 'electron') }),
  ).catch((e) => {
    throw new HarnessError(cannotMessage(`the download failed (${e.message})`));
  });
  trustProductForAuth(vscodeExecutablePath);
  const code = await testElectron
    .runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: [ROOT, paths.authFixture],
      extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration', 'index'),
      extensionTestsEnv: { SC_EMULATOR_URL: emulator.url, SC_TEST_RESULT_FILE: resultFile, ...(opts.grep ? { SC_TEST_GREP: opts.grep } : {}) },
      launchArgs: [workspace, '--user-data-dir', userDataDir, '--extensions-dir', path.join(runDir, 'ext'), '--disable-workspace-trust', '--disable-extensions'],
    })
    .then(() => 0, () => 1);
  const result = readJson(resultFile);
  if (result) log(`${result.passed} passed, ${result.failed} failed in desktop VS Code`);
  log(`finished with exit code ${code}`);
  return result && result.failed === 0 && result.passed > 0 ? code : 1;
}

main()
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  })
  .catch(async (e) => {
    console.error(`electron: ${e instanceof HarnessError ? e.message : e.stack || e}`);
    await cleanupAll();
    process.exit(1);
  });
