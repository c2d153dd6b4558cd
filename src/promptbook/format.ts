// The promptbook file format (no `vscode` import): a Markdown file whose fenced code blocks with the info string
// `prompt` are prompt cells, everything else Markdown cells, with optional YAML front matter (title,
// description, inputs). Parsing and writing are lossless for what the format does not use: other code blocks,
// longer or tilde fences, nested fences, blank lines, a BOM and CRLF line ends come back as they were.
//
// The front matter is kept as raw text here (its own cell); reading its YAML is `frontMatter.ts` (loaded lazily).

/** Language id of prompt cells (a TextMate grammar highlights `{{input}}`). */
export { PROMPT_LANGUAGE } from './ids';
/** Notebook type of `*.promptbook.md` files. */
export { NOTEBOOK_TYPE } from './ids';

/** How a prompt's fence was written, so an unchanged prompt is written back byte for byte. */
export interface FenceInfo {
  /** Up to three spaces before the fence. */
  indent: string;
  /** The opening run: three or more backticks or tildes. */
  marker: string;
  /** Everything after the marker on the opening line (starts with `prompt`). */
  info: string;
  /** The closing line as written (without its indent being stripped). */
  close: string;
}

/** What a cell remembers of its place in the file (kept in the notebook cell's metadata). */
export interface CellLayout {
  /** Empty lines between the previous part (front matter or cell) and this cell. */
  blankBefore?: number;
  fence?: FenceInfo;
}

export type CellKind = 'markdown' | 'prompt' | 'frontMatter' | 'code';

export interface BookCell {
  kind: CellKind;
  /** The cell's text, lines joined with `\n`. */
  text: string;
  /** For `code` cells written back as fenced blocks (other code cells a user added). */
  language?: string;
  layout?: CellLayout;
}

export interface FrontMatterLayout {
  open: string;
  close: string;
}

/** File-level details (kept in the notebook's metadata). */
export interface BookLayout {
  eol?: '\n' | '\r\n';
  bom?: boolean;
  /** The file ended with a line break (default true). */
  finalNewline?: boolean;
  /** Empty lines after the last cell. */
  trailingBlank?: number;
  frontMatter?: FrontMatterLayout;
}

