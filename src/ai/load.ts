// Loads dist/ai.js (src/ai/features.ts, a separate esbuild bundle) the first time chat, a language model tool
// or the enabled MCP server needs it; with none of them used it is never loaded. No `vscode` import.
//
// `./features.js` is resolved at run time, next to this file: esbuild.js keeps this require external and points
// it at dist/ai.js (beside dist/extension.js); in the compiled tests it is out/src/ai/features.js.
import type * as AiModule from './features';

let loaded: typeof AiModule | undefined;

export function loadAi(): typeof AiModule {
  // A synchronous require: VS Code's calls (a chat turn, a tool) and the tests' getters get the bundle at once.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy: its own bundle
  loaded ??= require('./features.js') as typeof AiModule;
  return loaded;
}
