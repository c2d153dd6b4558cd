import * as vscode from 'vscode';
import { exportFileName, sessionToMarkdown, type ExportedPrompt } from '../core/exportMarkdown';
import { resolveSessionId, type CommandDefinition, type CommandContext } from './context';

export interface ExportOptions {
  /** Write to this file instead of asking (used by other commands and keybindings). */
  destination?: vscode.Uri;
  /** Open an untitled editor instead of asking. */
  untitled?: boolean;
}

/**
 * Reads the session through the engine (so the tree and an open panel see the same fresh data) and turns it into
 * Markdown. A prompt whose answers could not be read is exported with that note, not as unanswered.
 */
async function fetchAll(ctx: CommandContext, sessionId: string, token: vscode.CancellationToken, progress: vscode.Progress<{ message?: string }>) {
  const engine = ctx.copilot.engine;
  progress.report({ message: 'reading prompts and answers' });
  await Promise.race([
    engine.loadSession(sessionId, { evaluations: true, force: true }),
    new Promise<never>((_resolve, reject) => token.onCancellationRequested(() => reject(new vscode.CancellationError()))),
  ]);
  const detail = engine.detail(sessionId);
  if (!detail || detail.status === 'error') throw detail?.error ?? new Error('The session could not be read.');
  const session = detail.session ?? engine.session(sessionId);
  if (!session) throw new Error('The session could not be read.');
  const exported: ExportedPrompt[] = detail.prompts.map((p) => ({
    prompt: p.prompt,
    evaluations: [...(p.evaluations ?? [])],
    ...(p.evaluationsError ? { note: p.evaluationsError } : {}),
  }));
  return { session, markdown: sessionToMarkdown(session, exported, ctx.copilot.workspaceId) };
}

export const exportSession: CommandDefinition = {
  id: 'securityCopilot.exportSession',
  verb: 'export the session',
  run: async (ctx, arg, rawOptions) => {
    const options = (rawOptions ?? {}) as ExportOptions;
    const id = await resolveSessionId(ctx, arg, vscode.l10n.t('Export Session as Markdown'));
    if (id === undefined) return undefined;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exporting session'), cancellable: true },
      (progress, token) => fetchAll(ctx, id, token, progress),
    );
    let target = options.destination;
    if (!target && !options.untitled) {
      const where = await vscode.window.showQuickPick(
        [
          { label: `$(new-file) ${vscode.l10n.t('Open in a new editor')}`, value: 'untitled' as const },
          { label: `$(save) ${vscode.l10n.t('Save to a file…')}`, value: 'file' as const },
        ],
        { title: vscode.l10n.t('Export Session as Markdown'), placeHolder: vscode.l10n.t('Where should the Markdown go?') },
      );
      if (!where) return undefined;
      if (where.value === 'file') {
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        target = await vscode.window.showSaveDialog({
          title: vscode.l10n.t('Export Session as Markdown'),
          defaultUri: folder ? vscode.Uri.joinPath(folder, exportFileName(result.session)) : undefined,
          filters: { Markdown: ['md'] },
        });
        if (!target) return undefined;
      }
    }
    if (target) {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.markdown));
      await vscode.window.showTextDocument(target, { preview: false });
      vscode.window.setStatusBarMessage(`$(check) Exported to ${vscode.workspace.asRelativePath(target)}`, 4000);
      return target.toString();
    }
    const doc = await vscode.workspace.openTextDocument({ content: result.markdown, language: 'markdown' });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc.uri.toString();
  },
};
