import * as vscode from 'vscode';
import { SECTION, USER_ONLY_KEYS } from './config';
import { Disposable } from './lifecycle';
import type { Log } from './log';

/**
 * Notices when a workspace tries to set a user-only setting (endpoint, sign-in, workspace id, masking
 * exceptions) — a cloned repository's `.vscode/settings.json` could otherwise route tokens or prompts elsewhere.
 * Those values are never used (see config.ts); this only tells the user, once per setting and window, in the log
 * and in a (non-modal) warning.
 *
 * VS Code drops application-scoped values from workspace settings before an extension can inspect them, so the
 * workspace's settings files are also read as text and searched for the setting names.
 */
export class WorkspaceSettingsGuard extends Disposable {
  private readonly warned = new Set<string>();
  private pending: Promise<void> = Promise.resolve();
  /** Every user-only setting a workspace tried to set so far (for tests and the status menu). */
  readonly ignored = new Set<string>();

  constructor(private readonly log: Log) {
    super();
    this.register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SECTION) && this.check()));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.check()));
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/.vscode/settings.json'));
    this.register(watcher.onDidChange(() => this.check()));
    this.register(watcher.onDidCreate(() => this.check()));
    this.check();
  }

  /** Re-checks the workspace; resolves when done (checks run one after the other). */
  check(): Promise<void> {
    this.pending = this.pending.then(() => this.run()).catch((e) => this.log.error('Checking workspace settings failed', e));
    return this.pending;
  }

  private async run(): Promise<void> {
    const found = new Set<string>();
    const config = vscode.workspace.getConfiguration(SECTION);
    for (const key of USER_ONLY_KEYS) {
      const i = config.inspect(key);
      if (i?.workspaceValue !== undefined) found.add(key);
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        if (vscode.workspace.getConfiguration(SECTION, folder.uri).inspect(key)?.workspaceFolderValue !== undefined) found.add(key);
      }
    }
    const files = (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'));
    if (vscode.workspace.workspaceFile?.scheme === 'file') files.push(vscode.workspace.workspaceFile);
    for (const file of files) {
      let raw: string;
      try {
        raw = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
      } catch {
        continue; // no settings file
      }
      for (const key of settingNamesIn(raw)) found.add(key);
    }
    const fresh = [...found].filter((k) => !this.warned.has(k));
    for (const k of found) this.ignored.add(k);
    if (fresh.length === 0) return;
    for (const k of fresh) this.warned.add(k);
    const names = fresh.map((k) => `${SECTION}.${k}`).join(', ');
    this.log.warn(
      `This workspace's settings try to set ${names}. Only your user settings decide where your token and prompts ` +
        'go and what is left unmasked, so the workspace value is ignored.',
    );
    const message = vscode.l10n.t(
      "This workspace's settings try to set {0}. Only your user settings decide where your token and prompts go and what is left unmasked, so the workspace value is ignored.",
      names,
    );
    void vscode.window.showWarningMessage(message, vscode.l10n.t('Open Workspace Settings')).then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openWorkspaceSettingsFile');
    });
  }
}

/** User-only setting names that appear as keys in a settings file's text (line comments ignored). */
export function settingNamesIn(raw: string): string[] {
  const withoutComments = raw.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return USER_ONLY_KEYS.filter((key) => new RegExp(`"${SECTION}\\.${key.replace('.', '\\.')}"\\s*:`).test(withoutComments));
}
