import * as vscode from 'vscode';
import { affectsSettings, readSettings, type Settings } from './config';
import { Auth } from './auth/auth';
import { SecurityCopilotClient } from './graph';
import { Disposable } from './lifecycle';
import type { Log } from './log';
import { SessionStore } from './store/sessionStore';

/** Thrown when the settings don't allow any request (e.g. an endpoint that isn't a Graph host). */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/**
 * The extension's single source of truth: settings, sign-in, the Graph client and the session store.
 * Commands, the tree and the panels all go through it.
 */
export class Copilot extends Disposable {
  private current: Settings = readSettings();
  private clientCache: { key: string; client: SecurityCopilotClient } | undefined;
  private readonly settingsChanged = this.register(new vscode.EventEmitter<Settings>());
  readonly onDidChangeSettings = this.settingsChanged.event;
  readonly auth: Auth;
  readonly store: SessionStore;

  constructor(readonly log: Log) {
    super();
    this.auth = this.register(new Auth(() => this.current, log));
    this.store = this.register(new SessionStore(this));
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
