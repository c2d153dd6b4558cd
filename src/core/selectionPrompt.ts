// Builds the prompt for "Ask Security Copilot About Selection". No `vscode` import.
import type { MaskResult } from '../masking/rules';

/** Most characters of a selection sent in one prompt (the prompt limit is 16 000; this leaves room for framing). */
export const MAX_SELECTION_CHARS = 12_000;
/**
 * Characters masked beyond the cut, so a secret straddling it is recognised whole (a PEM key is ~3 300
 * characters; a private key cut off at the end is masked to the end anyway).
 */
const MASK_MARGIN_CHARS = 8_000;

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

export type Masker = (text: string) => Promise<MaskResult> | MaskResult;

/**
 * Refuses what is not text to ask about: NUL bytes, or mostly control/replacement characters (a binary file
 * opened as text). The message says why; nothing is sent.
 */
export function checkSelectionText(text: string): { ok: true } | { ok: false; message: string } {
  if (!text.trim()) return { ok: false, message: 'Select the text you want to ask Security Copilot about first.' };
  const sample = text.slice(0, 64_000);
  let odd = 0;
  for (const ch of sample) {
    const c = ch.codePointAt(0)!;
    if (c === 0) return { ok: false, message: binaryMessage };
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd || (c >= 0x7f && c < 0xa0)) odd++;
  }
  if (odd > 8 && odd / sample.length > 0.05) return { ok: false, message: binaryMessage };
  return { ok: true };
}

const binaryMessage =
  'The selection looks like binary data, not text, so it was not put in a prompt. Security Copilot takes text: ' +
  'select log lines, code or a hex dump instead.';

/** A fence longer than any run of backticks in the text, so the selection can't close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  return '`'.repeat(longest + 1);
}

export async function composeSelectionPrompt(input: SelectionInput, mask: Masker): Promise<SelectionPrompt> {
  const originalLength = input.text.length;
  const truncated = originalLength > MAX_SELECTION_CHARS;
  // Mask before cutting (with a margin), so a secret straddling the cut can't survive half-masked.
  const secrets = await mask(truncated ? input.text.slice(0, MAX_SELECTION_CHARS + MASK_MARGIN_CHARS) : input.text);
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
