import * as vscode from 'vscode';
import { ChatFeatures } from './ai';
import { AnswerNotifier } from './answerNotifier';
import { registerCommands } from './commands';
import { configureCoreL10n } from './coreL10n';
import { Log } from './log';
import { SessionPanels } from './panels/sessionPanel';
import { readMaskingSettings } from './config';
import { finalOutcome } from './engine';
import { describeError, showError } from './errors';
import { maskSecrets } from './masking/load';
import { registerPromptbookSerializer, whenPromptbookOpens, type Promptbooks } from './promptbook';
import { loadPromptbook } from './promptbook/load';
import { WorkspaceSettingsGuard } from './settingsGuard';
import { Copilot, readOnlyRefusal } from './service';
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
  /** Chat participant, language model tools and MCP server (their handlers, for in-host tests; reading them loads dist/ai.js). */
  readonly chat: ChatFeatures;
  /** User-only settings a workspace tried to set (ignored, with a warning). */
  readonly settingsGuard: WorkspaceSettingsGuard;
  /** Reading this builds Promptbooks (loads dist/promptbook.js) if no promptbook has been opened yet. */
  readonly promptbooks: Promptbooks;
  /** Settles when the work deferred past activation has run. */
  readonly started: Promise<void>;
}

/**
 * Registers what VS Code may call as soon as activation ends (views, commands, serializers, chat and MCP
 * providers) and returns; nothing here reads settings, talks to Graph or draws. What the first frame does not
 * need (status bar, workspace-settings check, answer notifications, MCP server start) is built right after
 * activation, or at first use if that comes sooner. The chat surfaces and promptbooks are stand-ins here that
 * load their own bundles (dist/ai.js, dist/promptbook.js) when first used.
 */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  configureCoreL10n();
  const own = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const log = own(new Log());
  const copilot = own(new Copilot(log, { secrets: context.secrets, windowState: context.workspaceState, globalState: context.globalState }));
  const tree = own(new SessionsTree(copilot));
  const panels = own(new SessionPanels({ copilot, extensionUri: context.extensionUri, describeError, finalOutcome }));
  const plugins = own(new PluginsView(copilot));
  const settingsGuard = once(() => own(new WorkspaceSettingsGuard(log)));
  // Promptbooks (dist/promptbook.js) are built when the first promptbook opens or a promptbook command runs.
  const promptbooks = once(() => own(loadPromptbook().createPromptbooks({ copilot, describeError, readOnlyRefusal }, context.workspaceState)));
  own(registerPromptbookSerializer(promptbooks));
  context.subscriptions.push(
    ...registerCommands({
      copilot,
      tree,
      panels,
      plugins,
      get promptbooks() {
        return promptbooks();
      },
      extensionUri: context.extensionUri,
      showError,
      describeError,
      maskSecrets,
      readMaskingSettings: (resource) => readMaskingSettings(resource),
    }),
  );
  const chat = own(new ChatFeatures(copilot, context));

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

  let deactivated = false;
  own({ dispose: () => (deactivated = true) });
  const started = new Promise<void>((resolve) =>
    setImmediate(() => {
      try {
        if (deactivated) return;
        copilot.afterActivation();
        settingsGuard();
        own(whenPromptbookOpens(promptbooks));
        own(new StatusBar(copilot));
        own(new AnswerNotifier(copilot, panels));
        chat.afterActivation();
        log.info(`Security Copilot activated (VS Code ${vscode.version}).`);
      } catch (e) {
        log.error('Starting Security Copilot failed', e);
      } finally {
        resolve();
      }
    }),
  );

  return {
    copilot,
    tree,
    panels,
    plugins,
    logUri: context.logUri,
    chat,
    get settingsGuard() {
      return settingsGuard();
    },
    get promptbooks() {
      return promptbooks();
    },
    started,
  };
}

/** `make()` the first time it is asked for, the same value after. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
