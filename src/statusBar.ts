import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import type { Copilot } from './service';

/** Shows the signed-in account and workspace; opens a small menu (switch account, show log, …). */
export class StatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('securityCopilot.status', vscode.StatusBarAlignment.Left, 10));

  constructor(private readonly copilot: Copilot) {
    super();
    this.item.name = vscode.l10n.t('Security Copilot');
    this.item.command = 'securityCopilot.statusMenu';
    this.register(copilot.auth.onDidChange(() => this.update()));
    this.register(copilot.onDidChangeSettings(() => this.update()));
    this.register(copilot.engine.onDidChangeSignInRequired(() => this.update()));
    this.update();
    this.item.show();
  }

  private update(): void {
    const account = this.copilot.auth.account;
    const workspace = this.copilot.workspaceName;
    const s = this.copilot.settings;
    const readOnly = this.copilot.readOnly ? ` ${vscode.l10n.t('(read-only)')}` : '';
    if (account && this.copilot.engine.signInNeeded) {
      this.item.text = `$(warning) ${vscode.l10n.t('Security Copilot: Sign in again')}`;
      const claims = this.copilot.auth.claimsMessage;
      this.item.tooltip = claims
        ? vscode.l10n.t('{0} Background updates stopped. Click to sign in again.', claims.message)
        : vscode.l10n.t('Microsoft Graph no longer accepts your sign-in; background updates stopped. Click to sign in again.');
      this.item.accessibilityInformation = { label: vscode.l10n.t('Security Copilot, sign in again') };
      this.item.command = 'securityCopilot.signInAgain';
      return;
    }
    this.item.command = 'securityCopilot.statusMenu';
    if (account) {
      this.item.text = `$(shield) ${account.label} · ${workspace}${readOnly}`;
      this.item.tooltip = vscode.l10n.t(
        'Security Copilot: signed in as {0} (tenant {1}, sign-in: {2}), workspace "{3}"{4}. Click to switch account, tenant or workspace.',
        account.label,
        this.copilot.auth.tenantLabel(),
        s.method,
        workspace,
        readOnly,
      );
      this.item.accessibilityInformation = {
        label: vscode.l10n.t('Security Copilot, signed in as {0}, tenant {1}, workspace {2}{3}', account.label, this.copilot.auth.tenantLabel(), workspace, readOnly),
      };
    } else {
      this.item.text = `$(shield) ${vscode.l10n.t('Security Copilot: Sign in')}`;
      this.item.tooltip = vscode.l10n.t('Security Copilot: not signed in. Click to sign in.');
      this.item.accessibilityInformation = { label: vscode.l10n.t('Security Copilot, not signed in') };
    }
  }
}
