import type * as vscode from 'vscode';
import type { SessionPanels } from '../panels/sessionPanel';
import type { Copilot } from '../service';
import type { Node, SessionsTree } from '../views/sessionsTree';

/** What every command gets. */
export interface CommandContext {
  readonly copilot: Copilot;
  readonly tree: SessionsTree;
  readonly panels: SessionPanels;
  readonly extensionUri: vscode.Uri;
}

export type CommandHandler = (ctx: CommandContext, ...args: unknown[]) => unknown;

/** A command's id, its handler, and the verb used in error messages ("Could not <verb>: …"). */
export interface CommandDefinition {
  id: string;
  verb: string;
  run: CommandHandler;
}

/** A session id from a command argument: an id string, a tree node, or nothing. */
export function sessionIdFromArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as Node | undefined;
  if (node && typeof node === 'object' && 'kind' in node && (node.kind === 'session' || node.kind === 'prompt')) return node.sessionId;
  return undefined;
}
