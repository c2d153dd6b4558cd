import * as vscode from 'vscode';
import type { CommandDefinition } from './context';

export const refreshPlugins: CommandDefinition = {
  id: 'securityCopilot.refreshPlugins',
  verb: 'refresh the plugins',
  run: async (ctx) => {
    ctx.plugins?.reload();
    return (await ctx.plugins?.list())?.length;
  },
};

export const filterPlugins: CommandDefinition = {
  id: 'securityCopilot.filterPlugins',
  verb: 'filter the plugins',
  run: async (ctx, arg) => {
    const text =
      typeof arg === 'string'
        ? arg
        : await vscode.window.showInputBox({
            title: vscode.l10n.t('Filter Plugins'),
            prompt: vscode.l10n.t('Show plugins whose name, description, category or origin contains (empty: all)'),
            value: ctx.plugins?.filter ?? '',
          });
    if (text === undefined) return undefined;
    ctx.plugins?.setFilter(text);
    return text;
  },
};
