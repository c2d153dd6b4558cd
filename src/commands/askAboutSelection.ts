import * as vscode from 'vscode';
import { composeSelectionPrompt } from '../core/selectionPrompt';
import { pickSession } from '../ui/sessionPicker';
import type { CommandDefinition } from './context';
import { createSessionInteractive } from './createSession';

/**
 * Sends nothing by itself: it puts the selection (with file name and line range) into the chosen session's
 * prompt box, so the user sees exactly what will be sent and can edit it before pressing Send.
 */
export const askAboutSelection: CommandDefinition = {
  id: 'securityCopilot.askAboutSelection',
  verb: 'prepare the question',
  write: true,
  run: async (ctx) => {
    const editor = vscode.window.activeTextEditor;
    const selection = editor?.selection;
    const text = editor && selection && !selection.isEmpty ? editor.document.getText(selection) : '';
    if (!editor || !selection || !text.trim()) {
      void vscode.window.showInformationMessage('Select the text you want to ask Security Copilot about first.');
      return undefined;
    }
    const endLine = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line : selection.end.line + 1;
    const composed = composeSelectionPrompt({
      text,
      fileName: vscode.workspace.asRelativePath(editor.document.uri, false),
      startLine: selection.start.line + 1,
      endLine,
      languageId: editor.document.languageId,
    });
    if (composed.truncated) {
      void vscode.window.showWarningMessage(
        `The selection has ${composed.originalLength.toLocaleString('en-US')} characters; only the first 12,000 will be sent.`,
      );
    }
    const picked = await pickSession(ctx.copilot, {
      title: 'Ask Security Copilot About Selection',
      placeHolder: 'Choose the session to ask in',
      allowNew: true,
    });
    if (!picked) return undefined;
    let sessionId: string;
    if (picked.kind === 'new') {
      const session = await createSessionInteractive(ctx, `About ${composed.source}`.slice(0, 200));
      if (!session) return undefined;
      void ctx.tree.reveal(session.id);
      sessionId = session.id;
    } else {
      sessionId = picked.id;
    }
    const panel = ctx.panels.show(sessionId);
    const masked = composed.maskedCount
      ? ` ${composed.maskedCount} secret${composed.maskedCount === 1 ? ' was' : 's were'} masked (${composed.maskedKinds.join(', ')}).`
      : '';
    panel.setDraft(composed.prompt, `From ${composed.source}.${masked} Review and edit it: nothing is sent until you press Send.`);
    return sessionId;
  },
};
