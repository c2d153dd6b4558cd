#!/usr/bin/env node
// `npm run test:electron`: the in-host suites in VS Code desktop through @vscode/test-electron, for developers who
// have network access (it downloads VS Code). Not used in CI, where nothing can be downloaded: there the same
// suites run in a real VS Code served by code-server (scripts/host/runIntegration.js, part of `npm test`).
// Needs: `npm i -D @vscode/test-electron` and a running emulator (SC_EMULATOR_URL, default http://127.0.0.1:8787,
// e.g. `npm run emulator -- --port 8787`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { paths, bin, ROOT, BASE_SETTINGS, AUTH_PROVIDER_ID, makeLogger, timed, runOk, HarnessError, writeJson } = require('./lib');

const log = makeLogger('electron');

async function main() {
  let testElectron;
  try {
    testElectron = require('@vscode/test-electron');
  } catch {
    throw new HarnessError('@vscode/test-electron is not installed. This desktop path is optional: install it with ' +
      '`npm i -D @vscode/test-electron` on a machine that can download VS Code, or use `npm run test:integration` ' +
      '(the same suites in code-server, offline).');
  }
  const emulatorUrl = process.env.SC_EMULATOR_URL || 'http://127.0.0.1:8787';
  await timed(log, 'building', () => runOk(process.execPath, ['esbuild.js'], { quiet: true, capture: true }));
  await timed(log, 'compiling tests', () => runOk(process.execPath, [bin.tsc, '-p', 'tsconfig.test.json'], { quiet: true, capture: true }));

  const runDir = path.join(paths.runs, 'electron');
  fs.rmSync(runDir, { recursive: true, force: true });
  const userDataDir = path.join(runDir, 'udd');
  writeJson(path.join(userDataDir, 'User', 'settings.json'), {
    ...BASE_SETTINGS,
    'securityCopilot.graphEndpoint': emulatorUrl,
    'securityCopilot.auth.providerId': AUTH_PROVIDER_ID,
  });
  const workspace = path.join(runDir, 'ws');
  fs.mkdirSync(workspace, { recursive: true });
  const resultFile = path.join(paths.results, 'electron-mocha.json');

  let vscodeExecutablePath;
  try {
    vscodeExecutablePath = await testElectron.downloadAndUnzipVSCode({ cachePath: path.join(paths.cache, 'electron') });
  } catch (e) {
    throw new HarnessError(`@vscode/test-electron could not download VS Code (${e.message}). Offline, use \`npm run test:integration\`.`);
  }
  const code = await testElectron.runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: [ROOT, paths.authFixture],
    extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration', 'index'),
    extensionTestsEnv: { SC_EMULATOR_URL: emulatorUrl, SC_TEST_RESULT_FILE: resultFile },
    launchArgs: [workspace, '--user-data-dir', userDataDir, '--disable-workspace-trust', '--disable-extensions'],
  }).then(() => 0, () => 1);
  log(`finished with exit code ${code}`);
  return code;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`electron: ${e instanceof HarnessError ? e.message : e.stack || e}`);
  process.exit(1);
});
