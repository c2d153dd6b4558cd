import * as vscode from 'vscode';
import { showError } from '../errors';
import { askAboutSelection } from './askAboutSelection';
import { configureSignIn } from './configureSignIn';
import type { CommandContext, CommandDefinition } from './context';
import { copySessionId } from './copySessionId';
import { createSession } from './createSession';
import { exportSession } from './exportSession';
import { openSession } from './openSession';
import { filterPlugins, refreshPlugins } from './plugins';
import { exportPromptbookSession, openPromptbookSession, promptbookSessionMenu } from './promptbookSession';
import { renameSession } from './renameSession';
import { runPromptbook } from './runPromptbook';
import { saveSessionAsPromptbook } from './saveSessionAsPromptbook';
import { selectWorkspace } from './selectWorkspace';
import { copySetupValue, openWalkthrough } from './walkthrough';
import {
  loadMoreSessions,
  openSetupGuide,
  refreshSessions,
  retryTreeLoad,
  showLog,
  signIn,
  signInAgain,
  statusMenu,
  switchAccount,
} from './simple';

/** Every command the extension contributes; a unit test checks this list against package.json. */
export const COMMANDS: readonly CommandDefinition[] = [
  createSession,
  openSession,
  refreshSessions,
  signIn,
  signInAgain,
  switchAccount,
  renameSession,
  copySessionId,
  showLog,
  askAboutSelection,
  exportSession,
  loadMoreSessions,
  retryTreeLoad,
  statusMenu,
  openSetupGuide,
  configureSignIn,
  selectWorkspace,
  refreshPlugins,
  filterPlugins,
  runPromptbook,
  saveSessionAsPromptbook,
  openPromptbookSession,
  exportPromptbookSession,
  promptbookSessionMenu,
  openWalkthrough,
  copySetupValue,
];

/** Registers every command through one wrapper that logs and shows failures the same way. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return COMMANDS.map((command) =>
    vscode.commands.registerCommand(command.id, async (...args: unknown[]) => {
      try {
        if (command.write && ctx.copilot.readOnly) {
          void vscode.window.showWarningMessage(
            vscode.l10n.t('Cannot {0}: Security Copilot is in read-only mode (setting "Security Copilot › Auth: Access").', vscode.l10n.t(command.verb)),
          );
          return undefined;
        }
        return await command.run(ctx, ...args);
      } catch (e) {
        ctx.copilot.log.error(`${command.id} failed`, e);
        void showError(vscode.l10n.t('Could not {0}', vscode.l10n.t(command.verb)), e);
        return undefined;
      }
    }),
  );
}
