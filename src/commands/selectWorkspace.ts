import * as vscode from 'vscode';
import { SECTION } from '../config';
import type { Workspace } from '../graph';
import type { CommandContext, CommandDefinition } from './context';

interface WorkspaceItem extends vscode.QuickPickItem {
  id?: string;
  action?: 'default';
}

async function allWorkspaces(ctx: CommandContext): Promise<Workspace[]> {
  const out: Workspace[] = [];
  let nextLink: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await ctx.copilot.client.listWorkspaces(nextLink ? { nextLink } : {});
    out.push(...page.items);
    nextLink = page.nextLink;
    if (!nextLink) break;
  }
  return out;
}

/**
 * Lists the workspaces (`GET …/workspaces`) by name; the choice is remembered for this window and can be saved
 * to the user settings. With an id argument it switches directly (links, tests).
 */
export const selectWorkspace: CommandDefinition = {
  id: 'securityCopilot.selectWorkspace',
  verb: 'select the workspace',
  run: async (ctx, arg) => {
    let choice: string | undefined = typeof arg === 'string' ? arg : undefined;
    if (choice === undefined) {
      const current = ctx.copilot.workspaceId;
      const picker = vscode.window.createQuickPick<WorkspaceItem>();
      picker.title = vscode.l10n.t('Security Copilot: Select Workspace');
      picker.placeholder = vscode.l10n.t('Workspace for this window (current: {0})', current);
      picker.busy = true;
      picker.show();
      const loaded = allWorkspaces(ctx).then(
        (list) => {
          ctx.copilot.knownWorkspaces = list;
          const items: WorkspaceItem[] = list.map((w) => ({
            id: w.id,
            label: w.displayName || w.id,
            description: w.id === current ? vscode.l10n.t('{0} · current', w.id) : w.id,
          }));
          items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
          items.push({ action: 'default', label: vscode.l10n.t('$(home) Default workspace'), description: current === 'default' ? vscode.l10n.t('default · current') : 'default' });
          picker.items = items;
          picker.busy = false;
        },
        (e: unknown) => {
          picker.hide();
          throw e;
        },
      );
      const picked = await new Promise<WorkspaceItem | undefined>((resolve, reject) => {
        loaded.catch(reject);
        picker.onDidAccept(() => resolve(picker.selectedItems[0]));
        picker.onDidHide(() => resolve(undefined));
      }).finally(() => picker.dispose());
      if (!picked) return undefined;
      choice = picked.action === 'default' ? 'default' : picked.id;
    }
    if (!choice) return undefined;
    await ctx.copilot.selectWorkspace(choice === ctx.copilot.settings.workspaceId ? undefined : choice);
    if (typeof arg !== 'string') {
      const save = vscode.l10n.t('Save to User Settings');
      void vscode.window.showInformationMessage(vscode.l10n.t('Security Copilot workspace for this window: {0}', ctx.copilot.workspaceName), save).then(async (c) => {
        if (c !== save) return;
        await vscode.workspace.getConfiguration(SECTION).update('workspaceId', choice, vscode.ConfigurationTarget.Global);
        await ctx.copilot.selectWorkspace(undefined);
      });
    }
    return ctx.copilot.workspaceId;
  },
};
