// The hostile corpus (test/fixtures/hostile/vectors.ts) through the answer renderer in jsdom, with markdown-it's
// raw HTML off (the product) and on (so DOMPurify alone must stop it): no active element, no handler, no URL but
// an https data-href, and every vector's label still readable. The same corpus runs in Chromium in
// test/e2e/hostile.e2e.ts.
import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { createRenderer } from '../../../src/webview/render';
import { VECTORS } from '../../fixtures/hostile/vectors';

const ACTIVE = 'script, iframe, frame, frameset, object, embed, img, svg, math, style, link, meta, base, form, input, textarea, select, video, audio, source, picture, template, dialog, details, noscript, marquee, title';
const URL_ATTRIBUTES = ['href', 'src', 'srcset', 'srcdoc', 'action', 'formaction', 'background', 'poster', 'ping', 'data', 'xlink:href', 'style', 'id', 'name'];

describe('hostile content in answers (jsdom, markdown-it raw HTML off and on)', function () {
  this.timeout(60_000);
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  const win = dom.window as unknown as Window & typeof globalThis;
  const actions = { copy: () => undefined, openInEditor: () => undefined };

  it(`has at least 150 vectors (${VECTORS.length})`, () => {
    assert.ok(VECTORS.length >= 150);
  });

  for (const html of [false, true]) {
    it(`renders every vector inert and readable with raw HTML ${html ? 'on (DOMPurify alone)' : 'off (the product)'}`, () => {
      const renderer = createRenderer(win, { html });
      const problems: string[] = [];
      for (const vector of VECTORS) {
        const label = /^VEC\d+:/.exec(vector)![0];
        const host = win.document.createElement('div');
        host.appendChild(renderer.render(vector, actions));
        const active = Array.from(host.querySelectorAll(ACTIVE)).map((e) => e.tagName.toLowerCase());
        if (active.length) problems.push(`${label} kept <${active.join('>, <')}>`);
        for (const el of Array.from(host.querySelectorAll('*'))) {
          for (const attr of Array.from(el.attributes)) {
            if (/^on/i.test(attr.name)) problems.push(`${label} kept ${attr.name} on <${el.tagName.toLowerCase()}>`);
            if (URL_ATTRIBUTES.includes(attr.name.toLowerCase())) problems.push(`${label} kept ${attr.name}="${attr.value.slice(0, 40)}"`);
            if (attr.name === 'data-href' && !/^https:\/\//i.test(attr.value)) problems.push(`${label} kept data-href ${attr.value}`);
          }
        }
        for (const button of Array.from(host.querySelectorAll('button'))) {
          if (!button.classList.contains('tool-button')) problems.push(`${label} kept a <button>`);
        }
        if (!(host.textContent ?? '').includes(label)) problems.push(`${label} is not readable`);
        if (/[\u202A-\u202E\u2066-\u2069]/.test(host.textContent ?? '')) problems.push(`${label} kept a bidi control`);
      }
      assert.deepEqual(problems, []);
    });
  }

  it('shows bidi controls instead of obeying them (names and answers can\'t display as something else)', () => {
    const host = win.document.createElement('div');
    host.appendChild(createRenderer(win).render('invoice\u202Efdp.exe and `\u2066code\u2069`', actions));
    assert.equal(host.textContent, 'invoice[U+202E]fdp.exe and [U+2066]code[U+2069]\n');
  });
});
