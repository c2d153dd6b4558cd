// Builds the prompt for "Ask Security Copilot About Selection". No `vscode` import.
import { maskSecrets } from './redact';

/** Most characters of a selection sent in one prompt (the prompt limit is 16 000; this leaves room for framing). */
export const MAX_SELECTION_CHARS = 12_000;

export interface SelectionInput {
  text: string;
  fileName: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  languageId?: string;
}

export interface SelectionPrompt {
  prompt: string;
  truncated: boolean;
  /** Characters of the original selection. */
  originalLength: number;
  /** A one-line description of what is attached, for notes and session names. */
  source: string;
  /** Secrets masked before the user sees the prompt (tokens, keys, passwords), and their kinds. */
  maskedCount: number;
  maskedKinds: string[];
}

/** A fence longer than any run of backticks in the text, so the selection can't close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  return '`'.repeat(longest + 1);
}

export function composeSelectionPrompt(input: SelectionInput): SelectionPrompt {
  const originalLength = input.text.length;
  const truncated = originalLength > MAX_SELECTION_CHARS;
  // Mask before cutting, so a secret straddling the cut can't survive half-masked.
  const secrets = maskSecrets(input.text);
  const text = truncated ? secrets.text.slice(0, MAX_SELECTION_CHARS) : secrets.text;
  const lines = input.startLine === input.endLine ? `line ${input.startLine}` : `lines ${input.startLine}–${input.endLine}`;
  const source = `${input.fileName}, ${lines}`;
  const fence = fenceFor(text);
  const language = input.languageId && /^[\w+-]+$/.test(input.languageId) && input.languageId !== 'plaintext' ? input.languageId : '';
  const prompt = [
    `Explain the following excerpt from ${source} and point out anything suspicious or worth investigating.`,
    truncated ? `(Only the first ${MAX_SELECTION_CHARS.toLocaleString('en-US')} of ${originalLength.toLocaleString('en-US')} characters are included.)` : '',
    '',
    `${fence}${language}`,
    text,
    fence,
  ]
    .filter((line, i) => i !== 1 || line !== '')
    .join('\n');
  return { prompt, truncated, originalLength, source, maskedCount: secrets.count, maskedKinds: secrets.kinds };
}
