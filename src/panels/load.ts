// Loads dist/panel.js (src/panels/panel.ts, a separate esbuild bundle) when the first session panel opens or is
// restored. No `vscode` import.
//
// `./panel.js` is resolved at run time, next to this file: esbuild.js keeps this require external and points it
// at dist/panel.js (beside dist/extension.js); in the compiled tests it is out/src/panels/panel.js.
import type * as PanelModule from './panel';

let loaded: typeof PanelModule | undefined;

export function loadPanel(): typeof PanelModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy: its own bundle
  loaded ??= require('./panel.js') as typeof PanelModule;
  return loaded;
}
