import * as vscode from 'vscode';
import { checkSelectionText, composeSelectionPrompt, MAX_SELECTION_CHARS } from '../core/selectionPrompt';
import { pickSession } from '../ui/sessionPicker';
import type { CommandDefinition } from './context';
import { createSessionInteractive } from './createSession';

/**
 * Sends nothing by itself: it puts the selection (with file name and line range) into the chosen session's
 * prompt box, so the user sees exactly what will be sent and can edit it before pressing Send. Secrets are
 * masked first (src/masking, loaded on first use).
 */
export const askAboutSelection: CommandDefinition = {
  id: 'securityCopilot.askAboutSelection',
  verb: 'prepare the question',
  write: true,
  run: async (ctx) => {
    const editor = vscode.window.activeTextEditor;
    const selection = editor?.selection;
    const text = editor && selection && !selection.isEmpty ? editor.document.getText(selection) : '';
    const checked = checkSelectionText(text);
    if (!editor || !selection || !checked.ok) {
      const message = checked.ok ? vscode.l10n.t('Select the text you want to ask Security Copilot about first.') : checked.message;
      ctx.copilot.log.info(`Ask About Selection: ${message}`);
      void vscode.window.showInformationMessage(message);
      return undefined;
    }
    const document = editor.document;
    // Restricted Mode: files of a folder the user hasn't trusted are not put into prompts (an untitled editor is
    // the user's own text and still works).
    if (!vscode.workspace.isTrusted && document.uri.scheme !== 'untitled') {
      void vscode.window
        .showWarningMessage(
          vscode.l10n.t(
            'Ask About Selection is off in Restricted Mode: files of a folder you have not trusted are not put into Security Copilot prompts. Trust the folder, or paste the excerpt into an untitled editor.',
          ),
          vscode.l10n.t('Manage Workspace Trust'),
        )
        .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
      return undefined;
    }
    const endLine = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line : selection.end.line + 1;
    const masking = ctx.readMaskingSettings(document.uri);
    let invalidPatterns: string[] = [];
    const composed = await composeSelectionPrompt(
      {
        text,
        fileName: vscode.workspace.asRelativePath(document.uri, false),
        startLine: selection.start.line + 1,
        endLine,
        languageId: document.languageId,
      },
      async (t) => {
        const r = await ctx.maskSecrets(t, masking);
        invalidPatterns = r.invalidPatterns;
        return r;
      },
    );
    if (invalidPatterns.length) {
      ctx.copilot.log.warn(`securityCopilot.masking.extraPatterns: ${invalidPatterns.length} pattern(s) are not valid regular expressions and were skipped.`);
      void vscode.window.showWarningMessage(
        invalidPatterns.length === 1
          ? vscode.l10n.t('1 of your securityCopilot.masking.extraPatterns is not a valid regular expression; the other rules still apply.')
          : vscode.l10n.t('{0} of your securityCopilot.masking.extraPatterns are not valid regular expressions; the other rules still apply.', invalidPatterns.length),
      );
    }
    if (composed.truncated) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'The selection has {0} characters; only the first {1} will be sent.',
          composed.originalLength.toLocaleString('en-US'),
          MAX_SELECTION_CHARS.toLocaleString('en-US'),
        ),
      );
    }
    const picked = await pickSession(ctx.copilot, {
      title: vscode.l10n.t('Ask Security Copilot About Selection'),
      placeHolder: vscode.l10n.t('Choose the session to ask in'),
      allowNew: true,
      describeError: ctx.describeError,
    });
    if (!picked) return undefined;
    let sessionId: string;
    if (picked.kind === 'new') {
      const session = await createSessionInteractive(ctx, vscode.l10n.t('About {0}', composed.source).slice(0, 200));
      if (!session) return undefined;
      void ctx.tree.reveal(session.id);
      sessionId = session.id;
    } else {
      sessionId = picked.id;
    }
    const panel = ctx.panels.show(sessionId);
    const masked = composed.maskedCount
      ? ` ${
          composed.maskedCount === 1
            ? vscode.l10n.t('1 secret was masked ({0}).', composed.maskedKinds.join(', '))
            : vscode.l10n.t('{0} secrets were masked ({1}).', composed.maskedCount, composed.maskedKinds.join(', '))
        }`
      : '';
    const restricted = masking.ignoredWorkspacePatterns ? ` ${vscode.l10n.t('Workspace masking patterns are not used in Restricted Mode.')}` : '';
    panel.setDraft(
      composed.prompt,
      `${vscode.l10n.t('From {0}.', composed.source)}${masked}${restricted} ${vscode.l10n.t('Review and edit it: nothing is sent until you press Send.')}`,
    );
    return sessionId;
  },
};
