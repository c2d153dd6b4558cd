// The YAML reader is its own bundle (dist/promptbook-frontmatter.js, see esbuild.js): it loads the first time a
// promptbook runs, is checked or completes an input, never at activation.
import type * as FrontMatterModule from './frontMatter';

let loaded: Promise<typeof FrontMatterModule> | undefined;

export function loadFrontMatter(): Promise<typeof FrontMatterModule> {
  loaded ??= import('./frontMatter.js');
  return loaded;
}
