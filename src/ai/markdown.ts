// Markdown helpers for untrusted text (questions, session names) shown in chat and confirmations. No `vscode`.

/** A fenced block longer than any run of backticks in the text, so the text can't close it early. */
export function fenced(text: string, language = ''): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** Escapes Markdown in one line of untrusted text (a session name in a link label). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}
