// Hostile content in real Chromium: the corpus of test/fixtures/hostile/vectors.ts (XSS and HTML injection,
// javascript:/data:/vbscript: URLs, SVG and MathML, CSS, broken and nested markup, Markdown link and image tricks,
// long and deep content, bidi and zero-width tricks).
// 1. The answer renderer alone, markdown-it's raw HTML off and on, in a page WITHOUT a Content Security Policy, so
//    DOMPurify (not the CSP) is what must stop what markdown-it lets through.
// 2. The real session panel in the workbench: the corpus as a session name, prompts and answers from the emulator.
// Both: nothing runs (no marker, no dialog), nothing navigates, no request leaves for another host, and every
// vector's label is still readable.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Frame, Page, Request } from 'playwright-core';
import { EVIL, MARK, VECTORS } from '../fixtures/hostile/vectors';
import { type Workbench, emulator, launchBrowser, openWorkbench, pickQuickItem, quickInputType, runCommand, screenshot, sessionTreeRow } from './harness';
import { signInFromWelcomeView, waitForQuickPickTitled } from './flows';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const LABELS = VECTORS.map((v) => /^VEC\d+:/.exec(v)![0]);

/** Requests that leave loopback (the workbench and the emulator are on 127.0.0.1). */
function foreignRequests(page: Page): string[] {
  const seen: string[] = [];
  page.context().on('request', (r: Request) => {
    const url = r.url();
    if (/^(?:data|blob|about|vscode-webview|vscode-resource):/.test(url)) return;
    try {
      const host = new URL(url).hostname;
      if (host !== '127.0.0.1' && host !== 'localhost' && !host.endsWith('.vscode-cdn.net')) seen.push(url);
    } catch {
      seen.push(url);
    }
  });
  return seen;
}

async function markers(frames: Frame[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const f of frames) {
    const v = await f.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null).catch(() => null);
    if (v !== null) out.push(`${f.url()}: ${String(v)}`);
  }
  return out;
}

