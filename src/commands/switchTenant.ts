import * as vscode from 'vscode';
import { SECTION } from '../config';
import { GUID, TENANT } from './configureSignIn';
import type { CommandDefinition } from './context';

interface TenantItem extends vscode.QuickPickItem {
  tenantId?: string;
  enter?: boolean;
}

/**
 * Switch Tenant: the tenants signed in to before (by the token's tenant id, with the domain and account used),
 * the account's home tenant (`organizations`), or another one typed in. The choice becomes the user setting
 * `securityCopilot.auth.tenantId` and signs in to it. With an argument it switches directly (links, tests).
 */
export const switchTenant: CommandDefinition = {
  id: 'securityCopilot.switchTenant',
  verb: 'switch tenant',
  run: async (ctx, arg) => {
    const current = ctx.copilot.settings.tenantId;
    const currentToken = ctx.copilot.auth.tokenTenant?.toLowerCase();
    let choice = typeof arg === 'string' ? arg.trim() : undefined;
    if (choice === undefined) {
      const isCurrent = (id: string): boolean => id.toLowerCase() === current.toLowerCase() || (!!currentToken && id.toLowerCase() === currentToken && !GUID.test(current));
      const items: TenantItem[] = ctx.copilot.recentTenants.map((t) => ({
        tenantId: t.tenantId,
        label: t.domain ?? t.tenantId,
        description: [t.domain ? t.tenantId : undefined, t.account, isCurrent(t.tenantId) ? vscode.l10n.t('current') : undefined].filter(Boolean).join(' · '),
      }));
      items.push(
        { label: '', kind: vscode.QuickPickItemKind.Separator },
        {
          tenantId: 'organizations',
          label: `$(home) ${vscode.l10n.t('Home tenant of the account')}`,
          description: current === 'organizations' ? vscode.l10n.t('organizations · current') : 'organizations',
        },
        { enter: true, label: `$(edit) ${vscode.l10n.t('Enter a tenant id or domain…')}` },
      );
      const picked = await vscode.window.showQuickPick(items, {
        title: vscode.l10n.t('Security Copilot: Switch Tenant'),
        placeHolder: vscode.l10n.t('Tenant to sign in to (current: {0})', ctx.copilot.auth.tenantLabel()),
      });
      if (!picked) return undefined;
      choice = picked.tenantId;
      if (picked.enter) {
        choice = await vscode.window.showInputBox({
          title: vscode.l10n.t('Security Copilot: Switch Tenant'),
          prompt: vscode.l10n.t('Tenant id or domain (for example contoso.onmicrosoft.com)'),
          placeHolder: '00000000-0000-0000-0000-000000000000',
          validateInput: (v) => (TENANT.test(v.trim()) ? undefined : vscode.l10n.t('Enter a tenant GUID, a domain such as contoso.onmicrosoft.com, or "organizations".')),
        });
        choice = choice?.trim();
      }
    }
    if (!choice) return undefined;
    if (!TENANT.test(choice)) {
      void vscode.window.showErrorMessage(vscode.l10n.t('"{0}" is not a tenant id or domain.', choice));
      return undefined;
    }
    if (choice.toLowerCase() !== current.toLowerCase()) {
      await vscode.workspace.getConfiguration(SECTION).update('auth.tenantId', choice === 'organizations' ? undefined : choice, vscode.ConfigurationTarget.Global);
      ctx.copilot.log.info(`Switched the tenant to ${choice}.`);
    }
    await vscode.commands.executeCommand('securityCopilot.signIn');
    return choice;
  },
};
