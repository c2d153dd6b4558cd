// `*.promptbook.md` <-> notebook cells. The file format lives in format.ts (no vscode); this maps its cells to
// notebook cells: the front matter is a YAML code cell on top, prompts are code cells in the prompt language,
// notes are Markdown cells. Outputs are never written (the file stays a template).
import * as vscode from 'vscode';
import { parseBook, PROMPT_LANGUAGE, serializeBook, type Book, type BookCell, type BookLayout, type CellLayout } from './format';

/** Key of this extension's part of cell and notebook metadata. */
const META = 'promptbook';

interface CellMeta extends CellLayout {
  frontMatter?: boolean;
}

export function isFrontMatterCell(cell: vscode.NotebookCell): boolean {
  return cell.index === 0 && cell.kind === vscode.NotebookCellKind.Code && (cell.metadata?.[META] as CellMeta | undefined)?.frontMatter === true;
}

export function isPromptCell(cell: vscode.NotebookCell): boolean {
  return cell.kind === vscode.NotebookCellKind.Code && cell.document.languageId === PROMPT_LANGUAGE;
}

export function toNotebookData(book: Book): vscode.NotebookData {
  const cells = book.cells.map((c) => {
    let cell: vscode.NotebookCellData;
    const meta: CellMeta = { ...c.layout };
    switch (c.kind) {
      case 'frontMatter':
        cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, c.text, 'yaml');
        meta.frontMatter = true;
        break;
      case 'prompt':
        cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, c.text, PROMPT_LANGUAGE);
        break;
      case 'code':
        cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, c.text, c.language || 'plaintext');
        break;
      default:
        cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, c.text, 'markdown');
    }
    cell.metadata = { [META]: meta };
    return cell;
  });
  const data = new vscode.NotebookData(cells);
  data.metadata = { [META]: book.layout };
  return data;
}

export function fromNotebookData(data: vscode.NotebookData): Book {
  const cells: BookCell[] = data.cells.map((c, index) => {
    const meta = (c.metadata?.[META] ?? {}) as CellMeta;
    const layout: CellLayout = {};
    if (meta.blankBefore !== undefined) layout.blankBefore = meta.blankBefore;
    if (meta.fence) layout.fence = meta.fence;
    if (c.kind === vscode.NotebookCellKind.Markup) return { kind: 'markdown', text: c.value, layout };
    if (c.languageId === PROMPT_LANGUAGE) return { kind: 'prompt', text: c.value, layout };
    if (index === 0 && meta.frontMatter) return { kind: 'frontMatter', text: c.value, layout };
    return { kind: 'code', text: c.value, language: c.languageId === 'plaintext' ? '' : c.languageId, layout };
  });
  return { cells, layout: (data.metadata?.[META] ?? {}) as BookLayout };
}

export class PromptbookSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    return toNotebookData(parseBook(new TextDecoder('utf-8', { ignoreBOM: true }).decode(content)));
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    return new TextEncoder().encode(serializeBook(fromNotebookData(data)));
  }
}
