// Renders Copilot answers (untrusted Markdown) into inert DOM. Used in the webview, and in unit tests with jsdom.
import * as l10n from '@vscode/l10n';
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import { revealBidiControls } from '../shared/protocol';

export { revealBidiControls };

export interface CodeBlockActions {
  copy(code: string): void;
  openInEditor(code: string, language: string): void;
}

/** Languages whose code blocks get "Open in editor". */
export const QUERY_LANGUAGES = new Set(['kql', 'kusto']);

const FORBIDDEN_TAGS = [
  'img', 'style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'svg', 'math', 'video',
  'audio', 'link', 'meta', 'base', 'source', 'picture', 'frame', 'frameset', 'template', 'dialog', 'details', 'marquee',
  'noscript', 'noembed', 'xmp', 'title', 'keygen', 'isindex', 'portal', 'slot',
];
/**
 * The only attributes an answer keeps (DOMPurify drops the rest, event handlers included): what markdown-it
 * produces for links, code blocks, lists and tables. No `style` (CSS can overlay the panel or load URLs), no
 * `id`/`name` (DOM clobbering), no URL-carrying attribute but `href` (checked below).
 */
const ALLOWED_ATTRIBUTES = ['href', 'title', 'class', 'start', 'colspan', 'rowspan', 'align', 'lang', 'dir'];


/**
 * Makes bidi controls visible (`[U+202E]`) so text can't display as something else ("invoice\u202Efdp.exe"
 * showing as "invoiceexe.pdf", Trojan Source in scripts). For answers here, and for names wherever they are shown.
 */

export interface Renderer {
  /** Markdown → a sanitized fragment. https links carry their target in `data-href` and have no `href`; other links become text. */
  render(markdown: string, actions: CodeBlockActions): DocumentFragment;
}

export interface RendererOptions {
  /**
   * Let markdown-it pass raw HTML through (off in the product: HTML in an answer is shown as text). The tests
   * render the hostile corpus both ways, so DOMPurify alone is shown to stop what markdown-it lets through.
   */
  html?: boolean;
}

export function createRenderer(win: Window & typeof globalThis, options: RendererOptions = {}): Renderer {
  // Raw HTML off: any HTML in an answer is shown as text. linkify turns bare https URLs into links.
  const md = new MarkdownIt({ html: options.html === true, linkify: true, typographer: false, breaks: false });
  // Answers are full of account names (user@contoso.com): keep them as text, not mailto: links.
  md.linkify.set({ fuzzyEmail: false });
  const purify = DOMPurify(win);
  const doc = win.document;

  const render = (markdown: string, actions: CodeBlockActions): DocumentFragment => {
    const html = md.render(markdown);
    const fragment = purify.sanitize(html, {
      RETURN_DOM_FRAGMENT: true,
      FORBID_TAGS: FORBIDDEN_TAGS,
      ALLOWED_ATTR: ALLOWED_ATTRIBUTES,
      FORBID_ATTR: ['style', 'id', 'name', 'srcset', 'target', 'formaction', 'background', 'poster', 'ping', 'action', 'xlink:href'],
      ALLOW_DATA_ATTR: false,
      ALLOW_ARIA_ATTR: false,
      // Only https links survive; everything else loses its href.
      ALLOWED_URI_REGEXP: /^https:/i,
    }) as DocumentFragment;

    // Links never navigate the webview: the href moves to data-href and the click goes through the extension,
    // which checks it again (https only) before opening.
    for (const a of Array.from(fragment.querySelectorAll('a'))) {
      const href = a.getAttribute('href');
      a.removeAttribute('href');
      if (href && /^https:\/\//i.test(href)) {
        a.setAttribute('data-href', href);
        a.setAttribute('title', href);
        a.setAttribute('role', 'link');
        a.setAttribute('tabindex', '0');
        a.classList.add('external-link');
      } else {
        // Not https: keep the text, drop the link (a span, so nothing about it is clickable).
        const span = doc.createElement('span');
        span.className = 'blocked-link';
        span.title = l10n.t('Not a link: only https links can be opened');
        span.textContent = a.textContent;
        a.replaceWith(span);
      }
    }

    // Bidi controls in any text (code included) are shown, not obeyed.
    const walker = doc.createTreeWalker(fragment, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue ?? '';
      // (No .test() on the shared /g pattern: it keeps lastIndex between calls.)
      const revealed = revealBidiControls(text);
      if (revealed !== text) node.nodeValue = revealed;
    }

    // Wide tables scroll on their own instead of widening the panel.
    for (const table of Array.from(fragment.querySelectorAll('table'))) {
      const wrap = doc.createElement('div');
      wrap.className = 'table-wrap';
      table.replaceWith(wrap);
      wrap.appendChild(table);
    }

    // Code blocks get a toolbar: Copy, and "Open in editor" for KQL.
    for (const pre of Array.from(fragment.querySelectorAll('pre'))) {
      const code = pre.querySelector('code');
      const text = code?.textContent ?? pre.textContent ?? '';
      const language = /(?:^|\s)language-([\w+-]+)/.exec(code?.className ?? '')?.[1]?.toLowerCase() ?? '';
      const block = doc.createElement('div');
      block.className = 'code-block';
      const bar = doc.createElement('div');
      bar.className = 'code-toolbar';
      const label = doc.createElement('span');
      label.className = 'code-language';
      label.textContent = language || 'text';
      bar.appendChild(label);
      bar.appendChild(toolButton(doc, 'copy', l10n.t('Copy'), l10n.t('Copy code'), () => actions.copy(text)));
      if (QUERY_LANGUAGES.has(language)) {
        bar.appendChild(toolButton(doc, 'go-to-file', l10n.t('Open in editor'), l10n.t('Open this query in an editor'), () => actions.openInEditor(text, language)));
      }
      pre.replaceWith(block);
      block.appendChild(bar);
      block.appendChild(pre);
    }
    return fragment;
  };
  return { render };
}

/** A small button with a codicon, built with DOM APIs (no HTML strings, no inline handlers). */
export function toolButton(doc: Document, icon: string, text: string, title: string, onClick: () => void): HTMLButtonElement {
  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'tool-button';
  button.title = title;
  const i = doc.createElement('span');
  i.className = `codicon codicon-${icon}`;
  i.setAttribute('aria-hidden', 'true');
  button.appendChild(i);
  const label = doc.createElement('span');
  label.textContent = text;
  button.appendChild(label);
  button.addEventListener('click', (e) => {
    e.preventDefault();
    onClick();
  });
  return button;
}
