// The messages of src/core (no `vscode` import) go through @vscode/l10n, whose messages are module state: each
// bundle holding src/core code with messages has its own copy. dist/extension.js configures its copy at
// activation; the lazily loaded bundles whose code formats such messages (dist/commands.js and dist/ai.js: the
// session picker's relative times) configure theirs when they load.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';

/** Gives this bundle's @vscode/l10n the display language's messages (VS Code's bundle; none in English). */
export function configureCoreL10n(): void {
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
}
