// dist/ai.js: the chat participant's handler, the language model tools, the tool runner they share with the
// MCP server, and the MCP server definition provider. The extension bundle registers thin stand-ins for them
// at activation (src/ai/index.ts) and loads this bundle the first time chat, a tool or the enabled MCP server
// needs it (src/ai/load.ts). What must exist once per window (Copilot, the engine, the log, the error
// mapping, the masking loader) comes in through `createAiFeatures`; the modules here import those as types
// only, and what they import at run time is pure (ids, validation, Markdown text, the stateless session picker).
import type * as vscode from 'vscode';
import { configureCoreL10n } from '../coreL10n';
import type { AiHost } from './host';
import type { ToolName } from './ids';
import { createLmTools } from './lmTools';
import { McpServerProvider } from './mcpProvider';
import { ChatParticipantHandler } from './participant';
import { PrivacyNote } from './privacy';
import { ToolRunner } from './toolRunner';

export interface AiFeatures extends vscode.Disposable {
  readonly privacy: PrivacyNote;
  readonly runner: ToolRunner;
  readonly participant: ChatParticipantHandler;
  readonly tools: ReadonlyMap<ToolName, vscode.LanguageModelTool<unknown>>;
  readonly mcp: McpServerProvider;
}

export function createAiFeatures(host: AiHost): AiFeatures {
  configureCoreL10n(); // the session picker's relative times (src/core) in the display language
  const { copilot } = host;
  const privacy = new PrivacyNote(host.globalState);
  const runner = new ToolRunner(copilot, privacy, host.describeError);
  const participant = new ChatParticipantHandler(copilot, privacy, host);
  const tools = createLmTools(copilot, runner);
  const mcp = new McpServerProvider(runner, host.mcpEnabled, host.extensionPath, host.version, copilot.log);
  return { privacy, runner, participant, tools, mcp, dispose: () => mcp.dispose() };
}
