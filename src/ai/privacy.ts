import * as vscode from 'vscode';

const KEY = 'securityCopilot.ai.privacyNoteShown';
export const PRIVACY_DOCS_URL = 'https://learn.microsoft.com/copilot/security/privacy-data-security';

/** What goes where when chat, a tool or an MCP client asks Security Copilot. */
export function privacyText(workspaceId: string): string {
  return vscode.l10n.t(
    "Your question (and any attached, masked excerpt) is sent to Microsoft Security Copilot in workspace \"{0}\" with your sign-in, and saved there as a session that the portal and this extension can open. When a chat model or an agent asks through a tool, that model also sees Security Copilot's answer.",
    workspaceId,
  );
}

/** Says once per installation what goes where, the first time chat, a tool or an MCP client sends data. */
export class PrivacyNote {
  constructor(private readonly state: vscode.Memento) {}

  get shown(): boolean {
    return this.state.get<boolean>(KEY, false);
  }

  /** True the first time only (and remembers that it was shown). */
  take(): boolean {
    if (this.shown) return false;
    void this.state.update(KEY, true);
    return true;
  }

  /** The note as a notification (tools and MCP calls, which have no chat response to write it into). */
  notifyOnce(workspaceId: string): void {
    if (!this.take()) return;
    const learnMore = vscode.l10n.t('Learn More');
    void vscode.window.showInformationMessage(privacyText(workspaceId), learnMore).then((choice) => {
      if (choice === learnMore) void vscode.env.openExternal(vscode.Uri.parse(PRIVACY_DOCS_URL));
    });
  }

  reset(): Thenable<void> {
    return this.state.update(KEY, undefined);
  }
}
