// Gives @vscode/l10n the display language's bundle, which the host put on the page (`data-l10n` on the body;
// absent in English). Imported before anything that shows text.
import * as l10n from '@vscode/l10n';

const raw = document.body?.dataset.l10n;
if (raw) {
  try {
    l10n.config({ contents: JSON.parse(raw) as Record<string, string> });
  } catch {
    // A bundle that does not parse: the page stays in English.
  }
}
