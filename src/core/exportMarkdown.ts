// Writes a session as Markdown (Export Session). No `vscode` import.
import { compareInstants } from '../engine/time';
import type { Evaluation, Prompt, Session } from '../graph';
import { formatUtc } from './time';

export interface ExportedPrompt {
  prompt: Prompt;
  evaluations: Evaluation[];
  /** Why the answers could not be read (exported instead of "never evaluated"). */
  note?: string;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

function quote(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
}

function stateLine(e: Evaluation): string {
  const result = e.result?.type && e.result.type !== 'unknown' ? `, result \`${e.result.type}\`` : '';
  const completed = e.completedDateTime ? `, completed ${formatUtc(e.completedDateTime)}` : '';
  return `*Evaluation \`${e.id}\` — state \`${e.state}\`${result}, created ${formatUtc(e.createdDateTime)}${completed}.*`;
}

/** The whole session: name, id, dates, then each prompt with every answer (oldest first) and its state. */
export function sessionToMarkdown(session: Session, prompts: ExportedPrompt[], workspaceId: string, exportedAt = new Date()): string {
  const name = oneLine(session.displayName ?? '') || 'Untitled session';
  const out: string[] = [
    `# ${name}`,
    '',
    '| | |',
    '|---|---|',
    `| Session ID | \`${session.id}\` |`,
    `| Workspace | \`${workspaceId}\` |`,
    `| Created | ${formatUtc(session.createdDateTime)} |`,
    `| Last modified | ${formatUtc(session.lastModifiedDateTime)} |`,
    `| Exported | ${formatUtc(exportedAt.toISOString())} |`,
    `| Prompts | ${prompts.length} |`,
    '',
  ];
  const ordered = [...prompts].sort((a, b) => compareInstants(a.prompt.createdDateTime, b.prompt.createdDateTime));
  ordered.forEach(({ prompt, evaluations, note }, i) => {
    out.push(`## Prompt ${i + 1}`, '', `*Asked ${formatUtc(prompt.createdDateTime)} · prompt \`${prompt.id}\`*`, '', quote(prompt.content ?? ''), '');
    const evs = [...evaluations].sort((a, b) => compareInstants(a.createdDateTime, b.createdDateTime));
    if (note) out.push(`*${oneLine(note)}*`, '');
    else if (evs.length === 0) out.push('*No answer: this prompt was never evaluated.*', '');
    evs.forEach((e, j) => {
      const heading = evs.length > 1 ? `### Answer ${j + 1} of ${evs.length}` : '### Answer';
      out.push(heading, '', stateLine(e), '');
      const content = e.result?.content?.trim();
      out.push(content ? content : '*No answer content.*', '');
    });
  });
  return `${out.join('\n').trimEnd()}\n`;
}

/** A file name for the export: the session name with unsafe characters replaced. */
export function exportFileName(session: Session): string {
  const base = (session.displayName ?? '').replace(/[^\w\- .]+/g, '-').replace(/\s+/g, ' ').trim().slice(0, 80);
  return `${base || `session-${session.id.slice(0, 8)}`}.md`;
}
