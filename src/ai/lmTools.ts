import * as vscode from 'vscode';
import { sessionLabel } from '../shared/protocol';
import type { Copilot } from '../service';
import { escapeMarkdown, fenced } from './markdown';
import { ToolFailure, type ToolRunner } from './toolRunner';
import { parseAskInput, sessionNameFor, TOOL_NAMES, ToolInputError, type ToolName } from './tools';

/**
 * The confirmation of an ask: exactly what will be sent, to which workspace and session, and that it is billed.
 * Side-effect free (VS Code calls it before the user decides).
 */
export function askConfirmation(copilot: Copilot, raw: unknown): vscode.PreparedToolInvocation {
  let input;
  try {
    input = parseAskInput(raw);
  } catch (e) {
    // Invalid input is refused by invoke with a message the model can act on; nothing is sent.
    return { invocationMessage: `Security Copilot: ${e instanceof ToolInputError ? e.message : String(e)}` };
  }
  const ws = copilot.workspaceId;
  const where = input.sessionId
    ? vscode.l10n.t(
        'in the session {0} ({1})',
        `**${escapeMarkdown(sessionLabel(copilot.engine.session(input.sessionId)?.displayName))}**`,
        `\`${input.sessionId}\``,
      )
    : vscode.l10n.t('in a new session named {0}', `**${escapeMarkdown(sessionNameFor(input.question))}**`);
  const message = new vscode.MarkdownString(
    `${vscode.l10n.t(
      'Sends this question to Microsoft Security Copilot, workspace {0}, {1}, as your signed-in account. It runs **one billed evaluation** (Security Compute Units), and the answer goes back to the chat model.',
      `\`${ws}\``,
      where,
    )}\n\n${fenced(input.question, 'text')}`,
  );
  return {
    invocationMessage: vscode.l10n.t('Asking Security Copilot…'),
    confirmationMessages: { title: vscode.l10n.t('Ask Security Copilot?'), message },
  };
}

function toResult(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}

/** `vscode.lm` tool implementations (exported for the in-host tests, which call prepareInvocation directly). */
export function createLmTools(copilot: Copilot, runner: ToolRunner): Map<ToolName, vscode.LanguageModelTool<unknown>> {
  const invoke =
    (name: ToolName) =>
    async (options: vscode.LanguageModelToolInvocationOptions<unknown>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const r = await runner.call(name, options.input, abort.signal);
        return toResult(r.text);
      } catch (e) {
        if (e instanceof ToolFailure && e.cancelled) throw new vscode.CancellationError();
        throw e;
      } finally {
        sub.dispose();
      }
    };
  const tools = new Map<ToolName, vscode.LanguageModelTool<unknown>>();
  tools.set(TOOL_NAMES.ask, {
    prepareInvocation: (options) => askConfirmation(copilot, options.input),
    invoke: invoke(TOOL_NAMES.ask),
  });
  tools.set(TOOL_NAMES.list, {
    // Read-only: no confirmation of our own (VS Code may still ask for extension tools).
    prepareInvocation: () => ({ invocationMessage: vscode.l10n.t('Listing Security Copilot sessions (workspace {0})…', copilot.workspaceId) }),
    invoke: invoke(TOOL_NAMES.list),
  });
  tools.set(TOOL_NAMES.transcript, {
    prepareInvocation: (options) => {
      const id = (options.input as { sessionId?: unknown } | undefined)?.sessionId;
      return { invocationMessage: vscode.l10n.t('Reading Security Copilot session {0}…', typeof id === 'string' ? id : '') };
    },
    invoke: invoke(TOOL_NAMES.transcript),
  });
  return tools;
}
