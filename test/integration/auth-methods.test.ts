// Sign-in methods in the real extension host, against the identity stand-in (https on loopback, trusted through
// NODE_EXTRA_CA_CERTS) and the Graph emulator. Only activation.test.ts sorts before it (it activates the extension
// and uses chat, a promptbook, a command and a panel, none of which loads identity code), so its first test still
// sees what activation loaded.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { runConfigureSignIn, type SignInPrompts } from '../../src/commands/configureSignIn';
import { identity, identityUrl } from '../support/identityControl';
import { api, emulator, graphRequests, reloadSessions, waitFor } from './helpers';

const PUBLIC_APP = 'aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa';
const SECRET_APP = 'bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb';
const CERT_APP = 'cccccccc-3333-4333-8333-cccccccccccc';
const TENANT = 'contoso.test';
const SECRET = 'Zx8~host-secret-value-7731';
const ROOT = path.resolve(__dirname, '../../..');
const FAKE_CLI = path.join(ROOT, 'test', 'fixtures', 'fake-cli');

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('securityCopilot');
const G = vscode.ConfigurationTarget.Global;

async function setSettings(values: Record<string, unknown>): Promise<void> {
  for (const [k, v] of Object.entries(values)) await config().update(k, v, G);
}

async function resetSettings(): Promise<void> {
  await setSettings({ 'auth.method': undefined, 'auth.authorityHost': undefined, 'auth.clientId': undefined, 'auth.tenantId': undefined, 'auth.access': undefined });
}

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Scripted answers for the Configure Sign-in flow, in order; records what was asked. */
function scripted(answers: (string | ((items: vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined))[]): SignInPrompts & { asked: vscode.InputBoxOptions[] } {
  const queue = [...answers];
  const asked: vscode.InputBoxOptions[] = [];
  return {
    asked,
    pick: async (items) => {
      const next = queue.shift();
      assert.equal(typeof next, 'function', 'a quick pick was expected');
      return (next as (i: vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined)(items) as (typeof items)[number] | undefined;
    },
    input: async (options) => {
      asked.push(options);
      const next = queue.shift();
      assert.equal(typeof next, 'string', `an input box was expected for "${options.prompt}"`);
      const problem = await options.validateInput?.(next as string);
      assert.ok(!problem, `the flow refused "${String(next)}": ${JSON.stringify(problem)}`);
      return next as string;
    },
  };
}

const pickMethod = (label: RegExp) => (items: vscode.QuickPickItem[]) => items.find((i) => label.test(i.label));

describe('Sign-in methods (in the extension host, against the identity stand-in)', function () {
  this.timeout(60_000);
  let a: ExtensionApi;
  const savedPath = process.env.PATH;

  before(async () => {
    // Activation happened with the default method (activation.test.ts; the first test checks what it loaded).
    a = await api();
    // The Graph emulator is plain http on loopback: with a real token source (these methods) that needs the
    // user's explicit opt-in.
    await setSettings({ allowInsecureLoopback: true });
    await identity.registerApp({ clientId: PUBLIC_APP, displayName: 'Security Copilot for VS Code' });
    await identity.registerApp({ clientId: SECRET_APP, displayName: 'SOC automation', secret: SECRET });
  });

  beforeEach(async () => {
    await emulator.reset();
    await emulator.seed({ sessions: 3, promptsPerSession: 1 });
    await identity.clearRequests();
  });

  after(async () => {
    process.env.PATH = savedPath;
    await resetSettings();
    await setSettings({ allowInsecureLoopback: undefined });
    a?.copilot.engine.reset();
  });

  it('activation with the default method loads no identity code, and the extension bundle holds none', async () => {
    assert.equal(a.copilot.auth.method, 'vscode');
    const loaded = Object.keys(require.cache);
    assert.deepEqual(loaded.filter((f) => /[\\/]dist[\\/]identity\.js$|@azure[\\/](identity|msal)/.test(f)), [], 'no identity module is loaded');
    assert.ok(loaded.some((f) => /[\\/]dist[\\/]extension\.js$/.test(f)), 'the extension bundle itself is in require.cache (the check looks at the right place)');
    const bundle = fs.readFileSync(path.join(ROOT, 'dist', 'extension.js'), 'utf8');
    assert.ok(!/msal|DeviceCodeCredential|AzureCliCredential/.test(bundle), 'dist/extension.js contains no @azure/identity code');
    const sizes = { extension: fs.statSync(path.join(ROOT, 'dist', 'extension.js')).size, identity: fs.statSync(path.join(ROOT, 'dist', 'identity.js')).size };
    console.log(`    bundle sizes: dist/extension.js ${Math.round(sizes.extension / 1024)} KB, dist/identity.js ${Math.round(sizes.identity / 1024)} KB`);
  });

  it('device code: Sign In shows a code; once approved the token lists the sessions (and identity.js is loaded now)', async () => {
    await setSettings({ 'auth.method': 'deviceCode', 'auth.authorityHost': identityUrl(), 'auth.clientId': PUBLIC_APP, 'auth.tenantId': TENANT });
    await waitFor('the method to apply', () => a.copilot.auth.method === 'deviceCode');
    assert.equal(await a.copilot.auth.check(), undefined, 'no sign-in yet, and checking never prompts');
    const signingIn = vscode.commands.executeCommand<string | undefined>('securityCopilot.signIn');
    const [code] = await waitFor('a device code at the stand-in', async () => {
      const codes = await identity.deviceCodes();
      return codes.length ? codes : undefined;
    });
    assert.deepEqual(code.scopes, ['SecurityCopilotWorkspaces.ReadWrite.All']);
    await identity.approve(code.userCode);
    assert.equal(await signingIn, 'analyst@contoso.test');
    assert.ok(Object.keys(require.cache).some((f) => /[\\/]dist[\\/]identity\.js$/.test(f)), 'dist/identity.js was loaded for this method');
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.sessions.length, 3);
    const requests = await identity.requests();
    assert.ok(requests.some((r) => r.grantType === 'device_code' || r.grantType.endsWith(':device_code')), 'the token came from the device code grant');
  });

  it('read-only access asks only for Read.All and refuses write commands with a message', async () => {
    await setSettings({ 'auth.method': 'deviceCode', 'auth.authorityHost': identityUrl(), 'auth.clientId': PUBLIC_APP, 'auth.tenantId': TENANT, 'auth.access': 'readOnly' });
    await waitFor('read-only to apply', () => a.copilot.readOnly);
    const signingIn = vscode.commands.executeCommand<string | undefined>('securityCopilot.signIn');
    const [code] = await waitFor('a device code', async () => {
      const codes = await identity.deviceCodes();
      return codes.length ? codes : undefined;
    });
    assert.deepEqual(code.scopes, ['SecurityCopilotWorkspaces.Read.All']);
    await identity.approve(code.userCode);
    await signingIn;
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.sessions.length, 3, 'reading works');
    await emulator.clearRequests();
    assert.equal(await vscode.commands.executeCommand('securityCopilot.createSession'), undefined);
    assert.equal(await vscode.commands.executeCommand('securityCopilot.renameSession', a.copilot.engine.list.sessions[0].id), undefined);
    // The panel reads, but Send (and Re-run, Cancel) are off with the reason.
    const first = a.copilot.engine.list.sessions[0].id;
    await vscode.commands.executeCommand('securityCopilot.openSession', first);
    const panel = a.panels.get(first)!;
    await waitFor('the panel', () => panel.snapshot().session);
    await panel.receive({ type: 'sendPrompt', content: 'must not be sent' });
    assert.match(panel.snapshot().sendError ?? '', /Read-only mode/);
    assert.deepEqual(await graphRequests('POST', /./), [], 'no write reached Graph');
    assert.deepEqual(await graphRequests('PATCH', /./), [], 'no write reached Graph');
    await setSettings({ 'auth.access': undefined });
  });

  it('Configure Sign-in: the client secret goes to SecretStorage (masked when shown back), never to settings or the log; the app signs in', async () => {
    const before = await a.copilot.secrets?.clientSecret();
    assert.equal(before, undefined);
    await setSettings({ 'auth.authorityHost': identityUrl() });
    const ctx = { copilot: a.copilot, tree: a.tree, panels: a.panels, extensionUri: vscode.Uri.file(ROOT) };
    const first = scripted([pickMethod(/client secret/i), SECRET_APP, TENANT, SECRET]);
    assert.equal(await runConfigureSignIn(ctx, first), 'clientSecret');
    assert.equal(first.asked.at(-1)?.password, true, 'the secret is typed into a password box');
    assert.equal(await a.copilot.secrets?.clientSecret(), SECRET, 'round-trips through SecretStorage');
    const inspected = config().inspect('auth');
    assert.ok(!JSON.stringify(inspected).includes(SECRET), 'not in settings');
    assert.equal(config().get('auth.method'), 'clientSecret');
    assert.equal(config().get('auth.clientId'), SECRET_APP);
    assert.equal(config().get('auth.tenantId'), TENANT);

    // Shown back masked, and kept when left empty.
    const again = scripted([pickMethod(/client secret/i), SECRET_APP, TENANT, '']);
    await runConfigureSignIn(ctx, again);
    const secretPrompt = String(again.asked.at(-1)?.prompt);
    assert.ok(!secretPrompt.includes(SECRET), 'never shown in full');
    assert.match(secretPrompt, /Zx••••••31/);
    assert.equal(await a.copilot.secrets?.clientSecret(), SECRET);

    await waitFor('the method to apply', () => a.copilot.auth.method === 'clientSecret');
    const session = await a.copilot.auth.signIn();
    assert.match(session.account.label, /SOC automation/);
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.sessions.length, 3);
    const requests = await identity.requests();
    assert.ok(requests.some((r) => r.grantType === 'client_credentials' && r.clientAuth === 'secret' && r.clientId === SECRET_APP));

    // The log says what happened, and never the secret.
    const logRoot = path.resolve(a.logUri.fsPath, '..', '..');
    const logs = await waitFor('the log to record the configuration', () => {
      const files = filesUnder(logRoot).filter((f) => f.endsWith('.log'));
      return files.some((f) => fs.readFileSync(f, 'utf8').includes('Sign-in configured: method clientSecret')) ? files : undefined;
    });
    for (const f of logs) assert.ok(!fs.readFileSync(f, 'utf8').includes(SECRET), `${f} does not contain the secret`);
    await a.copilot.secrets?.setClientSecret(undefined);
  });

  it('Configure Sign-in with a certificate: path and key password go to SecretStorage (masked when shown back), never to settings or the log; the app signs in', async () => {
    const { generate } = await import('selfsigned');
    const made = await generate([{ name: 'commonName', value: 'sc-host-test' }], { keySize: 2048, algorithm: 'sha256' });
    await identity.registerApp({ clientId: CERT_APP, displayName: 'SOC automation (cert)', certificatePem: made.cert });
    // The private key encrypted with a password, as a security team keeps it.
    const password = 'Pem-pass-4471-horse';
    const key = crypto.createPrivateKey(made.private).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password });
    const pemFile = path.join(path.dirname(a.logUri.fsPath), 'client-cert.pem');
    fs.writeFileSync(pemFile, `${String(key)}\n${made.cert}`);
    const ctx = { copilot: a.copilot, tree: a.tree, panels: a.panels, extensionUri: vscode.Uri.file(ROOT) };
    try {
      await setSettings({ 'auth.authorityHost': identityUrl() });
      await identity.clearRequests();
      // A path with no file is refused in the box itself.
      const missing = scripted([pickMethod(/certificate/i), CERT_APP, TENANT]);
      const flow = runConfigureSignIn(ctx, {
        ...missing,
        input: async (options) => {
          if (missing.asked.length < 2) return missing.input(options);
          assert.equal(await options.validateInput?.(`${pemFile}.missing`), 'No file at this path.');
          return undefined;
        },
      });
      assert.equal(await flow, undefined, 'cancelled at the path: nothing configured');
      assert.equal(await a.copilot.secrets?.certificate(), undefined);

      const first = scripted([pickMethod(/certificate/i), CERT_APP, TENANT, pemFile, password]);
      assert.equal(await runConfigureSignIn(ctx, first), 'clientCertificate');
      assert.equal(first.asked.at(-1)?.password, true, 'the key password is typed into a password box');
      assert.deepEqual(await a.copilot.secrets?.certificate(), { path: pemFile, password });
      assert.ok(!JSON.stringify(config().inspect('auth')).includes(password), 'not in settings');
      assert.equal(config().get('auth.method'), 'clientCertificate');

      // Shown back masked, and kept when left empty.
      const again = scripted([pickMethod(/certificate/i), CERT_APP, TENANT, pemFile, '']);
      await runConfigureSignIn(ctx, again);
      const prompt = String(again.asked.at(-1)?.prompt);
      assert.ok(!prompt.includes(password), 'never shown in full');
      assert.match(prompt, /Pe••••••se/);
      assert.deepEqual(await a.copilot.secrets?.certificate(), { path: pemFile, password });

      // An app's sign-in needs no one: it may already have happened when the settings changed.
      await waitFor('the method to apply', () => a.copilot.auth.method === 'clientCertificate');
      await vscode.commands.executeCommand('securityCopilot.signIn');
      await reloadSessions(a);
      assert.equal(a.copilot.engine.list.sessions.length, 3);
      assert.ok((await identity.requests()).some((r) => r.clientAuth === 'certificate' && r.clientId === CERT_APP), 'the encrypted key signed the assertion');

      const logRoot = path.resolve(a.logUri.fsPath, '..', '..');
      const logs = await waitFor('the log to record the configuration', () => {
        const files = filesUnder(logRoot).filter((f) => f.endsWith('.log'));
        return files.some((f) => fs.readFileSync(f, 'utf8').includes('Sign-in configured: method clientCertificate')) ? files : undefined;
      });
      for (const f of logs) assert.ok(!fs.readFileSync(f, 'utf8').includes(password), `${f} does not contain the key password`);
    } finally {
      await a.copilot.secrets?.setCertificate(undefined);
      fs.rmSync(pemFile, { force: true });
    }
  });

  it('Azure CLI: the token of a (fake) `az` on PATH lists the sessions', async () => {
    process.env.PATH = `${FAKE_CLI}${path.delimiter}${savedPath ?? ''}`;
    const azLog = path.join(path.dirname(a.logUri.fsPath), 'az-calls.log');
    process.env.FAKE_AZ_LOG = azLog;
    await setSettings({ 'auth.method': 'azureCli', 'auth.tenantId': TENANT });
    await waitFor('the method to apply', () => a.copilot.auth.method === 'azureCli');
    assert.equal(await vscode.commands.executeCommand('securityCopilot.signIn'), 'cli-user@contoso.test');
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.sessions.length, 3);
    const calls = fs.readFileSync(azLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    assert.ok(calls.every((c) => c.includes('--resource') && c[c.indexOf('--tenant') + 1] === TENANT));
  });

  it('interactive browser: the (fake) system browser completes the loopback redirect; the token lists the sessions', async () => {
    process.env.PATH = `${FAKE_CLI}${path.delimiter}${savedPath ?? ''}`;
    await setSettings({ 'auth.method': 'interactiveBrowser', 'auth.authorityHost': identityUrl(), 'auth.clientId': PUBLIC_APP, 'auth.tenantId': TENANT });
    await waitFor('the method to apply', () => a.copilot.auth.method === 'interactiveBrowser');
    assert.equal(await vscode.commands.executeCommand('securityCopilot.signIn'), 'analyst@contoso.test');
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.sessions.length, 3);
    assert.ok((await identity.requests()).some((r) => r.grantType === 'authorization_code'));
  });

  it('back to the default method: VS Code sign-in again', async () => {
    await resetSettings();
    await waitFor('the default method', () => a.copilot.auth.method === 'vscode');
    assert.ok(await vscode.commands.executeCommand('securityCopilot.signIn'));
    await reloadSessions(a);
    assert.equal(a.copilot.engine.list.sessions.length, 3);
    assert.ok((await graphRequests('GET', /\/sessions$/)).length > 0);
  });
});
