// dist/commands.js: every command's implementation. The extension bundle registers each command id at activation
// (src/commands/index.ts) and loads this bundle the first time one runs (src/commands/load.ts). The live objects
// and the functions whose modules must stay single (the error notifications and mapping, masking) come in
// through the CommandContext; the modules here import them as types only.
import * as vscode from 'vscode';
import { configureCoreL10n } from '../coreL10n';
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
import { switchTenant } from './switchTenant';
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

/** Every command the extension contributes; an in-host test checks this list against COMMAND_IDS and package.json. */
export const COMMANDS: readonly CommandDefinition[] = [
  createSession,
  openSession,
  refreshSessions,
  signIn,
  signInAgain,
  switchAccount,
  switchTenant,
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

const BY_ID = new Map(COMMANDS.map((c) => [c.id, c]));

// The session picker's relative times (src/core) in the display language.
configureCoreL10n();

/** Runs a command through one wrapper that logs and shows failures the same way. */
export async function runCommand(ctx: CommandContext, id: string, args: unknown[]): Promise<unknown> {
  const command = BY_ID.get(id);
  if (!command) throw new Error(`Unknown command ${id}`);
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
    void ctx.showError(vscode.l10n.t('Could not {0}', vscode.l10n.t(command.verb)), e);
    return undefined;
  }
}
