// The getting-started walkthrough (contributes.walkthroughs) and its copy buttons.
import * as vscode from 'vscode';
import { setupValue, WALKTHROUGH_ID } from '../core/appRegistration';
import type { CommandDefinition } from './context';

export const openWalkthrough: CommandDefinition = {
  id: 'securityCopilot.openWalkthrough',
  verb: 'open the walkthrough',
  run: async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
  },
};

/**
 * Copies one app-registration value (redirect URIs, permission) for the walkthrough's buttons. Only the known
 * names are accepted: a command link cannot put arbitrary text on the clipboard.
 */
export const copySetupValue: CommandDefinition = {
  id: 'securityCopilot.copySetupValue',
  verb: 'copy the value',
  run: async (ctx, name) => {
    const text = setupValue(name, ctx.copilot.settings.clientId);
    if (text === undefined) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Nothing to copy for "{0}".', String(name)));
      return undefined;
    }
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) Copied: {0}', text.replace(/\n/g, ', ')), 4000);
    return text;
  },
};
