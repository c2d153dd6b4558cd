// Security Copilot in VS Code's chat and agent mode: the `@securitycopilot` participant, the language model tools
// and the MCP server. All optional: when VS Code's chat or tools are off (by the user or their organization) the
// registrations are simply unused; `securityCopilot.chat.enabled` turns participant and tools off,
// `securityCopilot.mcp.enabled` (user setting, default off) starts the MCP server.
import * as vscode from 'vscode';
import { SECTION } from '../config';
import { Disposable } from '../lifecycle';
import type { Copilot } from '../service';
import { createLmTools, registerLmTools } from './lmTools';
import { McpServerProvider, MCP_PROVIDER_ID } from './mcpProvider';
import { ChatParticipantHandler, PARTICIPANT_ID } from './participant';
import { PrivacyNote } from './privacy';
import { ToolRunner } from './toolRunner';
import type { ToolName } from './tools';

export { PARTICIPANT_ID } from './participant';
export { TOOL_NAMES } from './tools';

export function chatEnabled(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>('chat.enabled', true) !== false;
}

/** Only the user can open a port: a workspace's settings can't turn the MCP server on. */
export function mcpEnabled(): boolean {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<boolean>('mcp.enabled');
  return (inspected?.globalValue ?? inspected?.defaultValue ?? false) === true;
}

export class ChatFeatures extends Disposable {
  readonly privacy: PrivacyNote;
  readonly runner: ToolRunner;
  readonly participant: ChatParticipantHandler;
  readonly tools: Map<ToolName, vscode.LanguageModelTool<unknown>>;
  readonly mcp: McpServerProvider;
  private registered: vscode.Disposable[] = [];

  constructor(
    private readonly copilot: Copilot,
    context: vscode.ExtensionContext,
  ) {
    super();
    this.privacy = new PrivacyNote(context.globalState);
    this.runner = new ToolRunner(copilot, this.privacy);
    this.participant = new ChatParticipantHandler(copilot, this.privacy, chatEnabled);
    this.tools = createLmTools(copilot, this.runner);
    const version = String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0');
    this.mcp = this.register(new McpServerProvider(this.runner, mcpEnabled, context.extensionUri.fsPath, version, copilot.log));
    this.guard('MCP server definition provider', () => this.register(vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, this.mcp)));
    this.applyChatSetting(context);
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.chat.enabled`)) this.applyChatSetting(context);
        if (e.affectsConfiguration(`${SECTION}.mcp.enabled`)) void this.mcp.settingChanged();
      }),
    );
    this.register({ dispose: () => this.unregister() });
  }

  /** What can wait until the first frame is drawn. */
  afterActivation(): void {
    this.mcp.start();
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      // A host without chat or tools (or one where they are disabled) must not stop the rest of the extension.
      this.copilot.log.warn(`${what} not available here: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Registers participant and tools while the setting allows them. */
  private applyChatSetting(context: vscode.ExtensionContext): void {
    const on = chatEnabled();
    if (!on) {
      this.unregister();
      return;
    }
    if (this.registered.length) return;
    this.guard('chat participant', () => {
      const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, this.participant.handle);
      participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
      participant.followupProvider = this.participant.followupProvider;
      this.registered.push(participant);
    });
    this.guard('language model tools', () => this.registered.push(...registerLmTools(this.tools)));
  }

  private unregister(): void {
    for (const d of this.registered.splice(0)) d.dispose();
  }
}
