// Starts code-server (a real VS Code workbench + Node extension host) for one run: bound to 127.0.0.1, its own
// user-data-dir under .vscode-test/runs/<name>/, a shared extensions dir, settings written before start, and a
// small sample workspace. Nothing is written to the user's home (config file and XDG folders are in the cache).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { spawn } = require('node:child_process');
const {
  paths, BASE_SETTINGS, hostEnv, stopProcessGroup, onCleanup, sleep, HarnessError, readJson, writeJson, fmtMs, claimRun,
} = require('./lib');

const SAMPLE_FILES = {
  'signin-logs.txt': [
    '# Sample sign-in log lines (fake data for the Security Copilot demo and tests)',
    '2026-03-02T08:14:07Z user=analyst@contoso.test ip=203.0.113.24 app="Azure Portal" result=Success mfa=true location=Seattle,US',
    '2026-03-02T08:41:55Z user=j.doe@contoso.test ip=198.51.100.7 app="Exchange Online" result=Failure reason="Invalid password" location=Lagos,NG',
    '2026-03-02T08:42:03Z user=j.doe@contoso.test ip=198.51.100.7 app="Exchange Online" result=Failure reason="Invalid password" location=Lagos,NG',
    '2026-03-02T08:42:11Z user=j.doe@contoso.test ip=198.51.100.7 app="Exchange Online" result=Success mfa=false location=Lagos,NG',
    '2026-03-02T08:43:30Z user=j.doe@contoso.test ip=198.51.100.7 app="Microsoft Graph" result=Success action="New-InboxRule ForwardTo=ext@fabrikam.example"',
    '2026-03-02T08:43:31Z proxy-debug user=j.doe@contoso.test header="Authorization: Bearer eyJhbGciOiJub25lIn0.eyJ1cG4iOiJqLmRvZSJ9.c2lnbmF0dXJl"',
    '2026-03-02T09:02:18Z user=responder@contoso.test ip=203.0.113.31 app="Microsoft Defender XDR" result=Success mfa=true location=Dublin,IE',
    '',
  ].join('\n'),
  'hunt.kql': [
    '// Sign-ins that succeeded right after several failures from the same IP (password spray / brute force)',
    'let window = 10m;',
    'SigninLogs',
    '| where TimeGenerated > ago(1d)',
    '| summarize Failures = countif(ResultType != "0"), Successes = countif(ResultType == "0"),',
    '            FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by IPAddress, UserPrincipalName',
    '| where Failures >= 2 and Successes > 0 and LastSeen - FirstSeen < window',
    '| order by Failures desc',
    '',
  ].join('\n'),
  'web01.env': [
    '# Settings and a sudo line copied from the compromised host web01 (fake values for the demo and tests)',
    'DB_HOST=db01.contoso.local',
    'DB_USER=orders_app',
    'DB_PASSWORD=Tr0ub4dor&3',
    'AZURE_CLIENT_SECRET=Zqx8Q~abcdEFGHijklMNOPqrstUVWXyz01234567',
    'OPENAI_API_KEY=sk-demo-0a1b2c3d4e5f6a7b8c9d',
    'SERVICEBUS=Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=Q2hhbmdlTWVOb3dQbGVhc2UxMjM0NTY3ODkwYWJjZA==',
    'SMTP={"host": "smtp.contoso.com", "user": "alerts", "password": "correct horse battery staple"}',
    'Mar  2 10:11:12 web01 sudo: svc_backup : TTY=pts/0 ; PWD=/home/svc_backup ; USER=root ; COMMAND=/usr/bin/env MYSQL_PWD=s3cr3t-pw mysqldump orders',
    '',
  ].join('\n'),
  'README.md': '# Sample workspace\n\nFake sign-in logs and a KQL hunting query to try *Ask Security Copilot About Selection* on.\n',
};

function writeSettings(userDataDir, settings, { merge }) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  const previous = merge ? readJson(file) || {} : {};
  writeJson(file, { ...previous, ...BASE_SETTINGS, ...settings });
  return file;
}

/** The example promptbooks of docs/promptbooks, copied to `promptbooks/` in the sample workspace. */
const PROMPTBOOKS_DIR = path.join(__dirname, '..', '..', 'docs', 'promptbooks');

