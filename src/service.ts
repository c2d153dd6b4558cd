import * as vscode from 'vscode';
import { affectsSettings, readSettings, type Settings } from './config';
import { Auth } from './auth/auth';
import { SecurityCopilotClient } from './graph';
import { Disposable } from './lifecycle';
import type { Log } from './log';
import { CopilotEngine } from './engine';

/** Thrown when the settings don't allow any request (e.g. an endpoint that isn't a Graph host). */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/**
 * The extension's settings, sign-in, Graph client and engine (the one store of sessions, prompts and
 * evaluations, and the operations on them). Commands, the tree, the panels and every other surface go through it.
 */
export class Copilot extends Disposable {
  private current: Settings = readSettings();
  private clientCache: { key: string; client: SecurityCopilotClient } | undefined;
  private readonly settingsChanged = this.register(new vscode.EventEmitter<Settings>());
  readonly onDidChangeSettings = this.settingsChanged.event;
  readonly auth: Auth;
  readonly engine: CopilotEngine;

  constructor(readonly log: Log) {
    super();
    this.auth = this.register(new Auth(() => this.current, log));
    this.engine = new CopilotEngine({
      client: () => this.client,
      workspaceId: () => this.workspaceId,
      pageSize: () => this.current.pageSize,
      log,
    });
    this.register(this.engine);
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!affectsSettings(e)) return;
        this.current = readSettings();
        this.clientCache = undefined;
        if (!this.current.endpoint.ok) log.warn(this.current.endpoint.message);
        this.settingsChanged.fire(this.current);
      }),
    );
  }

  get settings(): Settings {
    return this.current;
  }

  get workspaceId(): string {
    return this.current.workspaceId;
  }

  /** The Graph client for the current settings; throws ConfigurationError when the endpoint is refused. */
  get client(): SecurityCopilotClient {
    const endpoint = this.current.endpoint;
    if (!endpoint.ok) throw new ConfigurationError(endpoint.message);
    const key = endpoint.origin;
    if (this.clientCache?.key !== key) {
      this.clientCache = {
        key,
        client: new SecurityCopilotClient({
          baseUrl: endpoint.origin,
          getToken: this.auth.getToken,
          log: (entry) => this.log.request(entry),
        }),
      };
    }
    return this.clientCache.client;
  }
}
