// Loads dist/commands.js (src/commands/all.ts, a separate esbuild bundle) the first time a command runs. No
// `vscode` import.
//
// `./all.js` is resolved at run time, next to this file: esbuild.js keeps this require external and points it at
// dist/commands.js (beside dist/extension.js); in the compiled tests it is out/src/commands/all.js.
import type * as CommandsModule from './all';

let loaded: typeof CommandsModule | undefined;

export function loadCommands(): typeof CommandsModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy: its own bundle
  loaded ??= require('./all.js') as typeof CommandsModule;
  return loaded;
}
