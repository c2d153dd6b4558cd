// dist/promptbook.js: the promptbook serializer's implementation, the notebook controller that runs them, their
// diagnostics, completions and status bar item. The extension bundle registers a stand-in serializer at
// activation (src/promptbook/index.ts) and loads this bundle the first time a promptbook is opened, saved or
// run (src/promptbook/load.ts). What must exist once per window comes in through `createPromptbooks`; the
// modules here import it as types only.
import type * as vscode from 'vscode';
import type { PromptbookHost } from './host';
import { Promptbooks } from './promptbooks';

export { PromptbookSerializer } from './serializer';
export type { Promptbooks } from './promptbooks';

export function createPromptbooks(host: PromptbookHost, state: vscode.Memento): Promptbooks {
  return new Promptbooks(host, state);
}
