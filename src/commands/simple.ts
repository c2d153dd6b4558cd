// Small commands that only delegate: each is still its own definition, registered in index.ts.
import * as vscode from 'vscode';
import type { Node } from '../views/sessionsTree';
import type { CommandDefinition } from './context';

export const refreshSessions: CommandDefinition = {
  id: 'securityCopilot.refreshSessions',
  verb: 'refresh the sessions',
  run: async (ctx) => {
    await ctx.tree.refresh();
    ctx.panels.reloadAll();
  },
};

export const loadMoreSessions: CommandDefinition = {
  id: 'securityCopilot.loadMoreSessions',
  verb: 'load more sessions',
  run: (ctx) => ctx.copilot.engine.loadMore(),
};

export const retryTreeLoad: CommandDefinition = {
  id: 'securityCopilot.retryTreeLoad',
  verb: 'retry',
  run: (ctx, parent) => ctx.tree.retry(parent as Node | undefined),
};

export const signIn: CommandDefinition = {
  id: 'securityCopilot.signIn',
  verb: 'sign in',
  run: async (ctx) => {
    try {
      const session = await ctx.copilot.auth.signIn();
      return session.account.label;
    } catch (e) {
      // Known sign-in failures (AADSTS…) get advice and a setup-guide button. The command settles now, not
      // when the user dismisses the notification.
      void ctx.showError(vscode.l10n.t('Sign-in failed'), e);
      return undefined;
    }
  },
};

/** "Sign in again" after Graph kept rejecting the token: the only path, with Sign In, that may prompt. */
export const signInAgain: CommandDefinition = {
  id: 'securityCopilot.signInAgain',
  verb: 'sign in again',
  run: async (ctx) => {
    try {
      const session = ctx.copilot.auth.account ? await ctx.copilot.auth.reauthenticate() : await ctx.copilot.auth.signIn();
      ctx.copilot.engine.resumeAfterSignIn();
      return session.account.label;
    } catch (e) {
      void ctx.showError(vscode.l10n.t('Sign-in failed'), e);
      return undefined;
    }
  },
};

export const switchAccount: CommandDefinition = {
  id: 'securityCopilot.switchAccount',
  verb: 'switch account',
  run: async (ctx) => (await ctx.copilot.auth.switchAccount())?.account.label,
};

export const showLog: CommandDefinition = {
  id: 'securityCopilot.showLog',
  verb: 'show the log',
  run: (ctx) => ctx.copilot.log.show(),
};

export const openSetupGuide: CommandDefinition = {
  id: 'securityCopilot.openSetupGuide',
  verb: 'open the setup guide',
  run: async (ctx) => {
    // The packaged extension stores the README as `readme.md` (vsce lower-cases it); the repository has
    // `README.md`. On a case-sensitive file system only the real name opens, so look it up.
    const entries = await vscode.workspace.fs.readDirectory(ctx.extensionUri);
    const name = entries.find(([n, type]) => type === vscode.FileType.File && n.toLowerCase() === 'readme.md')?.[0] ?? 'README.md';
    const readme = vscode.Uri.joinPath(ctx.extensionUri, name);
    await vscode.commands.executeCommand('markdown.showPreview', readme);
    return name;
  },
};

export const statusMenu: CommandDefinition = {
  id: 'securityCopilot.statusMenu',
  verb: 'open the menu',
  run: async (ctx) => {
    const account = ctx.copilot.auth.account;
    type Item = vscode.QuickPickItem & { command: string; args?: unknown[] };
    const items: Item[] = account
      ? [
          { label: `$(account) ${vscode.l10n.t('Switch Account')}`, description: account.label, command: 'securityCopilot.switchAccount' },
          { label: `$(briefcase) ${vscode.l10n.t('Select Workspace')}`, description: ctx.copilot.workspaceName, command: 'securityCopilot.selectWorkspace' },
          { label: `$(organization) ${vscode.l10n.t('Switch Tenant')}`, description: ctx.copilot.auth.tenantLabel(), command: 'securityCopilot.switchTenant' },
          { label: `$(key) ${vscode.l10n.t('Configure Sign-in')}`, description: ctx.copilot.settings.method, command: 'securityCopilot.configureSignIn' },
          { label: `$(add) ${vscode.l10n.t('Create Copilot Session')}`, command: 'securityCopilot.createSession' },
          { label: `$(go-to-file) ${vscode.l10n.t('Open Session')}`, command: 'securityCopilot.openSession' },
        ]
      : [
          { label: `$(sign-in) ${vscode.l10n.t('Sign In')}`, command: 'securityCopilot.signIn' },
          { label: `$(key) ${vscode.l10n.t('Configure Sign-in')}`, description: ctx.copilot.settings.method, command: 'securityCopilot.configureSignIn' },
        ];
    items.push(
      { label: `$(output) ${vscode.l10n.t('Show Log')}`, command: 'securityCopilot.showLog' },
      { label: `$(settings-gear) ${vscode.l10n.t('Settings')}`, command: 'workbench.action.openSettings', args: ['securityCopilot'] },
      { label: `$(book) ${vscode.l10n.t('Setup Guide')}`, command: 'securityCopilot.openSetupGuide' },
      { label: `$(rocket) ${vscode.l10n.t('Open Walkthrough')}`, command: 'securityCopilot.openWalkthrough' },
    );
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Security Copilot — workspace "{0}"', ctx.copilot.workspaceId),
      placeHolder: account ? vscode.l10n.t('Signed in as {0}', account.label) : vscode.l10n.t('Not signed in'),
    });
    if (picked) await vscode.commands.executeCommand(picked.command, ...(picked.args ?? []));
  },
};
