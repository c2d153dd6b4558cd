// Editor references attached to a chat question (#file, a selection), masked like Ask About Selection before the
// user reviews the prompt. No `vscode` import.
import type { MaskOptions } from '../masking/load';
import { MAX_SELECTION_CHARS } from '../core/selectionPrompt';
import { PROMPT_MAX_LENGTH } from '../graph/validate';
import type { Masker } from './host';
import { fenced } from './markdown';

export interface Attachment {
  /** "hunt.kql, lines 3–9" */
  source: string;
  text: string;
  languageId?: string;
}

export interface ComposedPrompt {
  prompt: string;
  /** One line per attachment, for the review note. */
  sources: string[];
  maskedCount: number;
  maskedKinds: string[];
  /** Characters left out to stay within the limit (0 when everything fits). */
  cutChars: number;
}

/**
 * The question followed by each attachment in a fence, secrets masked before anything is cut (so a secret on the
 * cut can't survive half-masked), all attachments together within the selection limit.
 */
export async function composeChatPrompt(
  question: string,
  attachments: readonly Attachment[],
  maskSecrets: Masker,
  maskOptions?: MaskOptions,
): Promise<ComposedPrompt> {
  let budget = Math.min(MAX_SELECTION_CHARS, PROMPT_MAX_LENGTH - question.length - 200 * attachments.length);
  let maskedCount = 0;
  const kinds = new Set<string>();
  let cutChars = 0;
  const parts: string[] = [question.trim()];
  for (const a of attachments) {
    const masked = await maskSecrets(a.text, maskOptions);
    maskedCount += masked.count;
    for (const k of masked.kinds) kinds.add(k);
    let text = masked.text;
    if (text.length > budget) {
      cutChars += text.length - Math.max(0, budget);
      text = text.slice(0, Math.max(0, budget));
    }
    budget -= text.length;
    const language = a.languageId && /^[\w+-]+$/.test(a.languageId) && a.languageId !== 'plaintext' ? a.languageId : '';
    parts.push('', `Attached from ${a.source}${text.length < masked.text.length ? ' (cut to fit)' : ''}:`, fenced(text, language));
  }
  return { prompt: parts.join('\n'), sources: attachments.map((a) => a.source), maskedCount, maskedKinds: [...kinds], cutChars };
}

/** "2 secrets were masked (JWT, password)." or '' */
export function maskedNote(count: number, kinds: readonly string[]): string {
  if (!count) return '';
  return `${count} secret${count === 1 ? ' was' : 's were'} masked (${kinds.join(', ')}).`;
}
