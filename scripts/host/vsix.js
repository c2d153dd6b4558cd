// Packaging and installing extensions for the test host: the product's .vsix (`npm run package`) and the
// stand-in sign-in fixture's .vsix (cached by content), installed with code-server's --install-extension.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { paths, bin, runOk, hostEnv, timed, readJson, writeJson, HarnessError } = require('./lib');

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Builds the product in production mode and packages security-copilot.vsix (the `package` npm script). */
async function packageProduct(log) {
  await timed(log, 'npm run package (production build + vsce)', () =>
    runOk(bin.npm, ['run', '--silent', 'package'], { quiet: true, capture: true }));
  if (!fs.existsSync(paths.productVsix)) throw new HarnessError(`npm run package did not produce ${paths.productVsix}`);
  return paths.productVsix;
}

/**
 * Packages a test fixture extension (a folder under test/fixtures) into .vscode-test/vsix/<prefix>-<hash>.vsix,
 * reusing the file when the sources did not change.
 */
async function packageFixture(log, dir, prefix, what) {
  const files = fs.readdirSync(dir).filter((f) => !f.endsWith('.vsix')).sort();
  const hash = crypto.createHash('sha256');
  for (const f of files) hash.update(f).update(fs.readFileSync(path.join(dir, f)));
  const digest = hash.digest('hex').slice(0, 12);
  fs.mkdirSync(paths.vsixCache, { recursive: true });
  const out = path.join(paths.vsixCache, `${prefix}-${digest}.vsix`);
  if (fs.existsSync(out)) {
    log(`${what} vsix up to date (${path.relative(paths.root, out)})`);
    return out;
  }
  await timed(log, `packaging the ${what}`, () =>
    runOk(process.execPath, [bin.vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out],
      { cwd: dir, quiet: true, capture: true }));
  for (const f of fs.readdirSync(paths.vsixCache)) {
    if (f.startsWith(`${prefix}-`) && f !== path.basename(out)) fs.rmSync(path.join(paths.vsixCache, f), { force: true });
  }
  return out;
}

/** The stand-in sign-in fixture (test/fixtures/auth-provider). */
function packageAuthFixture(log) {
  return packageFixture(log, paths.authFixture, 'test-auth', 'stand-in sign-in fixture');
}

/** The bench's extension host profiler (test/fixtures/bench-profiler; `npm run bench -- --profile` only). */
function packageProfilerFixture(log) {
  return packageFixture(log, path.join(paths.root, 'test', 'fixtures', 'bench-profiler'), 'bench-profiler', 'bench profiler fixture');
}

/**
 * Installs .vsix files into `extensionsDir` (skipping files already installed there unchanged).
 * `items`: [{ vsix, id }], id = the extension id the vsix contains (to check the result).
 */
async function installExtensions(log, extensionsDir, items) {
  fs.mkdirSync(extensionsDir, { recursive: true });
  const stateFile = path.join(extensionsDir, '.sc-installed.json');
  const state = readJson(stateFile) || {};
  const present = fs.readdirSync(extensionsDir);
  const todo = items.filter(({ vsix, id }) => {
    const installed = present.some((d) => d.toLowerCase().startsWith(`${id.toLowerCase()}-`));
    return !installed || state[id] !== sha256(vsix);
  });
  if (!todo.length) {
    log(`extensions up to date in ${path.relative(paths.root, extensionsDir)} (${items.map((i) => i.id).join(', ')})`);
    return;
  }
  const args = [paths.codeServerEntry, '--config', path.join(paths.cache, 'code-server-cli.yaml'),
    '--user-data-dir', paths.cliUserData, '--extensions-dir', extensionsDir, '--force'];
  for (const { vsix } of todo) args.push('--install-extension', vsix);
  await timed(log, `installing ${todo.map((i) => i.id).join(', ')}`, async () => {
    const r = await runOk(paths.node24, args, { env: hostEnv(), quiet: true, capture: true });
    const out = `${r.stdout}\n${r.stderr}`;
    const now = fs.readdirSync(extensionsDir);
    for (const { vsix, id } of todo) {
      const said = out.includes(`'${path.basename(vsix)}' was successfully installed`);
      const there = now.some((d) => d.toLowerCase().startsWith(`${id.toLowerCase()}-`));
      if (!said || !there) throw new HarnessError(`code-server did not install ${id} from ${vsix}:\n${out.trim()}`);
    }
  });
  for (const { vsix, id } of todo) state[id] = sha256(vsix);
  writeJson(stateFile, state);
}

module.exports = { packageProduct, packageAuthFixture, packageProfilerFixture, installExtensions };
