import * as vscode from 'vscode';
import { ChatFeatures } from './ai';
import { AnswerNotifier } from './answerNotifier';
import { registerCommands } from './commands';
import { Log } from './log';
import { SessionPanels } from './panels/sessionPanel';
import { Promptbooks } from './promptbook';
import { WorkspaceSettingsGuard } from './settingsGuard';
import { Copilot } from './service';
import { StatusBar } from './statusBar';
import { PluginsView } from './views/pluginsView';
import { SessionsTree } from './views/sessionsTree';

/** What `activate` returns: the live pieces, for the in-host integration tests to observe. */
export interface ExtensionApi {
  readonly copilot: Copilot;
  readonly tree: SessionsTree;
  readonly panels: SessionPanels;
  readonly plugins: PluginsView;
  /** The extension's log folder (the "Security Copilot" log is written below it). */
  readonly logUri: vscode.Uri;
  /** Chat participant, language model tools and MCP server (their handlers, for in-host tests). */
  readonly chat: ChatFeatures;
  /** User-only settings a workspace tried to set (ignored, with a warning). */
  readonly settingsGuard: WorkspaceSettingsGuard;
  readonly promptbooks: Promptbooks;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = new Log();
  const copilot = new Copilot(log, { secrets: context.secrets, windowState: context.workspaceState });
  const tree = new SessionsTree(copilot);
  const panels = new SessionPanels({ copilot, extensionUri: context.extensionUri });
  const plugins = new PluginsView(copilot);
  const settingsGuard = new WorkspaceSettingsGuard(log);
  const promptbooks = new Promptbooks(copilot, context.workspaceState);
  context.subscriptions.push(
    settingsGuard,
    log,
    copilot,
    tree,
    panels,
    plugins,
    new StatusBar(copilot),
    new AnswerNotifier(copilot, panels),
    promptbooks,
    ...registerCommands({ copilot, tree, panels, plugins, promptbooks, extensionUri: context.extensionUri }),
  );
  const chat = new ChatFeatures(copilot, context);
  context.subscriptions.push(chat);

  // Account changes (sign-in, sign-out, switch) and settings changes: nothing of the previous account or
  // workspace stays visible anywhere; every follower stops, and what is open reloads for the new one.
  let knownAccount: string | undefined | null = null;
  const engine = copilot.engine;
  context.subscriptions.push(
    copilot.auth.onDidChange((session) => {
      const id = session?.account.id;
      const changed = knownAccount !== null && knownAccount !== id;
      knownAccount = id;
      if (changed || engine.list.status === 'error') engine.reset();
    }),
    copilot.auth.onDidReauthenticate(() => engine.resumeAfterSignIn()),
    copilot.onDidChangeSettings(() => {
      void copilot.auth.check();
      engine.reset();
    }),
  );
  log.info(`Security Copilot activated (VS Code ${vscode.version}).`);
  return { copilot, tree, panels, plugins, promptbooks, logUri: context.logUri, chat, settingsGuard };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
