// Builds these bundles (node ones: cjs, node20, `vscode` external):
//   dist/extension.js     the extension: what activation loads, and all it loads (`npm run bench` checks that)
//   dist/identity.js      the `@azure/identity` sign-in methods, required at run time only when
//                         `securityCopilot.auth.method` is not `vscode`; never part of dist/extension.js
//   dist/masking.js       secret masking with secretlint's preset, loaded by the extension on first use
//   dist/ai.js            the chat participant's handler, the language model tools and the MCP server definition
//                         provider (src/ai/features.ts): loaded by the stand-ins src/ai/index.ts registers at
//                         activation, when chat, a tool or the enabled MCP server is first used
//   dist/promptbook.js    the promptbook serializer's implementation, notebook controller, diagnostics and
//                         completions (src/promptbook/features.ts): loaded when a promptbook is first opened or run
//   dist/commands.js      every command's implementation (src/commands/all.ts): loaded when a command first runs
//   dist/panel.js         the session panel in the extension host (src/panels/panel.ts): loaded when a panel first
//                         opens or is restored
//   dist/webview/main.js  the session panel's script (browser, iife) + its CSS and the codicon font
//   dist/mcp.js           the MCP server (MCP SDK inside), loaded only when the user enables it
//   dist/emulator/cli.js  the local Graph emulator; never packaged (see .vscodeignore)
//   dist/promptbook-frontmatter.js  the promptbooks' YAML reader, loaded lazily by dist/promptbook.js
// The lazily loaded bundles get what must exist once per window (Copilot, the engine, the log, the error
// mapping, ...) from dist/extension.js through a factory or context object and import it as types only; each
// writes its metafile (dist/*.meta.json, not packaged) so what two bundles both contain can be checked.
// Flags: --production (minify, no sourcemaps), --watch, --emulator-only.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const emulatorOnly = process.argv.includes('--emulator-only');

/** Prints the lines the `$esbuild-watch` problem matcher looks for. */
const watchLogger = {
  name: 'watch-logger',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

function copyWebviewAssets() {
  const out = path.join(__dirname, 'dist', 'webview');
  fs.mkdirSync(out, { recursive: true });
  const codicons = path.join(__dirname, 'node_modules', '@vscode', 'codicons', 'dist');
  for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(codicons, f), path.join(out, f));
}

/** Keeps `require('./masking.js')` (src/masking/load.ts) out of the extension bundle: it loads dist/masking.js. */
const lazyMasking = {
  name: 'lazy-masking',
  setup(build) {
    build.onResolve({ filter: /^\.\/masking\.js$/ }, () => ({ path: './masking.js', external: true }));
  },
};

/**
 * One namespace object for `vscode` in the extension bundle: esbuild would otherwise wrap the external module
 * (`__toESM`, a copy of every API property) once per importing file, about 40 times at load.
 */
const oneVscodeNamespace = {
  name: 'one-vscode-namespace',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-namespace' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-namespace' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-namespace' }, () => ({ contents: "export * from 'vscode';", loader: 'js', resolveDir: __dirname }));
  },
};

/** Writes what a bundle is made of (esbuild's metafile; `npm run bench` checks what activation loads). Not packaged. */
function writeMetafile(file) {
  return {
    name: 'write-metafile',
    setup(build) {
      build.onEnd((result) => {
        if (result.metafile) fs.writeFileSync(path.join(__dirname, file), JSON.stringify(result.metafile));
      });
    },
  };
}

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  plugins: watch ? [watchLogger] : [],
};

/** The extension bundle loads the YAML reader from its own file at first use (src/promptbook/lazy.ts). */
const lazyFrontMatter = {
  name: 'lazy-front-matter',
  setup(build) {
    build.onResolve({ filter: /^\.\/frontMatter\.js$/ }, (args) =>
      args.importer.endsWith(path.join('promptbook', 'lazy.ts')) ? { path: './promptbook-frontmatter.js', external: true } : undefined,
    );
  },
};

/**
 * A lazily loaded bundle: `require(request)` in `importer` (a src file) stays a run-time require of `file`, the
 * bundle's file next to the one being built (see src/ai/load.ts, src/promptbook/load.ts).
 */
function lazyBundle(importer, request, file) {
  const filter = new RegExp(`^${request.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
  return {
    name: `lazy-${path.basename(file, '.js')}`,
    setup(build) {
      build.onResolve({ filter }, (args) => (args.importer.endsWith(path.join(...importer.split('/'))) ? { path: file, external: true } : undefined));
    },
  };
}
const lazyAi = lazyBundle('src/ai/load.ts', './features.js', './ai.js');
const lazyPromptbook = lazyBundle('src/promptbook/load.ts', './features.js', './promptbook.js');
const lazyCommands = lazyBundle('src/commands/load.ts', './all.js', './commands.js');
const lazyPanel = lazyBundle('src/panels/load.ts', './panel.js', './panel.js');

const builds = [
  {
    ...common,
    entryPoints: ['emulator/cli.ts'],
    outfile: 'dist/emulator/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
];
if (!emulatorOnly) {
  builds.push(
    {
      ...common,
      entryPoints: ['src/extension.ts'],
      outfile: 'dist/extension.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // @azure/identity lives in dist/identity.js only; the extension loads that file with a run-time require.
      external: ['vscode', '@azure/identity'],
      plugins: [...common.plugins, oneVscodeNamespace, lazyMasking, lazyFrontMatter, lazyAi, lazyPromptbook, lazyCommands, lazyPanel, writeMetafile('dist/extension.meta.json')],
      metafile: true,
      // import() of the lazy bundle becomes a deferred require (the extension host loads CommonJS).
      supported: { 'dynamic-import': false },
    },
    {
      ...common,
      entryPoints: ['src/panels/panel.ts'],
      outfile: 'dist/panel.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      plugins: [...common.plugins, oneVscodeNamespace, writeMetafile('dist/panel.meta.json')],
      metafile: true,
    },
    {
      ...common,
      entryPoints: ['src/commands/all.ts'],
      outfile: 'dist/commands.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      plugins: [...common.plugins, oneVscodeNamespace, writeMetafile('dist/commands.meta.json')],
      metafile: true,
    },
    {
      ...common,
      entryPoints: ['src/promptbook/features.ts'],
      outfile: 'dist/promptbook.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      plugins: [...common.plugins, oneVscodeNamespace, lazyFrontMatter, writeMetafile('dist/promptbook.meta.json')],
      metafile: true,
      supported: { 'dynamic-import': false },
    },
    {
      ...common,
      entryPoints: ['src/promptbook/frontMatter.ts'],
      outfile: 'dist/promptbook-frontmatter.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
    },
    {
      ...common,
      entryPoints: ['src/masking/masking.ts'],
      outfile: 'dist/masking.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
    },
    {
      ...common,
      entryPoints: ['src/identity/index.ts'],
      outfile: 'dist/identity.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
    },
    {
      ...common,
      entryPoints: ['src/ai/features.ts'],
      outfile: 'dist/ai.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      plugins: [...common.plugins, oneVscodeNamespace, writeMetafile('dist/ai.meta.json')],
      metafile: true,
    },
    {
      ...common,
      entryPoints: ['src/ai/mcpServer.ts'],
      outfile: 'dist/mcp.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
    },
    {
      ...common,
      entryPoints: { main: 'src/webview/main.ts', styles: 'src/webview/styles.css' },
      outdir: 'dist/webview',
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
    },
  );
}

async function main() {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  if (!emulatorOnly) copyWebviewAssets();
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
