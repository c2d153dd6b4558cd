import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { Log } from '../log';
import type { McpServerHandle, McpToolSpec, startMcpServer } from './mcpServer';
import type { ToolRunner } from './toolRunner';
import { TOOL_DEFINITIONS } from './tools';

export { MCP_PROVIDER_ID } from './ids';

interface McpModule {
  startMcpServer: typeof startMcpServer;
}

/**
 * Offers the Security Copilot MCP server to VS Code (and so to every MCP client it hosts) when
 * `securityCopilot.mcp.enabled` is on. The server is started then, on loopback, from its own bundle; the
 * definition carries this window's random bearer secret. Nothing listens while the setting is off.
 */
export class McpServerProvider extends Disposable implements vscode.McpServerDefinitionProvider<vscode.McpHttpServerDefinition> {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeMcpServerDefinitions = this.changed.event;
  /** A fresh secret per window (made on first use); never logged, never stored. */
  private secretValue: string | undefined;
  private get secret(): string {
    return (this.secretValue ??= randomBytes(32).toString('base64url'));
  }
  private server: Promise<McpServerHandle> | undefined;
  private generation = 0;

  constructor(
    private readonly runner: ToolRunner,
    private readonly enabled: () => boolean,
    private readonly extensionPath: string,
    private readonly version: string,
    private readonly log: Log,
  ) {
    super();
  }

  /** Starts the server if the setting is on (called right after activation: reading the setting is not free). */
  start(): void {
    if (this.enabled()) void this.ensureStarted().catch(() => undefined);
  }

  /** The server's URL while it listens (tests), else undefined. */
  async url(): Promise<string | undefined> {
    return this.server ? (await this.server.catch(() => undefined))?.url : undefined;
  }

  /** The bearer header value VS Code sends (tests). */
  get authorization(): string {
    return `Bearer ${this.secret}`;
  }

  /** The setting changed: start or stop, and tell VS Code the definitions changed. */
  async settingChanged(): Promise<void> {
    if (this.enabled()) await this.ensureStarted().catch(() => undefined);
    else await this.stop();
    this.changed.fire();
  }

  private ensureStarted(): Promise<McpServerHandle> {
    if (!this.server) {
      const generation = ++this.generation;
      this.server = (async () => {
        const load = createRequire(__filename);
        const mod = load(path.join(this.extensionPath, 'dist', 'mcp.js')) as McpModule;
        const tools: McpToolSpec[] = TOOL_DEFINITIONS.map((d) => ({
          name: d.name,
          title: d.title,
          description: d.description,
          inputSchema: d.inputSchema,
          readOnly: d.readOnly,
          call: async (args, signal) => (await this.runner.call(d.name, args, signal)).text,
        }));
        const handle = await mod.startMcpServer({ tools, secret: this.secret, version: this.version, log: this.log });
        if (generation !== this.generation) {
          await handle.close();
          throw new Error('stopped');
        }
        return handle;
      })();
      this.server.catch((e: unknown) => {
        if (generation === this.generation) {
          this.log.error('Could not start the Security Copilot MCP server', e);
          this.server = undefined;
        }
      });
    }
    return this.server;
  }

  private async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.generation++;
    const handle = await server?.catch(() => undefined);
    if (handle) {
      await handle.close();
      this.log.info('MCP server stopped.');
    }
  }

  async provideMcpServerDefinitions(): Promise<vscode.McpHttpServerDefinition[]> {
    if (!this.enabled()) return [];
    const handle = await this.ensureStarted().catch(() => undefined);
    if (!handle) return [];
    return [new vscode.McpHttpServerDefinition('Security Copilot', vscode.Uri.parse(handle.url), { Authorization: this.authorization }, this.version)];
  }

  resolveMcpServerDefinition(server: vscode.McpHttpServerDefinition): vscode.McpHttpServerDefinition | undefined {
    return this.enabled() ? server : undefined;
  }

  override dispose(): void {
    void this.stop();
    super.dispose();
  }
}
