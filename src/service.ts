import * as vscode from 'vscode';
import { affectsSettings, readSettings, type Settings } from './config';
import { Auth } from './auth/auth';
import { SignInSecrets } from './auth/secrets';
import { SecurityCopilotClient, type Workspace } from './graph';
import { Disposable } from './lifecycle';
import type { Log } from './log';
import { CopilotEngine } from './engine';

/** Thrown when the settings don't allow any request (e.g. an endpoint that isn't a Graph host). */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** Where the window's workspace choice is kept (ExtensionContext.workspaceState). */
const WORKSPACE_CHOICE_KEY = 'securityCopilot.selectedWorkspace';

/** Why a write was refused in read-only mode, with the setting that turns it back on. */
export function readOnlyRefusal(): string {
  return vscode.l10n.t(
    'Nothing was sent: Security Copilot is in read-only mode (setting "Security Copilot › Auth: Access" is readOnly). Set it to readWrite to create sessions and send prompts.',
  );
}

export interface CopilotOptions {
  /** The extension's SecretStorage: client secret and certificate of the app-only sign-in methods. */
  secrets?: vscode.SecretStorage;
  /** Per-window memory (the workspace chosen with Select Workspace). */
  windowState?: vscode.Memento;
  /** Memory across windows (the tenants signed in to, for Switch Tenant). */
  globalState?: vscode.Memento;
}

/** A tenant the user signed in to: what the setting said, the token's tenant id, and the account. */
export interface RecentTenant {
  /** The value for `securityCopilot.auth.tenantId` that signs in to it (the token's tenant id). */
  tenantId: string;
  /** What the setting said then, when that was a domain (shown as the name). */
  domain?: string;
  account: string;
  lastUsed: number;
}

const RECENT_TENANTS_KEY = 'securityCopilot.recentTenants';
const MAX_RECENT_TENANTS = 8;

/**
 * The extension's settings, sign-in, Graph client and engine (the one store of sessions, prompts and
 * evaluations, and the operations on them). Commands, the tree, the panels and every other surface go through it.
 */
export class Copilot extends Disposable {
  /** Read on first use, not at activation. */
  private currentSettings: Settings | undefined;
  private clientCache: { key: string; client: SecurityCopilotClient } | undefined;
  private readonly settingsChanged = this.register(new vscode.EventEmitter<Settings>());
  readonly onDidChangeSettings = this.settingsChanged.event;
  readonly auth: Auth;
  readonly engine: CopilotEngine;
  readonly secrets: SignInSecrets | undefined;
  private readonly windowState: vscode.Memento | undefined;
  private readonly globalState: vscode.Memento | undefined;

  constructor(
    readonly log: Log,
    options: CopilotOptions = {},
  ) {
    super();
    this.secrets = options.secrets ? this.register(new SignInSecrets(options.secrets)) : undefined;
    this.windowState = options.windowState;
    this.globalState = options.globalState;
    this.auth = this.register(new Auth(() => this.current, log, this.secrets));
    this.register(this.auth.onDidChange((session) => {
      if (session) void this.rememberTenant(session.account.label);
    }));
    this.engine = new CopilotEngine({
      client: () => this.client,
      workspaceId: () => this.workspaceId,
      pageSize: () => this.current.pageSize,
      writesRefused: () => (this.readOnly ? readOnlyRefusal() : undefined),
      log,
    });
    this.register(this.engine);
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!affectsSettings(e)) return;
        this.currentSettings = readSettings();
        this.clientCache = undefined;
        if (!this.current.endpoint.ok) log.warn(this.current.endpoint.message);
        void this.updateContextKeys();
        this.settingsChanged.fire(this.current);
      }),
    );
  }

  private get current(): Settings {
    return (this.currentSettings ??= readSettings());
  }

  get settings(): Settings {
    return this.current;
  }

  /** Work that can wait until the first frame is drawn (the extension calls it right after activation). */
  afterActivation(): void {
    void this.updateContextKeys();
  }

  /** The workspace this window works in: the one picked with Select Workspace, else the setting (`default`). */
  get workspaceId(): string {
    return this.windowState?.get<string>(WORKSPACE_CHOICE_KEY) || this.current.workspaceId;
  }

  /** The workspaces last listed (Select Workspace), to show names instead of ids. */
  knownWorkspaces: readonly Workspace[] | undefined;

  /** The current workspace's name when it is known (`default` is the onboarding workspace). */
  get workspaceName(): string {
    const id = this.workspaceId;
    const found = this.knownWorkspaces?.find((w) => w.id.toLowerCase() === id.toLowerCase());
    return found?.displayName || id;
  }

  /** True when the window's choice (not the setting) decides the workspace. */
  get workspaceChosenForWindow(): boolean {
    return !!this.windowState?.get<string>(WORKSPACE_CHOICE_KEY);
  }

  /**
   * Switches this window to another workspace (undefined: back to the setting). Everything reloads at once:
   * listeners of onDidChangeSettings (tree, panels, status bar) see the new `workspaceId`.
   */
  async selectWorkspace(id: string | undefined): Promise<void> {
    const before = this.workspaceId;
    await this.windowState?.update(WORKSPACE_CHOICE_KEY, id || undefined);
    if (this.workspaceId !== before) {
      this.log.info(`Workspace for this window: ${this.workspaceId}.`);
      this.settingsChanged.fire(this.current);
    }
  }

  /** Tenants signed in to before, most recent first (Switch Tenant offers them). */
  get recentTenants(): RecentTenant[] {
    return [...(this.globalState?.get<RecentTenant[]>(RECENT_TENANTS_KEY) ?? [])].sort((a, b) => b.lastUsed - a.lastUsed);
  }

  private async rememberTenant(account: string): Promise<void> {
    const tenantId = this.auth.tokenTenant;
    if (!tenantId || !this.globalState) return;
    const configured = this.current.tenantId;
    const domain = /^(organizations|common|consumers)$/i.test(configured) || configured.toLowerCase() === tenantId.toLowerCase() ? undefined : configured;
    const previous = this.recentTenants.find((t) => t.tenantId.toLowerCase() === tenantId.toLowerCase());
    const entry: RecentTenant = { tenantId, account, lastUsed: Date.now(), ...(domain ?? previous?.domain ? { domain: domain ?? previous?.domain } : {}) };
    const rest = this.recentTenants.filter((t) => t.tenantId.toLowerCase() !== tenantId.toLowerCase());
    await this.globalState.update(RECENT_TENANTS_KEY, [entry, ...rest].slice(0, MAX_RECENT_TENANTS));
  }

  /** Read-only mode (`securityCopilot.auth.access`): only Read.All is asked for and write actions are refused. */
  get readOnly(): boolean {
    return this.current.access === 'readOnly';
  }

  private async updateContextKeys(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'securityCopilot.readOnly', this.readOnly);
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
