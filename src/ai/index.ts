// Security Copilot in VS Code's chat and agent mode: the `@securitycopilot` participant, the language model tools
// and the MCP server. All optional: when VS Code's chat or tools are off (by the user or their organization) the
// registrations are simply unused; `securityCopilot.chat.enabled` turns participant and tools off,
// `securityCopilot.mcp.enabled` (user setting, default off) starts the MCP server.
//
// This file is the part in the extension bundle: what VS Code needs registered at activation (participant id,
// tool names, MCP provider), each registered as a stand-in that loads dist/ai.js (src/ai/features.ts) on its
// first call. Nothing of the handlers, the tools or the provider is loaded before then.
import * as vscode from 'vscode';
import { readMaskingSettings, SECTION } from '../config';
import { describeError } from '../errors';
import { Disposable } from '../lifecycle';
import { maskSecrets } from '../masking/load';
import type { Copilot } from '../service';
import type { AiFeatures } from './features';
import { MCP_PROVIDER_ID, PARTICIPANT_ID, TOOL_NAMES, type ToolName } from './ids';
import { loadAi } from './load';
import type { McpServerProvider } from './mcpProvider';

export { PARTICIPANT_ID, TOOL_NAMES } from './ids';

export function chatEnabled(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>('chat.enabled', true) !== false;
}

/** Only the user can open a port: a workspace's settings can't turn the MCP server on. */
export function mcpEnabled(): boolean {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<boolean>('mcp.enabled');
  return (inspected?.globalValue ?? inspected?.defaultValue ?? false) === true;
}

/**
 * The MCP server definition provider VS Code gets at activation. While the setting is off (the default) it
 * answers without loading anything; otherwise it hands over to the real provider in dist/ai.js.
 */
class McpProviderStandIn extends Disposable implements vscode.McpServerDefinitionProvider<vscode.McpHttpServerDefinition> {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeMcpServerDefinitions = this.changed.event;

  constructor(
    private readonly loaded: () => McpServerProvider | undefined,
    private readonly load: () => McpServerProvider,
  ) {
    super();
  }

  /** Forwards the real provider's change events (called once, when dist/ai.js is loaded). */
  attach(real: McpServerProvider): vscode.Disposable {
    return real.onDidChangeMcpServerDefinitions(() => this.changed.fire());
  }

  /** Starts the server if the setting is on (right after activation). */
  start(): void {
    if (mcpEnabled()) this.load().start();
  }

  /** The server's URL while it listens (tests), else undefined. */
  async url(): Promise<string | undefined> {
    return this.loaded()?.url();
  }

  async settingChanged(): Promise<void> {
    if (mcpEnabled() || this.loaded()) await this.load().settingChanged();
    else this.changed.fire();
  }

  async provideMcpServerDefinitions(): Promise<vscode.McpHttpServerDefinition[]> {
    return mcpEnabled() ? this.load().provideMcpServerDefinitions() : [];
  }

  resolveMcpServerDefinition(server: vscode.McpHttpServerDefinition): vscode.McpHttpServerDefinition | undefined {
    return mcpEnabled() ? this.load().resolveMcpServerDefinition(server) : undefined;
  }
}

export class ChatFeatures extends Disposable {
  readonly mcp: McpProviderStandIn;
  private registered: vscode.Disposable[] = [];
  private features: AiFeatures | undefined;

  constructor(
    private readonly copilot: Copilot,
    private readonly context: vscode.ExtensionContext,
  ) {
    super();
    this.mcp = this.register(
      new McpProviderStandIn(
        () => this.features?.mcp,
        () => this.load().mcp,
      ),
    );
    this.guard('MCP server definition provider', () => this.register(vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, this.mcp)));
    this.applyChatSetting();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.chat.enabled`)) this.applyChatSetting();
        if (e.affectsConfiguration(`${SECTION}.mcp.enabled`)) void this.mcp.settingChanged();
      }),
    );
    this.register({ dispose: () => this.unregister() });
  }

  /** Whether dist/ai.js has been loaded (tests). */
  get isLoaded(): boolean {
    return this.features !== undefined;
  }

  /** The real handlers (loading dist/ai.js if needed): for the in-host tests. */
  get participant(): AiFeatures['participant'] {
    return this.load().participant;
  }
  get tools(): AiFeatures['tools'] {
    return this.load().tools;
  }
  get privacy(): AiFeatures['privacy'] {
    return this.load().privacy;
  }
  get runner(): AiFeatures['runner'] {
    return this.load().runner;
  }

  /** What can wait until the first frame is drawn. */
  afterActivation(): void {
    this.mcp.start();
  }

  private load(): AiFeatures {
    if (!this.features) {
      if (this.isDisposed) throw new Error('Security Copilot chat features are disposed');
      const features = loadAi().createAiFeatures({
        copilot: this.copilot,
        globalState: this.context.globalState,
        extensionPath: this.context.extensionUri.fsPath,
        version: String((this.context.extension.packageJSON as { version?: string }).version ?? '0.0.0'),
        chatEnabled,
        mcpEnabled,
        describeError,
        maskSecrets,
        readMaskingSettings: () => readMaskingSettings(),
      });
      this.features = this.register(features);
      this.register(this.mcp.attach(features.mcp));
    }
    return this.features;
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      // A host without chat or tools (or one where they are disabled) must not stop the rest of the extension.
      this.copilot.log.warn(`${what} not available here: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Registers participant and tools (stand-ins that load dist/ai.js when called) while the setting allows them. */
  private applyChatSetting(): void {
    const on = chatEnabled();
    if (!on) {
      this.unregister();
      return;
    }
    if (this.registered.length) return;
    this.guard('chat participant', () => {
      const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, context, stream, token) =>
        this.load().participant.handle(request, context, stream, token),
      );
      participant.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'icon.png');
      participant.followupProvider = {
        provideFollowups: (result, context, token) => this.load().participant.followupProvider.provideFollowups(result, context, token),
      };
      this.registered.push(participant);
    });
    this.guard('language model tools', () => {
      for (const name of Object.values(TOOL_NAMES)) this.registered.push(vscode.lm.registerTool(name, this.toolStandIn(name)));
    });
  }

  private toolStandIn(name: ToolName): vscode.LanguageModelTool<unknown> {
    const real = (): vscode.LanguageModelTool<unknown> => this.load().tools.get(name)!;
    return {
      prepareInvocation: (options, token) => real().prepareInvocation?.(options, token),
      invoke: (options, token) => real().invoke(options, token),
    };
  }

  private unregister(): void {
    for (const d of this.registered.splice(0)) d.dispose();
  }
}
