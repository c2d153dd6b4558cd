#!/usr/bin/env node
// Performance figures for the parts that decide how fast the extension feels. Prints numbers; asserts nothing.
//   npm run bench            (compiles, then runs)
// Runs the real Graph client against the local emulator over loopback HTTP, and the real answer renderer in
// jsdom. Figures are wall-clock on this machine: compare runs on the same machine only.
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const out = path.join(__dirname, '..', 'out');
const { startEmulator } = require(path.join(out, 'emulator'));
const { SecurityCopilotClient } = require(path.join(out, 'src', 'graph'));
const { sessionToMarkdown } = require(path.join(out, 'src', 'core', 'exportMarkdown'));

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { n: s.length, mean, p50: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

function row(name, st, unit = 'ms') {
  const f = (v) => v.toFixed(2).padStart(9);
  console.log(`${name.padEnd(46)} n=${String(st.n).padStart(4)}  mean ${f(st.mean)} ${unit}  p50 ${f(st.p50)}  p95 ${f(st.p95)}  max ${f(st.max)}`);
}

async function time(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main() {
  const emulator = await startEmulator({ port: 0, quiet: true, evaluation: { createdMs: 0, runningMs: 0 } });
  const client = new SecurityCopilotClient({ baseUrl: emulator.url, getToken: async () => 'bench-token' });
  const ws = 'default';
  try {
    console.log(`Security Copilot for VS Code — benchmark (${new Date().toISOString()}, node ${process.version})\n`);

    // 1. Creating sessions (one POST each; what "Create Copilot Session" waits for).
    const creates = [];
    for (let i = 0; i < 200; i++) creates.push(await time(() => client.createSession(ws, `Bench session ${i}`)));
    row('createSession (POST, 201)', stats(creates));

    // 2. First page of the tree, and walking every page.
    await fetch(`${emulator.url}/_emulator/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessions: 800, promptsPerSession: 0 }) });
    const firstPage = [];
    for (let i = 0; i < 100; i++) firstPage.push(await time(() => client.listSessionsPage(ws, { top: 25 })));
    row('listSessionsPage $top=25 (tree first page)', stats(firstPage));
    const walks = [];
    let total = 0;
    for (let i = 0; i < 5; i++) {
      walks.push(
        await time(async () => {
          total = 0;
          for await (const _ of client.listSessions(ws, { top: 50 })) total++;
        }),
      );
    }
    row(`listSessions all pages (${total} sessions, $top=50)`, stats(walks));

    // 3. The prompt → answer round trip with an instant evaluation (client overhead + first poll delay).
    const session = await client.createSession(ws, 'Round trips');
    const trips = [];
    for (let i = 0; i < 20; i++) {
      trips.push(
        await time(async () => {
          const p = await client.createPrompt(ws, session.id, `question ${i}`);
          const e = await client.createEvaluation(ws, session.id, p.id);
          await client.waitForEvaluation({ workspaceId: ws, sessionId: session.id, promptId: p.id, evaluationId: e.id });
        }),
      );
    }
    row('prompt → evaluation → answer (instant eval)', stats(trips));

    // 4. Opening a 200-prompt session: prompts + evaluations with the panel's concurrency of 4.
    const big = await client.createSession(ws, 'Big session');
    const promptIds = [];
    for (let i = 0; i < 200; i++) {
      const p = await client.createPrompt(ws, big.id, `Investigate host WS-${i}: **what happened**?`);
      await client.createEvaluation(ws, big.id, p.id);
      promptIds.push(p);
    }
    const opens = [];
    let exported = [];
    for (let i = 0; i < 3; i++) {
      opens.push(
        await time(async () => {
          const prompts = [];
          for await (const p of client.listPrompts(ws, big.id)) prompts.push(p);
          const queue = [...prompts];
          exported = [];
          await Promise.all(
            Array.from({ length: 4 }, async () => {
              for (let p = queue.shift(); p; p = queue.shift()) exported.push({ prompt: p, evaluations: await client.listEvaluations(ws, big.id, p.id) });
            }),
          );
        }),
      );
    }
    row('open 200-prompt session (prompts + evaluations)', stats(opens));

    // 5. Rendering answers in a DOM (what the panel does per prompt), and exporting.
    const { JSDOM } = require('jsdom');
    const { createRenderer } = require(path.join(out, 'src', 'webview', 'render'));
    const dom = new JSDOM('<!DOCTYPE html><body></body>');
    const renderer = createRenderer(dom.window);
    const answers = exported.map((e) => e.evaluations.at(-1)?.result?.content ?? '').filter(Boolean);
    const renders = [];
    const actions = { copy() {}, openInEditor() {} };
    for (const md of answers) renders.push(await time(() => dom.window.document.body.append(renderer.render(md, actions))));
    row(`render one answer (markdown-it + DOMPurify, jsdom)`, stats(renders));
    const exports = [];
    for (let i = 0; i < 20; i++) exports.push(await time(() => sessionToMarkdown(big, exported, ws)));
    row('export 200-prompt session to Markdown', stats(exports));
    const size = sessionToMarkdown(big, exported, ws).length;
    console.log(`\nexported Markdown size: ${(size / 1024).toFixed(1)} KiB; emulator requests served: ${emulator.requests().length}`);

    // 6. What activation pays to load the bundles (production build, compiled but not run: it needs vscode).
    const fs = require('node:fs');
    const vm = require('node:vm');
    const { execFileSync } = require('node:child_process');
    execFileSync(process.execPath, [path.join(__dirname, '..', 'esbuild.js'), '--production'], { stdio: 'ignore' });
    for (const file of ['dist/extension.js', 'dist/webview/main.js']) {
      const code = fs.readFileSync(path.join(__dirname, '..', file), 'utf8');
      const compiles = [];
      for (let i = 0; i < 20; i++) compiles.push(await time(() => new vm.Script(code, { filename: `${file}#${i}` })));
      row(`compile ${file} (${(code.length / 1024).toFixed(1)} KiB)`, stats(compiles));
    }
    execFileSync(process.execPath, [path.join(__dirname, '..', 'esbuild.js')], { stdio: 'ignore' });
  } finally {
    await emulator.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
