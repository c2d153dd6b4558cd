// The commands, as the extension bundle registers them at activation: every contributed id, each a stand-in that
// loads dist/commands.js (src/commands/all.ts) on its first run and hands the call to it.
import * as vscode from 'vscode';
import type { CommandContext } from './context';
import { COMMAND_IDS } from './ids';
import { loadCommands } from './load';

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => loadCommands().runCommand(ctx, id, args)));
}