function writeWorkspace(dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(SAMPLE_FILES)) {
    const f = path.join(dir, name);
    if (!fs.existsSync(f)) fs.writeFileSync(f, text);
  }
  const books = fs.existsSync(PROMPTBOOKS_DIR) ? fs.readdirSync(PROMPTBOOKS_DIR).filter((n) => n.endsWith('.promptbook.md')) : [];
  if (books.length) fs.mkdirSync(path.join(dir, 'promptbooks'), { recursive: true });
  for (const name of books) {
    const f = path.join(dir, 'promptbooks', name);
    if (!fs.existsSync(f)) fs.copyFileSync(path.join(PROMPTBOOKS_DIR, name), f);
  }
}

function healthz(url) {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * @param {object} o
 * @param {string} o.name            run name (see claimRun): folder .vscode-test/runs/<name>/
 * @param {string} o.extensionsDir   extensions folder (shared between runs of the same kind)
 * @param {object} [o.settings]      user settings added to the base ones
 * @param {boolean} [o.smoke]        --vscode-option enable-smoke-test-driver (honours ?payload=, hides toasts, refuses dialogs)
 * @param {number} [o.port]          0 = any free port
 * @param {string} [o.host]          bind address, default 127.0.0.1
 * @param {boolean} [o.fresh]        wipe the run folder first (default true); false keeps the profile (npm start)
 * @param {object} [o.env]           extra environment for code-server and so the extension host
 * @param {(...a: unknown[]) => void} o.log
 */
async function startCodeServer(o) {
  const { name, extensionsDir, settings = {}, smoke = false, port = 0, host = '127.0.0.1', fresh = true, env = {}, log } = o;
  if (!fs.existsSync(paths.codeServerEntry) || !fs.existsSync(paths.node24)) {
    throw new HarnessError('code-server or Node 24 is not installed in .vscode-test/: run `node scripts/host/provision.js` (or `npm test`, which provisions)');
  }
  const runDir = path.join(paths.runs, name);
  claimRun(name); // the caller normally claimed it already (then this is a no-op)
  if (fresh) fs.rmSync(runDir, { recursive: true, force: true });
  // Keep these paths short: code-server puts a unix socket in the user-data-dir (108-byte limit).
  const userDataDir = path.join(runDir, 'udd');
  const workspaceDir = path.join(runDir, 'ws');
  const logFile = path.join(runDir, 'code-server.log');
  const configFile = path.join(runDir, 'config.yaml');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(configFile, `bind-addr: ${host}:${port}\nauth: none\ncert: false\n`);
  const settingsFile = writeSettings(userDataDir, settings, { merge: !fresh });
  writeWorkspace(workspaceDir);

  const args = [paths.codeServerEntry, '--config', configFile, '--bind-addr', `${host}:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (smoke) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(workspaceDir);

  const started = Date.now();
  const logStream = fs.createWriteStream(logFile, { flags: 'a' });
  logStream.write(`$ node ${args.join(' ')}\n`);
  const child = spawn(paths.node24, args, { cwd: runDir, env: hostEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stop = async () => {
    await stopProcessGroup(child);
    logStream.end();
  };
  onCleanup(stop);

  const url = await new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new HarnessError(`code-server did not start within 30 s; log ${logFile}:\n${tail(logFile)}`)), 30_000);
    const onData = (d) => {
      logStream.write(d);
      buffered += d;
      const m = /HTTP server listening on (http:\/\/[^\s/]+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => reject(new HarnessError(`cannot start code-server: ${e.message}`)));
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      setTimeout(() => reject(new HarnessError(`code-server exited (${code ?? sig}) while starting; log ${logFile}:\n${tail(logFile)}`)), 50);
    });
  }).catch(async (e) => {
    await stop();
    throw e;
  });
  const actualPort = Number(new URL(url).port);

  for (let i = 0; ; i++) {
    if (await healthz(url)) break;
    if (i > 100 || child.exitCode !== null) {
      await stop();
      throw new HarnessError(`code-server at ${url} does not answer /healthz; log ${logFile}:\n${tail(logFile)}`);
    }
    await sleep(100);
  }
  log(`code-server ${smoke ? '(smoke-test driver) ' : ''}ready at ${url} in ${fmtMs(Date.now() - started)} (log: ${path.relative(paths.root, logFile)})`);

  /** Workbench URL opening the sample workspace, plus extra query parameters ([key, value] pairs). */
  const workbenchUrl = (extra = []) => {
    const q = new URLSearchParams([['folder', workspaceDir], ...extra]);
    return `${url}/?${q.toString()}`;
  };
  return { url, port: actualPort, host, runDir, userDataDir, workspaceDir, settingsFile, logFile, workbenchUrl, stop, process: child };
}

module.exports = { startCodeServer, SAMPLE_FILES };
