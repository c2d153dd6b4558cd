import * as vscode from 'vscode';
import type { MaskingSettings } from '../config';
import { validateDisplayName, validateId } from '../graph/validate';
import type { MaskOptions, MaskOutcome } from '../masking/load';
import type { describeError } from '../errors';
import { pickSession } from '../ui/sessionPicker';
import type { SessionPanels } from '../panels/sessionPanel';
import type { Promptbooks } from '../promptbook';
import type { Copilot } from '../service';
import type { PluginsView } from '../views/pluginsView';
import type { Node, SessionsTree } from '../views/sessionsTree';

/**
 * What every command gets. The commands are in their own bundle (dist/commands.js): the functions below are the
 * extension bundle's, passed in so that their modules (error mapping, masking loader) stay single.
 */
export interface CommandContext {
  readonly showError: (prefix: string, error: unknown) => Promise<void>;
  readonly describeError: typeof describeError;
  readonly maskSecrets: (text: string, options?: MaskOptions) => Promise<MaskOutcome>;
  readonly readMaskingSettings: (resource?: vscode.Uri) => MaskingSettings;
  readonly copilot: Copilot;
  readonly tree: SessionsTree;
  readonly panels: SessionPanels;
  readonly promptbooks?: Promptbooks;
  readonly extensionUri: vscode.Uri;
  readonly plugins?: PluginsView;
}

export type CommandHandler = (ctx: CommandContext, ...args: unknown[]) => unknown;

/** A command's id, its handler, and the verb used in error messages ("Could not <verb>: …"). */
export interface CommandDefinition {
  id: string;
  verb: string;
  run: CommandHandler;
  /** Writes to Security Copilot: refused in read-only mode (`securityCopilot.auth.access`). */
  write?: boolean;
}

/** A session id from a command argument: an id string, a tree node, or nothing. */
export function sessionIdFromArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as Node | undefined;
  if (node && typeof node === 'object' && 'kind' in node && (node.kind === 'session' || node.kind === 'prompt')) return node.sessionId;
  return undefined;
}

/**
 * The session a command acts on: its argument (id string or tree node), or the user's pick. The id is checked
 * before any request; undefined when the user cancels or the id is invalid (with a message).
 */
export async function resolveSessionId(ctx: CommandContext, arg: unknown, pickerTitle: string): Promise<string | undefined> {
  let id = sessionIdFromArgument(arg);
  if (id === undefined) {
    const picked = await pickSession(ctx.copilot, { title: pickerTitle, describeError: ctx.describeError });
    if (picked?.kind !== 'session') return undefined;
    id = picked.id;
  }
  const checked = validateId(id, 'Session ID');
  if (!checked.ok) {
    void vscode.window.showErrorMessage(checked.message);
    return undefined;
  }
  return checked.value;
}

/** Live validation for session-name input boxes (the client's rules). */
export function nameValidationMessage(value: string): vscode.InputBoxValidationMessage | undefined {
  const r = validateDisplayName(value);
  return r.ok ? undefined : { message: r.message, severity: vscode.InputBoxValidationSeverity.Error };
}

/** Asks for a session name with live validation; the checked name, or undefined when cancelled. */
export async function askSessionName(options: { title: string; prompt: string; value?: string; placeHolder?: string }): Promise<string | undefined> {
  const name = await vscode.window.showInputBox({ ...options, ignoreFocusOut: true, validateInput: nameValidationMessage });
  if (name === undefined) return undefined;
  const checked = validateDisplayName(name);
  if (!checked.ok) {
    void vscode.window.showErrorMessage(checked.message);
    return undefined;
  }
  return checked.value;
}
