import * as vscode from 'vscode';
import { firstLine } from './core/time';
import { Disposable } from './lifecycle';
import type { SessionPanels } from './panels/sessionPanel';
import type { Copilot } from './service';
import { sessionLabel } from './shared/protocol';

/**
 * Following goes on when the panel closes. When an answer arrives and nobody sees it — no visible panel of the
 * session (the tree does not count) and no chat turn, tool or promptbook waiting for it — a notification says
 * it is ready, with Open.
 */
export class AnswerNotifier extends Disposable {
  constructor(copilot: Copilot, panels: SessionPanels) {
    super();
    this.register(
      copilot.engine.onDidFinish((e) => {
        if (e.awaited || panels.isVisible(e.sessionId)) return;
        copilot.log.info(`The answer to prompt ${e.promptId} arrived with no panel of its session visible: notifying.`);
        const session = sessionLabel(copilot.engine.session(e.sessionId)?.displayName);
        const question = firstLine(e.prompt.content, 60) || vscode.l10n.t('your prompt');
        const open = vscode.l10n.t('Open');
        void vscode.window
          .showInformationMessage(
            e.outcome.kind === 'success'
              ? vscode.l10n.t('Security Copilot answered "{0}" in "{1}".', question, session)
              : vscode.l10n.t('Security Copilot finished without an answer to "{0}" in "{1}".', question, session),
            open,
          )
          .then((choice) => {
            if (choice === open) void vscode.commands.executeCommand('securityCopilot.openSession', e.sessionId);
          });
      }),
    );
  }
}
