import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The panel's HTML shell. Strict CSP: nothing by default, styles and fonts only from the extension's own
 * files, images only from those files or data: URIs (remote images in answers could track the reader), and
 * scripts only with this render's nonce. No inline handlers; everything else is built by the bundled script.
 * The display language's message bundle rides along as a data attribute (text, never script).
 */
export function renderPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, sessionId: string): string {
  const nonce = randomBytes(18).toString('base64');
  // The page's own messages use @vscode/l10n with the display language's bundle (none in English).
  const bundle = vscode.l10n.bundle;
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicon.css')}">
<link rel="stylesheet" href="${asset('styles.css')}">
<title>Security Copilot session</title>
</head>
<body data-session-id="${escapeAttribute(sessionId)}"${bundle ? ` data-l10n="${escapeAttribute(JSON.stringify(bundle))}"` : ''}>
<div id="app" class="app"><p class="loading"><span class="codicon codicon-loading codicon-modifier-spin"></span> ${escapeAttribute(vscode.l10n.t('Loading session…'))}</p></div>
<script nonce="${nonce}" src="${asset('main.js')}"></script>
</body>
</html>`;
}
