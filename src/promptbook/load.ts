// Loads dist/promptbook.js (src/promptbook/features.ts, a separate esbuild bundle) the first time a promptbook is
// opened, saved or run; without promptbooks it is never loaded. No `vscode` import.
//
// `./features.js` is resolved at run time, next to this file: esbuild.js keeps this require external and points
// it at dist/promptbook.js (beside dist/extension.js); in the compiled tests it is out/src/promptbook/features.js.
import type * as PromptbookModule from './features';

let loaded: typeof PromptbookModule | undefined;

export function loadPromptbook(): typeof PromptbookModule {
  // Synchronous: VS Code's serializer calls and the commands' `promptbooks` getter get the bundle at once.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy: its own bundle
  loaded ??= require('./features.js') as typeof PromptbookModule;
  return loaded;
}
