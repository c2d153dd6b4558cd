import * as assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';

// out/test/unit/emulator -> repository root
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'emulator', 'cli.js');

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 5000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; got: ${buffer}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const m = pattern.exec(buffer);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}; stdout: ${buffer}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('emulator: CLI', function () {
  this.timeout(20_000);

  before(() => {
    execFileSync(process.execPath, ['esbuild.js', '--emulator-only'], { cwd: ROOT, stdio: 'pipe' });
  });

  it('prints the listening line, serves seeded data and closes on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, '--port', '0', '--quiet', '--seed', '3x1', '--page-size', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const m = await waitForLine(child, /^listening on (http:\/\/127\.0\.0\.1:(\d+))\n/);
      assert.notEqual(m[2], '0');
      const res = await fetch(`${m[1]}/beta/security/securityCopilot/workspaces/default/sessions`, { headers: { Authorization: 'Bearer t' } });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { value: unknown[]; '@odata.nextLink'?: string };
      assert.equal(body.value.length, 2);
      assert.ok(body['@odata.nextLink']);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited(child), 0);
  });

  it('logs one line per request without the token, and applies --fault', async () => {
    const child = spawn(process.execPath, [CLI, '--port', '0', '--fault', '{"kind":"status","status":503}'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const m = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
      const logged = waitForLine(child, /GET \/beta\/security\/securityCopilot\/workspaces 503 \d+ms/);
      const res = await fetch(`${m[1]}/beta/security/securityCopilot/workspaces`, { headers: { Authorization: 'Bearer secret-token-value' } });
      assert.equal(res.status, 503);
      const line = await logged;
      assert.doesNotMatch(line.input, /secret-token-value/);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited(child), 0);
  });

  it('prints --help and rejects unknown flags', () => {
    const help = execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    assert.match(help, /--seed/);
    assert.throws(() => execFileSync(process.execPath, [CLI, '--bogus'], { stdio: 'pipe' }));
  });
});
