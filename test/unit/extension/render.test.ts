import * as assert from 'node:assert/strict';
import * as l10n from '@vscode/l10n';
import { JSDOM } from 'jsdom';
import { createRenderer } from '../../../src/webview/render';

function setup() {
  const dom = new JSDOM('<!DOCTYPE html><body></body>', { runScripts: 'outside-only' });
  const win = dom.window as unknown as Window & typeof globalThis;
  const renderer = createRenderer(win);
  const calls: string[] = [];
  const actions = { copy: (c: string) => calls.push(`copy:${c}`), openInEditor: (c: string, l: string) => calls.push(`open:${l}:${c}`) };
  const render = (md: string) => {
    const host = win.document.createElement('div');
    host.append(renderer.render(md, actions));
    win.document.body.append(host);
    return host;
  };
  return { win, render, calls };
}

describe('answer rendering (untrusted Markdown)', () => {
  it('renders headings, lists, tables and code blocks', () => {
    const { render } = setup();
    const host = render('# Title\n\n- a\n- b\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n```kql\nSigninLogs | take 5\n```\n');
    assert.equal(host.querySelector('h1')?.textContent, 'Title');
    assert.equal(host.querySelectorAll('li').length, 2);
    assert.ok(host.querySelector('.table-wrap > table td'));
    assert.equal(host.querySelector('.code-block pre code')?.textContent, 'SigninLogs | take 5\n');
  });

  it('shows raw HTML as text and never creates script, img, iframe or handlers', () => {
    const { win, render } = setup();
    const hostile = [
      '<script>window.__pwned = 1</script>',
      '<img src=x onerror="window.__pwned = 2">',
      '<iframe src="https://evil.example"></iframe>',
      '<a href="javascript:window.__pwned=3">click</a>',
      '<svg onload="window.__pwned=4"></svg>',
    ].join('\n\n');
    const host = render(hostile);
    assert.equal(host.querySelector('script, img, iframe, svg, [onerror], [onload]'), null);
    assert.ok(host.textContent?.includes('<script>window.__pwned = 1</script>'), 'shown as text');
    assert.equal((win as unknown as { __pwned?: number }).__pwned, undefined);
  });

  it('keeps only https links, moved to data-href so the webview never navigates', () => {
    const { render } = setup();
    const host = render('[ok](https://learn.microsoft.com/x) [bad](javascript:alert(1)) [data](data:text/html,hi) [plain](http://example.com) https://linkified.example/path');
    const links = Array.from(host.querySelectorAll('a'));
    assert.ok(links.every((a) => !a.hasAttribute('href')), 'no href left');
    const targets = links.map((a) => a.getAttribute('data-href')).filter(Boolean);
    assert.deepEqual(targets, ['https://learn.microsoft.com/x', 'https://linkified.example/path']);
    // markdown-it refuses javascript:/data: targets, so they stay as inert text; nothing carries them as a URL.
    const attributes = Array.from(host.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).map((a) => a.value));
    assert.ok(attributes.every((v) => !/^\s*(javascript|data):/i.test(v)), 'no javascript:/data: URL in any attribute');
    const blocked = host.querySelector('span.blocked-link');
    assert.equal(blocked?.textContent, 'plain', 'the http link is kept as text, not as a link');
  });

  it('leaves e-mail addresses as text (answers are full of account names)', () => {
    const { render } = setup();
    const host = render('Failed sign-ins for adele.vance@contoso.com and <megan.bowen@contoso.com>.');
    assert.equal(host.querySelectorAll('a').length, 0);
    assert.match(host.textContent ?? '', /adele\.vance@contoso\.com and megan\.bowen@contoso\.com/);
  });

  it('labels its buttons in the display language when the page has a bundle (the host puts it there)', () => {
    l10n.config({ contents: { Copy: 'Kopieren', 'Copy code': 'Code kopieren', 'Open in editor': 'Im Editor öffnen' } });
    try {
      const { render } = setup();
      const host = render('```kql\nSecurityIncident | take 3\n```');
      const buttons = Array.from(host.querySelectorAll<HTMLButtonElement>('.code-block button'));
      assert.deepEqual(buttons.map((b) => b.textContent?.trim()), ['Kopieren', 'Im Editor öffnen']);
      assert.equal(buttons[0].title, 'Code kopieren');
    } finally {
      l10n.config({ contents: {} });
    }
  });

  it('gives code blocks Copy, and KQL blocks Open in editor', () => {
    const { render, calls } = setup();
    const host = render('```kql\nSecurityIncident | take 3\n```\n\n```python\nprint(1)\n```');
    const blocks = host.querySelectorAll('.code-block');
    assert.equal(blocks.length, 2);
    const kqlButtons = Array.from(blocks[0].querySelectorAll('button')).map((b) => b.textContent);
    const pyButtons = Array.from(blocks[1].querySelectorAll('button')).map((b) => b.textContent);
    assert.deepEqual(kqlButtons, ['Copy', 'Open in editor']);
    assert.deepEqual(pyButtons, ['Copy']);
    (blocks[0].querySelectorAll('button')[1] as HTMLButtonElement).click();
    (blocks[1].querySelector('button') as HTMLButtonElement).click();
    assert.deepEqual(calls, ['open:kql:SecurityIncident | take 3\n', 'copy:print(1)\n']);
  });
});
