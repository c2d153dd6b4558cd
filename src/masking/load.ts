// Loads the masking bundle on first use. No `vscode` import.
//
// `./masking.js` is resolved at run time, next to this file: dist/masking.js beside dist/extension.js in the
// packaged extension (esbuild.js builds it separately and keeps this require external), out/src/masking/masking.js
// in the compiled tests. So secretlint is read from disk only when a selection is masked, never at activation.
import type * as Masking from './masking';

export type { MaskOptions, MaskOutcome } from './masking';

let loaded: Promise<typeof Masking> | undefined;

export function loadMasking(): Promise<typeof Masking> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= Promise.resolve().then(() => require('./masking.js') as typeof Masking);
  return loaded;
}

/** Masks `text` with the full rule set (loading it if needed). */
export async function maskSecrets(text: string, options?: Masking.MaskOptions): Promise<Masking.MaskOutcome> {
  return (await loadMasking()).maskSecrets(text, options);
}