describe('Hostile content: nothing runs, nothing navigates, nothing is requested, text stays readable', function () {
  this.timeout(180_000);

  it(`the renderer in Chromium without a CSP, raw HTML off and on (${VECTORS.length} vectors)`, async () => {
    const bundle = await esbuild.build({
      stdin: {
        contents:
          "import { createRenderer } from './src/webview/render';\n" +
          'const w = window as any; w.__renderers = { off: createRenderer(window), on: createRenderer(window, { html: true }) };',
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const requests: string[] = [];
    await context.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    const navigations: string[] = [];
    try {
      await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body><main id="out"></main></body></html>');
      await page.addScriptTag({ content: bundle.outputFiles[0].text });
      page.on('framenavigated', (f) => navigations.push(f.url()));
      for (const mode of ['off', 'on'] as const) {
        const unreadable = await page.evaluate(
          ({ vectors, labels, mode }) => {
            const w = window as unknown as { __renderers: Record<string, { render(md: string, a: object): DocumentFragment }> };
            const out = document.getElementById('out')!;
            out.replaceChildren();
            const missing: string[] = [];
            vectors.forEach((v, i) => {
              const article = document.createElement('article');
              article.appendChild(w.__renderers[mode].render(v, { copy: () => undefined, openInEditor: () => undefined }));
              out.appendChild(article);
              if (!(article.textContent ?? '').includes(labels[i])) missing.push(labels[i]);
            });
            // What a curious user does: hover, focus and click everything.
            for (const el of Array.from(out.querySelectorAll<HTMLElement>('*'))) {
              for (const type of ['mouseover', 'pointerenter', 'focus', 'click', 'animationstart']) el.dispatchEvent(new Event(type, { bubbles: true }));
              el.focus?.();
            }
            return missing;
          },
          { vectors: VECTORS, labels: LABELS, mode },
        );
        assert.deepEqual(unreadable, [], `labels readable with raw HTML ${mode}`);
        await page.waitForLoadState('networkidle');
        assert.deepEqual(await markers(page.frames()), [], `no vector ran with raw HTML ${mode}`);
        assert.equal(page.frames().length, 1, `no frame was created with raw HTML ${mode}`);
      }
      assert.deepEqual(dialogs, [], 'no dialog');
      assert.deepEqual(requests, [], 'no request to any host');
      assert.deepEqual(navigations, [], 'no navigation');
      assert.equal(page.url(), 'about:blank');
    } finally {
      await context.close();
    }
  });

  describe('in the real session panel', () => {
    let wb: Workbench;
    let sessionId: string;
    const nameMarker = `hostile-${Date.now() % 100000}`;
    const hostileName = `${nameMarker} <img src=x onerror="${MARK}"> [x](javascript:${MARK}) \u202Egnp.exe <script>${MARK}</script>`;

    const graph = (method: string, route: string, body?: unknown) => emulator.graph(method, route, body);

    before(async () => {
      await emulator.configure({ evaluation: { createdMs: 0, runningMs: 0 } });
      sessionId = (await graph('POST', 'sessions', { displayName: hostileName })).id;
      // The corpus in chunks: each chunk is a prompt (without the 100,000-character vector, over the prompt limit)
      // and the answer to it.
      const chunks: string[][] = [];
      for (let i = 0; i < VECTORS.length; i += 40) chunks.push(VECTORS.slice(i, i + 40));
      for (const [n, chunk] of chunks.entries()) {
        const tag = `${nameMarker}-chunk-${n}`;
        await emulator.answer({ match: tag, content: chunk.join('\n\n') });
        const promptText = `${tag}\n\n${chunk.filter((v) => v.length < 2000).join('\n\n')}`.slice(0, 15_000);
        const prompt = await graph('POST', `sessions/${sessionId}/prompts`, { '@odata.type': '#microsoft.graph.security.securityCopilot.prompt', type: 'prompt', content: promptText });
        await graph('POST', `sessions/${sessionId}/prompts/${prompt.id}/evaluations`, {});
      }
      wb = await openWorkbench();
      await signInFromWelcomeView(wb.page);
    });
    after(async () => {
      await wb?.close();
    });

    it('renders the hostile session name, prompts and answers inert and readable; no request leaves loopback', async () => {
      const page = wb.page;
      const foreign = foreignRequests(page);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      // The name in the tree is plain text.
      const row = sessionTreeRow(page, nameMarker);
      await row.waitFor({ timeout: 20_000 });
      assert.ok((await row.innerText()).includes('<img src=x onerror='), 'the tree shows the name as text');
      // Open it by ID (its name is not something to type).
      await runCommand(page, 'Security Copilot: Open Session');
      await waitForQuickPickTitled(page, 'Open Session');
      await quickInputType(page, sessionId);
      await pickQuickItem(page, new RegExp(`Open session ${sessionId}`));
      const tab = page.locator('.part.editor .tabs-container .tab', { hasText: nameMarker }).first();
      await tab.waitFor({ timeout: 20_000 });
      const outer = page.locator('iframe.webview.ready:visible').last();
      await outer.waitFor({ timeout: 20_000 });
      const frame = outer.contentFrame().frameLocator('#active-frame');
      await frame.locator('#session-title').waitFor({ timeout: 20_000 });
      const chunkCount = Math.ceil(VECTORS.length / 40);
      await frame.locator('article.prompt .evaluation.latest .state[data-state="completed"]').nth(chunkCount - 1).waitFor({ timeout: 60_000 });
      const navigations: string[] = [];
      page.on('framenavigated', (f) => navigations.push(f.url()));
      // textContent: articles scrolled out of view may be skipped by innerText
      const text = (await frame.locator('body').evaluate((b) => b.textContent)) ?? '';
      const unreadable = LABELS.filter((l) => !text.includes(l));
      assert.deepEqual(unreadable, [], 'every vector label is readable in the panel');
      const answers = (await frame.locator('.answer').evaluateAll((els) => els.map((e) => e.textContent ?? '').join('\n'))) ?? '';
      assert.ok(answers.includes('[U+202E]exe.lanigiro'), 'a bidi override in an answer is shown, not obeyed');
      assert.ok(!/[\u202A-\u202E\u2066-\u2069]/.test(answers), 'no bidi control is left in the answers');
      assert.ok((await frame.locator('#session-title').innerText()).includes('<img src=x onerror='), 'the title shows the name as text');
      assert.equal(await frame.locator('.answer script, .answer iframe, .answer img, .answer svg, .answer math, .answer style, .answer form, .answer object, .answer embed, .answer [onerror], .answer [onload], .answer [style]').count(), 0);
      // Click every non-link the answers turned links into (they must do nothing).
      const blocked = frame.locator('.answer .blocked-link');
      const count = await blocked.count();
      for (let i = 0; i < Math.min(count, 60); i++) await blocked.nth(i).click({ timeout: 2_000 }).catch(() => undefined);
      await screenshot(page, 'hostile-content-panel');
      // (no networkidle wait here: the workbench keeps its connection to the server busy)
      await frame.locator('#session-title').waitFor();
      assert.deepEqual(await markers(page.frames()), [], 'no vector ran in the workbench or the webview');
      assert.deepEqual(dialogs, [], 'no browser dialog');
      assert.deepEqual(navigations.filter((u) => !u.startsWith('about:')), [], 'nothing navigated');
      assert.deepEqual(foreign.filter((u) => u.includes(new URL(EVIL).hostname)), [], 'nothing was requested from the attacker host');
      assert.deepEqual(foreign, [], 'no request left loopback');
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no VS Code dialog either');
    });
  });
});