export interface Book {
  cells: BookCell[];
  layout: BookLayout;
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;

interface Fence {
  indent: string;
  marker: string;
  info: string;
}

function openFence(line: string): Fence | undefined {
  const m = FENCE_OPEN.exec(line);
  if (!m) return undefined;
  const [, indent, marker, info] = m;
  // CommonMark: a backtick fence's info string cannot contain a backtick.
  if (marker[0] === '`' && info.includes('`')) return undefined;
  return { indent, marker, info };
}

function closesFence(line: string, fence: Fence): boolean {
  const m = /^( {0,3})(`{3,}|~{3,})[ \t]*$/.exec(line);
  return !!m && m[2][0] === fence.marker[0] && m[2].length >= fence.marker.length;
}

function isPromptInfo(info: string): boolean {
  return /^prompt(?:\s|$)/.test(info.trim());
}

/** The dominant line break of a text (CRLF only when every break is CRLF). */
function detectEol(text: string): '\n' | '\r\n' {
  const lf = (text.match(/\n/g) ?? []).length;
  const crlf = (text.match(/\r\n/g) ?? []).length;
  return lf > 0 && crlf === lf ? '\r\n' : '\n';
}

/** Removes up to `indent.length` leading spaces (CommonMark's rule for indented fences); undefined if a line has fewer. */
function stripIndent(lines: string[], indent: string): string[] | undefined {
  if (!indent) return lines;
  const out: string[] = [];
  for (const line of lines) {
    if (line === '') out.push(line);
    else if (line.startsWith(indent)) out.push(line.slice(indent.length));
    else return undefined;
  }
  return out;
}

/** Reads a promptbook file. Never throws: anything it does not understand stays Markdown. */
export function parseBook(source: string): Book {
  const layout: BookLayout = {};
  if (source === '') return { cells: [], layout };
  let text = source;
  if (text.startsWith('\uFEFF')) {
    layout.bom = true;
    text = text.slice(1);
  }
  const eol = detectEol(text);
  if (eol === '\r\n') layout.eol = eol;
  const lines = eol === '\r\n' ? text.split('\r\n') : text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  else layout.finalNewline = text === '' ? true : false;
  if (layout.finalNewline === true) delete layout.finalNewline;

  const cells: BookCell[] = [];
  let i = 0;
  let blank = 0;

  // Front matter: `---` on the first line, up to the next `---` or `...`.
  if (lines[0] === '---') {
    const end = lines.findIndex((l, n) => n > 0 && (l === '---' || l === '...'));
    if (end > 0) {
      layout.frontMatter = { open: lines[0], close: lines[end] };
      cells.push({ kind: 'frontMatter', text: lines.slice(1, end).join('\n') });
      i = end + 1;
    }
  }

  let markdown: string[] = [];
  let markdownBlank = 0;
  const flushMarkdown = (): void => {
    // Trailing empty lines belong to the gap before the next part.
    let trailing = 0;
    while (markdown.length && markdown[markdown.length - 1] === '') {
      markdown.pop();
      trailing++;
    }
    if (markdown.length) {
      cells.push({ kind: 'markdown', text: markdown.join('\n'), layout: { blankBefore: markdownBlank } });
      blank = trailing;
    } else {
      blank = markdownBlank + trailing;
    }
    markdown = [];
  };

  // Leading empty lines before the first cell.
  while (i < lines.length && lines[i] === '') {
    blank++;
    i++;
  }
  markdownBlank = blank;

  while (i < lines.length) {
    const line = lines[i];
    const fence = openFence(line);
    if (!fence) {
      markdown.push(line);
      i++;
      continue;
    }
    const close = lines.findIndex((l, n) => n > i && closesFence(l, fence));
    if (close < 0) {
      // An unclosed fence runs to the end of the document (CommonMark): all of it stays Markdown.
      markdown.push(...lines.slice(i));
      i = lines.length;
      break;
    }
    const content = stripIndent(lines.slice(i + 1, close), fence.indent);
    if (!isPromptInfo(fence.info) || !content) {
      // Another code block (or one we could not write back exactly): Markdown, including whatever it contains.
      markdown.push(...lines.slice(i, close + 1));
      i = close + 1;
      continue;
    }
    if (markdown.length) flushMarkdown();
    else blank = markdownBlank;
    cells.push({
      kind: 'prompt',
      text: content.join('\n'),
      layout: { blankBefore: blank, fence: { indent: fence.indent, marker: fence.marker, info: fence.info, close: lines[close] } },
    });
    i = close + 1;
    blank = 0;
    while (i < lines.length && lines[i] === '') {
      blank++;
      i++;
    }
    markdownBlank = blank;
  }
  if (markdown.length) flushMarkdown();
  else blank = markdownBlank;
  if (blank) layout.trailingBlank = blank;
  return { cells, layout };
}

/** A fence that the content cannot close: the stored one if still safe, else one longer than any run inside. */
function fenceFor(text: string, stored: FenceInfo | undefined, language = 'prompt'): FenceInfo {
  const lines = text.split('\n');
  const indent = stored?.indent ?? '';
  const char = stored?.marker[0] ?? '`';
  let longest = 0;
  for (const l of lines) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(l);
    if (m && m[1][0] === char) longest = Math.max(longest, m[1].length);
  }
  if (stored && stored.marker.length > longest) return stored;
  const marker = char.repeat(Math.max(3, longest + 1));
  const info = stored?.info ?? language;
  return { indent, marker, info, close: `${indent}${marker}` };
}

/** Writes a promptbook file. Outputs are never written: a promptbook stays a template. */
export function serializeBook(book: Book): string {
  const out: string[] = [];
  const { layout } = book;
  let first = true;
  let previous: CellKind | undefined;
  for (const cell of book.cells) {
    if (cell.kind === 'frontMatter' && first) {
      const fm = layout.frontMatter ?? { open: '---', close: '---' };
      out.push(fm.open, ...(cell.text === '' ? [] : cell.text.split('\n')), fm.close);
      first = false;
      previous = cell.kind;
      continue;
    }
    let blank = cell.layout?.blankBefore ?? (first ? 0 : 1);
    // Two Markdown cells in a row need an empty line, or they would read back as one.
    if (cell.kind === 'markdown' && previous === 'markdown') blank = Math.max(1, blank);
    for (let n = 0; n < blank; n++) out.push('');
    first = false;
    previous = cell.kind;
    if (cell.kind === 'markdown') {
      out.push(...cell.text.split('\n'));
      continue;
    }
    // Prompt cells, and other code cells (written as fenced blocks with their language, so nothing is lost).
    const language = cell.kind === 'prompt' ? 'prompt' : cell.kind === 'frontMatter' ? 'yaml' : cell.language || '';
    const stored = cell.kind === 'prompt' ? cell.layout?.fence : undefined;
    const fence = fenceFor(cell.text, stored, language);
    const content = cell.text === '' ? [] : cell.text.split('\n').map((l) => (l === '' ? l : fence.indent + l));
    out.push(`${fence.indent}${fence.marker}${fence.info}`, ...content, fence.close);
  }
  for (let n = 0; n < (layout.trailingBlank ?? 0); n++) out.push('');
  const eol = layout.eol ?? '\n';
  let text = out.join(eol);
  if (layout.finalNewline !== false && out.length) text += eol;
  return (layout.bom ? '\uFEFF' : '') + text;
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs

/** `{{name}}` (spaces inside the braces allowed). Names: letters, digits, `_`, `-`, `.`; not starting with a digit. */
export const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;
export const INPUT_NAME = /^[A-Za-z_][\w.-]*$/;

/** Input names used in a prompt, in order of first use. */
export function placeholders(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) seen.add(m[1]);
  return [...seen];
}

/** The prompt with every `{{name}}` that has a value replaced (others are left as written). */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole));
}
