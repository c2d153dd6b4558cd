#!/usr/bin/env node
// `npm test`: everything, in order, each step timed:
//   lint (eslint .) -> typecheck -> unit tests -> provision the real-VS-Code host -> in-host integration tests
//   -> browser end-to-end tests.
// It ends with a summary and, alone on the last line, `N passed, M failed` (CI reads that line). N counts passing
// tests; M counts failing tests plus every step that failed without test counts (lint, typecheck, provisioning,
// a runner that crashed or ran nothing). Exits non-zero when M > 0 or when no test ran. Nothing is skipped
// silently: steps left out by --only are listed as such.
//
// Usage: npm test [-- --only unit|integration|e2e[,...]]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { paths, bin, fmtMs, run, readJson, pruneStaleOut, HarnessError } = require('./host/lib');

const ROOT = paths.root;
const STAGES = ['unit', 'integration', 'e2e'];

function parseOptions(argv) {
  let only;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      only = String(v || '').split(',').map((s) => s.trim()).filter(Boolean);
      const bad = only.filter((s) => !STAGES.includes(s));
      if (!only.length || bad.length) throw new HarnessError(`--only takes ${STAGES.join('|')} (comma separated), got ${v}`);
    } else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/test.js [--only unit|integration|e2e[,...]]');
      process.exit(0);
    } else {
      throw new HarnessError(`unknown argument ${a} (usage: node scripts/test.js [--only unit|integration|e2e])`);
    }
  }
  return { only };
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const stripAnsi = (s) => s.replace(ANSI, '');

/** Counts from mocha's spec reporter output (the last summary in it). */
function parseMochaCounts(output) {
  const text = stripAnsi(output);
  const last = (re) => {
    let m;
    let value;
    const g = new RegExp(re, 'gm');
    while ((m = g.exec(text))) value = Number(m[1]);
    return value;
  };
  const passed = last('^\\s*(\\d+) passing');
  const failed = last('^\\s*(\\d+) failing');
  const pending = last('^\\s*(\\d+) pending');
  if (passed === undefined && failed === undefined) return undefined;
  return { passed: passed ?? 0, failed: failed ?? 0, pending: pending ?? 0 };
}

function banner(text) {
  console.log(`\n${'='.repeat(100)}\n== ${text}\n${'='.repeat(100)}`);
}

async function main() {
  const { only } = parseOptions(process.argv.slice(2));
  const wanted = (stage) => !only || only.includes(stage);
  const results = [];
  const started = Date.now();
  fs.mkdirSync(paths.results, { recursive: true });

  /**
   * kind 'check': pass/fail by exit code. kind 'tests': counts from `resultFile` (JSON written by the runner) or
   * from mocha's output.
   */
  async function step(name, cmd, args, { kind = 'check', resultFile, skipReason } = {}) {
    if (skipReason) {
      results.push({ name, status: 'not run', detail: skipReason, ms: 0, failedUnits: 1 });
      console.log(`\n-- ${name}: NOT RUN (${skipReason})`);
      return false;
    }
    banner(`${name}: ${[path.basename(cmd) === 'node' ? 'node' : cmd, ...args].join(' ')}`);
    if (resultFile) fs.rmSync(resultFile, { force: true });
    const t = Date.now();
    const r = await run(cmd, args, { cwd: ROOT, capture: kind === 'tests', env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' } });
    const ms = Date.now() - t;
    const entry = { name, ms, code: r.code };
    if (kind === 'tests') {
      const counts = (resultFile && readJson(resultFile)) || parseMochaCounts(`${r.stdout}\n${r.stderr}`);
      if (resultFile) fs.rmSync(resultFile, { force: true });
      if (!counts) {
        Object.assign(entry, { status: 'FAILED', detail: `exit ${r.code}, no test results`, passed: 0, failed: 0, failedUnits: 1 });
      } else {
        const { passed = 0, failed = 0, pending = 0 } = counts;
        let failedUnits = failed;
        let detail = `${passed} passing, ${failed} failing${pending ? `, ${pending} pending (not run: marked skip/pending)` : ''}`;
        if (passed + failed === 0) {
          failedUnits += 1;
          detail += ' - NO TEST RAN';
        } else if (r.code !== 0 && failed === 0) {
          failedUnits += 1;
          detail += ` - but exit code ${r.code}`;
        }
        Object.assign(entry, { status: failedUnits ? 'FAILED' : 'ok', detail, passed, failed, pending, failedUnits });
      }
    } else {
      Object.assign(entry, { status: r.code === 0 ? 'ok' : 'FAILED', detail: r.code === 0 ? '' : `exit code ${r.code}`, failedUnits: r.code === 0 ? 0 : 1 });
    }
    results.push(entry);
    console.log(`\n-- ${name}: ${entry.status}${entry.detail ? ` (${entry.detail})` : ''} in ${fmtMs(ms)}`);
    return entry.status === 'ok';
  }

  const node = process.execPath;
  const skipped = [];
  if (!only) {
    await step('lint', node, [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']);
    await step('typecheck', bin.npm, ['run', '--silent', 'typecheck']);
  } else {
    skipped.push('lint', 'typecheck');
  }

  // tsc never deletes the output of removed sources, and a stale test file would still run.
  pruneStaleOut();
  let compiled = false;
  if (wanted('unit')) {
    await step('unit tests', bin.npm, ['run', '--silent', 'test:unit'], { kind: 'tests' });
    compiled = fs.existsSync(path.join(ROOT, 'out', 'test'));
  } else {
    skipped.push('unit tests');
  }

  const hostStages = ['integration', 'e2e'].filter(wanted);
  let provisioned = false;
  if (hostStages.length) {
    provisioned = await step('provision', node, [path.join(__dirname, 'host', 'provision.js')]);
  }
  const notProvisioned = provisioned ? undefined : 'provisioning failed, see above';
  const compileFlag = compiled ? ['--no-compile'] : [];
  if (wanted('integration')) {
    const resultFile = path.join(os.tmpdir(), `sc-npm-test-${process.pid}-integration.json`);
    await step('in-host integration tests', node, [path.join(__dirname, 'host', 'runIntegration.js'), ...compileFlag, '--results', resultFile],
      { kind: 'tests', resultFile, skipReason: notProvisioned });
  } else {
    skipped.push('in-host integration tests');
  }
  if (wanted('e2e')) {
    const resultFile = path.join(os.tmpdir(), `sc-npm-test-${process.pid}-e2e.json`);
    await step('browser end-to-end tests', node, [path.join(__dirname, 'host', 'runE2E.js'), ...compileFlag, '--results', resultFile],
      { kind: 'tests', resultFile, skipReason: notProvisioned });
  } else {
    skipped.push('browser end-to-end tests');
  }

  banner('summary');
  for (const r of results) {
    console.log(`  ${r.name.padEnd(28)} ${r.status.padEnd(8)} ${fmtMs(r.ms).padStart(8)}  ${r.detail || ''}`);
  }
  if (skipped.length) console.log(`  left out by --only ${only.join(',')}: ${skipped.join(', ')}`);
  const passed = results.reduce((n, r) => n + (r.passed || 0), 0);
  const failed = results.reduce((n, r) => n + (r.failedUnits || 0), 0);
  console.log(`  total ${fmtMs(Date.now() - started)}`);
  if (passed === 0 && failed === 0) console.log('  nothing ran');
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`test: ${e instanceof HarnessError ? e.message : e.stack || e}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
