import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { maskSecret } from '../auth/secrets';
import { SECTION } from '../config';
import type { AuthMethod } from '../identity/types';
import type { CommandContext, CommandDefinition } from './context';

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const TENANT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|organizations|common|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

/** The prompts of the flow (VS Code's quick input; the in-host test scripts them). */
export interface SignInPrompts {
  pick<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  input(options: vscode.InputBoxOptions): Thenable<string | undefined>;
}

const windowPrompts: SignInPrompts = {
  pick: (items, options) => vscode.window.showQuickPick(items, { ...options, ignoreFocusOut: true }),
  input: (options) => vscode.window.showInputBox({ ...options, ignoreFocusOut: true }),
};

interface MethodItem extends vscode.QuickPickItem {
  method: AuthMethod;
}

function methodItems(current: AuthMethod): MethodItem[] {
  const items: MethodItem[] = [
    { method: 'vscode', label: vscode.l10n.t('VS Code sign-in'), detail: vscode.l10n.t("VS Code's Microsoft sign-in (Accounts menu) with your app registration. Recommended.") },
    { method: 'deviceCode', label: vscode.l10n.t('Device code'), detail: vscode.l10n.t('Enter a code on any device: remote machines, editors without a working Microsoft sign-in.') },
    { method: 'interactiveBrowser', label: vscode.l10n.t('Browser on this machine'), detail: vscode.l10n.t('Opens the system browser where the extension runs (local windows only).') },
    { method: 'azureCli', label: vscode.l10n.t('Azure CLI'), detail: vscode.l10n.t('Uses your "az login"; no app registration of your own.') },
    { method: 'clientSecret', label: vscode.l10n.t('App with a client secret'), detail: vscode.l10n.t('Signs in as your app registration (automation). The secret goes to the OS keychain.') },
    { method: 'clientCertificate', label: vscode.l10n.t('App with a certificate'), detail: vscode.l10n.t('Signs in as your app registration with a PEM certificate (key and certificate in one file).') },
  ];
  for (const item of items) if (item.method === current) item.description = vscode.l10n.t('current');
  return items;
}

const step = (n: number, total: number): string => vscode.l10n.t('Configure Sign-in ({0}/{1})', n, total);

/**
 * The guided flow: method, client id, tenant, then the secret or the certificate path and password. Settings
 * get method, tenant and client id (user settings); secrets go to SecretStorage only, are never logged and are
 * shown back masked. Returns the chosen method, or undefined when cancelled.
 */
export async function runConfigureSignIn(ctx: Pick<CommandContext, 'copilot'>, prompts: SignInPrompts = windowPrompts): Promise<AuthMethod | undefined> {
  const settings = ctx.copilot.settings;
  const picked = await prompts.pick(methodItems(settings.method), { title: step(1, 3), placeHolder: vscode.l10n.t('How do you want to sign in to Security Copilot?') });
  if (!picked) return undefined;
  const method = picked.method;
  const appOnly = method === 'clientSecret' || method === 'clientCertificate';
  const total = appOnly ? 4 : 3;

  let clientId = settings.clientId;
  if (method !== 'azureCli') {
    const value = await prompts.input({
      title: step(2, total),
      prompt: method === 'vscode'
        ? vscode.l10n.t('Application (client) id of your app registration (leave empty only if your admin pre-authorized VS Code)')
        : vscode.l10n.t('Application (client) id of your app registration'),
      value: clientId,
      placeHolder: '00000000-0000-0000-0000-000000000000',
      validateInput: (v) => (v.trim() === '' && method === 'vscode') || GUID.test(v.trim()) ? undefined : vscode.l10n.t('An application (client) id is a GUID.'),
    });
    if (value === undefined) return undefined;
    clientId = value.trim();
  }

  const tenantValue = await prompts.input({
    title: step(method === 'azureCli' ? 2 : 3, total),
    prompt: appOnly ? vscode.l10n.t('Tenant id or domain (an app signs in to one tenant)') : vscode.l10n.t('Tenant id or domain, or "organizations" for your home tenant'),
    value: appOnly && /^(organizations|common)$/i.test(settings.tenantId) ? '' : settings.tenantId,
    placeHolder: 'contoso.onmicrosoft.com',
    validateInput: (v) => {
      const t = v.trim();
      if (!TENANT.test(t)) return vscode.l10n.t('Enter a tenant GUID, a domain such as contoso.onmicrosoft.com, or "organizations".');
      if (appOnly && /^(organizations|common)$/i.test(t)) return vscode.l10n.t('An app signs in to one tenant: enter its id or domain.');
      return undefined;
    },
  });
  if (tenantValue === undefined) return undefined;
  const tenantId = tenantValue.trim();

  const secrets = ctx.copilot.secrets;
  if (method === 'clientSecret') {
    const stored = await secrets?.clientSecret();
    const value = await prompts.input({
      title: step(4, total),
      prompt: stored
        ? vscode.l10n.t('Client secret value (stored: {0}). Leave empty to keep it.', maskSecret(stored))
        : vscode.l10n.t('Client secret value (Certificates & secrets → Client secrets → Value)'),
      password: true,
      validateInput: (v) => (v === '' && stored) || v.trim().length >= 8 ? undefined : vscode.l10n.t('Paste the secret value (not its id).'),
    });
    if (value === undefined) return undefined;
    if (value) await secrets?.setClientSecret(value.trim());
  } else if (method === 'clientCertificate') {
    const stored = await secrets?.certificate();
    const file = await prompts.input({
      title: step(4, total),
      prompt: vscode.l10n.t('Path of the PEM file with the private key and the certificate'),
      value: stored?.path ?? '',
      validateInput: (v) => (fs.existsSync(v.trim()) ? undefined : vscode.l10n.t('No file at this path.')),
    });
    if (file === undefined) return undefined;
    const password = await prompts.input({
      title: step(4, total),
      prompt: stored?.password
        ? vscode.l10n.t('Password of the private key (stored: {0}). Leave empty to keep it; type a space for none.', maskSecret(stored.password))
        : vscode.l10n.t('Password of the private key (leave empty if it has none)'),
      password: true,
    });
    if (password === undefined) return undefined;
    const keep = password === '' && stored?.path === file.trim() ? stored.password : password.trim();
    await secrets?.setCertificate({ path: file.trim(), ...(keep ? { password: keep } : {}) });
  }

  const config = vscode.workspace.getConfiguration(SECTION);
  const target = vscode.ConfigurationTarget.Global;
  await config.update('auth.method', method === 'vscode' ? undefined : method, target);
  await config.update('auth.tenantId', tenantId === 'organizations' ? undefined : tenantId, target);
  if (method !== 'azureCli') await config.update('auth.clientId', clientId || undefined, target);
  ctx.copilot.log.info(`Sign-in configured: method ${method}, tenant ${tenantId}${method === 'azureCli' ? '' : `, client id ${clientId || '(VS Code default)'}`}.`);
  return method;
}

export const configureSignIn: CommandDefinition = {
  id: 'securityCopilot.configureSignIn',
  verb: 'configure the sign-in',
  run: async (ctx) => {
    const method = await runConfigureSignIn(ctx);
    if (!method) return undefined;
    const signIn = vscode.l10n.t('Sign In');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Security Copilot sign-in is configured.'), signIn);
    if (choice === signIn) await vscode.commands.executeCommand('securityCopilot.signIn');
    return method;
  },
};
