#!/usr/bin/env node
// Writes l10n/bundle.l10n.json, the English bundle of every UI string (what translators translate into
// bundle.l10n.<locale>.json): the first argument of each `vscode.l10n.t('…')` / `l10n.t('…')` call in src/
// (the session panel's page included: it gets the same bundle from the host), and
// the `verb` of each command definition in src/commands (shown as "Could not <verb>"). Offline, with the
// TypeScript compiler's parser. Non-literal messages are reported: they cannot be found by a translator.
//
// Usage: node scripts/l10n.js          (write the bundle)
//        node scripts/l10n.js --check  (exit 1 when the bundle is out of date)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const BUNDLE = path.join(ROOT, 'l10n', 'bundle.l10n.json');

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p); // the webview's page uses @vscode/l10n with the same bundle
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** A string literal, or literals joined with `+` (the same text at run time). */
function literalText(node) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalText(node.left);
    const right = literalText(node.right);
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  return undefined;
}

/** `vscode.l10n.t(...)` or `l10n.t(...)`. */
function isL10nCall(node) {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
  const callee = node.expression;
  if (callee.name.text !== 't') return false;
  const target = callee.expression;
  return (ts.isIdentifier(target) && target.text === 'l10n') || (ts.isPropertyAccessExpression(target) && target.name.text === 'l10n');
}

/**
 * Every message of the UI: `{ messages: Map<message, files>, problems: string[] }`. A problem is an l10n.t call
 * whose message is not a literal (except the command verb lookup in src/commands/index.ts).
 */
function collect(root = ROOT) {
  const messages = new Map();
  const problems = [];
  const add = (text, file) => {
    if (!messages.has(text)) messages.set(text, new Set());
    messages.get(text).add(path.relative(root, file));
  };
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const isCommand = path.relative(root, file).startsWith(`src${path.sep}commands${path.sep}`);
    const visit = (node) => {
      if (isL10nCall(node)) {
        const first = node.arguments[0];
        const message = first && literalText(first);
        if (message !== undefined) add(message, file);
        else if (!(first && /\.verb$/.test(first.getText(sf)))) {
          const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
          problems.push(`${path.relative(root, file)}:${line + 1}: l10n.t without a literal message: ${node.getText(sf).slice(0, 80)}`);
        }
      }
      if (isCommand && ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'verb') {
        const verb = literalText(node.initializer);
        if (verb !== undefined) add(verb, file);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { messages, problems };
}

/** The bundle's JSON text for the messages (sorted, English: each message maps to itself). */
function bundleText(messages) {
  const out = {};
  for (const m of [...messages.keys()].sort()) out[m] = m;
  return `${JSON.stringify(out, null, 2)}\n`;
}

module.exports = { collect, bundleText, BUNDLE };

if (require.main === module) {
  const { messages, problems } = collect();
  for (const p of problems) console.error(p);
  const text = bundleText(messages);
  const current = fs.existsSync(BUNDLE) ? fs.readFileSync(BUNDLE, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (current !== text || problems.length) {
      console.error(`${path.relative(ROOT, BUNDLE)} is out of date: run \`npm run l10n\``);
      process.exit(1);
    }
    console.log(`${path.relative(ROOT, BUNDLE)}: ${messages.size} messages, up to date`);
  } else {
    fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
    fs.writeFileSync(BUNDLE, text);
    console.log(`wrote ${path.relative(ROOT, BUNDLE)}: ${messages.size} messages`);
    if (problems.length) process.exit(1);
  }
}
