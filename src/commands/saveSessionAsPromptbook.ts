import * as vscode from 'vscode';
import { NOTEBOOK_TYPE } from '../promptbook';
import { findRepeatedLiterals, promptbookFileName, promptbookFromSession, type Literal } from '../promptbook/fromSession';
import { resolveSessionId, type CommandDefinition } from './context';

export interface SaveAsPromptbookOptions {
  /** Write here instead of asking. */
  destination?: vscode.Uri;
  /** Which repeated literals become inputs without asking: all, none, or these values. */
  inputs?: 'all' | 'none' | string[];
}

function kindLabel(kind: Literal['kind']): string {
  switch (kind) {
    case 'ip':
      return vscode.l10n.t('IP address');
    case 'account':
      return vscode.l10n.t('account');
    case 'host':
      return vscode.l10n.t('host');
    case 'incident':
      return vscode.l10n.t('incident');
  }
}

/**
 * Save Session as Promptbook (tree context menu, palette, or a caller with a session id): the session's prompts,
 * oldest first, as a new `*.promptbook.md`; repeated literals can become inputs. Opens the new promptbook.
 */
export const saveSessionAsPromptbook: CommandDefinition = {
  id: 'securityCopilot.saveSessionAsPromptbook',
  verb: 'save the session as a promptbook',
  run: async (ctx, arg, rawOptions) => {
    const options = (rawOptions ?? {}) as SaveAsPromptbookOptions;
    const id = await resolveSessionId(ctx, arg, vscode.l10n.t('Save Session as Promptbook'));
    if (id === undefined) return undefined;
    const engine = ctx.copilot.engine;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the session’s prompts') }, () =>
      engine.loadSession(id, { evaluations: false }),
    );
    const detail = engine.detail(id);
    if (detail?.status === 'error') throw detail.error;
    const prompts = (detail?.prompts ?? []).map((p) => p.prompt.content ?? '').filter((t) => t.trim() !== '');
    if (!prompts.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This session has no prompts to save.'));
      return undefined;
    }
    const title = (detail?.session ?? engine.session(id))?.displayName?.trim() || 'Untitled session';

    const literals = findRepeatedLiterals(prompts);
    let chosen: Literal[] = [];
    if (options.inputs === 'all') chosen = literals;
    else if (Array.isArray(options.inputs)) chosen = literals.filter((l) => options.inputs!.includes(l.value));
    else if (options.inputs !== 'none' && literals.length) {
      const picked = await vscode.window.showQuickPick(
        literals.map((l) => ({
          label: l.value,
          description: `${kindLabel(l.kind)} · ${l.count}× → {{${l.name}}}`,
          picked: true,
          literal: l,
        })),
        {
          title: vscode.l10n.t('Save Session as Promptbook: turn repeated values into inputs'),
          placeHolder: vscode.l10n.t('Checked values become {{inputs}} asked for on every run; unchecked ones stay as written'),
          canPickMany: true,
          ignoreFocusOut: true,
        },
      );
      if (!picked) return undefined;
      chosen = picked.map((p) => p.literal);
    }

    let target = options.destination;
    if (!target) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      target = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Save Session as Promptbook'),
        defaultUri: folder ? vscode.Uri.joinPath(folder, promptbookFileName(title)) : undefined,
        filters: { Promptbooks: ['promptbook.md'] },
      });
      if (!target) return undefined;
    }
    if (!/\.promptbook\.md$/i.test(target.path)) {
      target = target.with({ path: target.path.replace(/(\.promptbook)?(\.md)?$/i, '.promptbook.md') });
    }
    const text = promptbookFromSession({ title, sessionId: id, prompts, inputs: chosen, savedOn: new Date().toISOString().slice(0, 10) });
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    const notebook = await vscode.workspace.openNotebookDocument(target);
    if (notebook.notebookType === NOTEBOOK_TYPE) await vscode.window.showNotebookDocument(notebook, { preview: false });
    return target.toString();
  },
};
