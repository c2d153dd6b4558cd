// Loads dist/identity.js (the `@azure/identity` sign-in methods, a separate esbuild bundle) the first time a
// non-default sign-in method needs it. With the default method it is never loaded.
import * as path from 'node:path';
import type { IdentityModule } from '../identity/types';

let loaded: IdentityModule | undefined;

/** The bundle's file: next to dist/extension.js. */
export function identityBundlePath(): string {
  return path.join(__dirname, 'identity.js');
}

export function loadIdentityModule(): IdentityModule {
  // A run-time require of a computed path: esbuild leaves it alone, so the bundle stays separate.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, computed path
  loaded ??= require(identityBundlePath()) as IdentityModule;
  return loaded;
}
