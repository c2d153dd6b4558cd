// Entry point of the in-host test run: VS Code loads this file inside the real extension host (the workbench's
// `extensionTestsPath`) and calls run(). It runs every out/test/integration/**/*.test.js with mocha and writes a
// JSON summary to $SC_TEST_RESULT_FILE for scripts/host/runIntegration.js.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface FailureInfo {
  title: string;
  error: string;
}

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(p));
    else if (entry.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

function writeResult(result: object): void {
  const file = process.env.SC_TEST_RESULT_FILE;
  if (!file) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  } catch (e) {
    console.error(`cannot write the test result file ${file}: ${String(e)}`);
  }
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 30_000,
    reporter: 'spec',
    forbidOnly: true,
    color: process.env.SC_TEST_COLOR === '1',
  });
  if (process.env.SC_TEST_GREP) mocha.grep(process.env.SC_TEST_GREP);
  const files = findTests(__dirname);
  for (const f of files) mocha.addFile(f);
  console.log(`in-host tests: ${files.length} file(s) in ${__dirname}`);

  return new Promise((resolve, reject) => {
    const failures: FailureInfo[] = [];
    try {
      const runner = mocha.run((failed) => {
        const s = runner.stats;
        writeResult({
          passed: s?.passes ?? 0,
          failed: s?.failures ?? failed,
          pending: s?.pending ?? 0,
          durationMs: s?.duration ?? 0,
          files: files.length,
          failures,
        });
        if (failed > 0) reject(new Error(`${failed} in-host test(s) failed`));
        else resolve();
      });
      runner.on('fail', (test, err: unknown) => {
        failures.push({ title: test.fullTitle(), error: err instanceof Error ? err.message : String(err) });
      });
    } catch (e) {
      writeResult({ passed: 0, failed: 1, pending: 0, files: files.length, failures: [{ title: 'loading the test files', error: String(e) }] });
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
