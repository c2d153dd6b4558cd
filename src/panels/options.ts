// What a session panel gets from the rest of the extension, and its webview options: shared by SessionPanels
// (extension bundle) and SessionPanel (dist/panel.js). Pure; the types are the extension bundle's objects.
import * as vscode from 'vscode';
import type { ErrorView } from '../core/errorView';
import type { Copilot } from '../service';
import type { FinalOutcome } from './views';

/** Everything a panel needs from the rest of the extension. */
export interface PanelHost {
  readonly copilot: Copilot;
  readonly extensionUri: vscode.Uri;
  /** The extension bundle's error mapping (src/errors.ts): dist/panel.js has no copy of it. */
  readonly describeError: (error: unknown) => ErrorView;
  /** The engine's `finalOutcome`: dist/panel.js has no copy of the engine or the Graph schemas. */
  readonly finalOutcome: FinalOutcome;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
