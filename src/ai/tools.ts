// The three Security Copilot tools that chat agents use, shared by the language model tools (`vscode.lm`) and the
// MCP server: their names, JSON input schemas, descriptions, input checks and text results. No `vscode` import:
// every ask goes through the engine, exactly once.
import { sessionToMarkdown } from '../core/exportMarkdown';
import { firstLine } from '../core/time';
import type { AskOptions, AskResult, CopilotEngine, PromptEntry } from '../engine';
import type { Session } from '../graph';
import { DISPLAY_NAME_MAX_LENGTH, PROMPT_MAX_LENGTH, validateId, validatePromptContent } from '../graph/validate';
import { TOOL_NAMES, type ToolName } from './ids';

export { TOOL_NAMES, type ToolName } from './ids';

/** JSON Schema of an input object (what package.json and MCP `tools/list` publish). */
export interface InputSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  additionalProperties?: boolean;
}

export interface ToolDefinition {
  name: ToolName;
  title: string;
  /** For the model: what it is for, when to use it, what it costs. */
  description: string;
  inputSchema: InputSchema;
  /** Reads only (no billed evaluation, nothing created). */
  readOnly: boolean;
}

export const LIST_MAX = 50;
export const TRANSCRIPT_MAX_CHARS = 60_000;

export const TOOL_DEFINITIONS: readonly ToolDefinition[] = [
  {
    name: TOOL_NAMES.ask,
    title: 'Ask Security Copilot',
    description:
      'Sends one question to Microsoft Security Copilot (in the user\'s Security Copilot workspace) and returns its answer as Markdown, ' +
      'with the session id and prompt id. Use it for security investigation questions Security Copilot can answer with its plugins ' +
      '(Defender, Sentinel, Entra, Intune, threat intelligence): incidents, alerts, users, devices, IPs, hashes, KQL. ' +
      'Pass sessionId to continue an existing Security Copilot session (it keeps the context of earlier prompts); leave it out to start a new session. ' +
      'COST: every call runs one billed Security Copilot evaluation (it consumes Security Compute Units) and can take a minute or more; ' +
      'ask one focused question per call, and never repeat a question that was already answered.',
    inputSchema: {
      type: 'object',
      properties: {
        question: { type: 'string', description: 'The question, in full. Security Copilot sees only this text (and the session\'s earlier prompts).', minLength: 1, maxLength: PROMPT_MAX_LENGTH },
        sessionId: { type: 'string', description: 'ID of the Security Copilot session to continue (from an earlier answer or from securityCopilot_list_sessions). Omit to start a new session.' },
      },
      required: ['question'],
      additionalProperties: false,
    },
    readOnly: false,
  },
  {
    name: TOOL_NAMES.list,
    title: 'List Security Copilot sessions',
    description:
      'Lists the user\'s recent Microsoft Security Copilot sessions (newest first) with their ids, names and dates. Use it to find a session to ' +
      'continue with securityCopilot_ask_question or to read with securityCopilot_get_transcript. Read-only and free: it runs no evaluation.',
    inputSchema: {
      type: 'object',
      properties: {
        filter: { type: 'string', description: 'Only sessions whose name contains this text (case-insensitive).' },
        top: { type: 'integer', description: `How many sessions to return (1–${LIST_MAX}, default 10).`, minimum: 1, maximum: LIST_MAX },
      },
      additionalProperties: false,
    },
    readOnly: true,
  },
  {
    name: TOOL_NAMES.transcript,
    title: 'Get a Security Copilot session transcript',
    description:
      'Returns a Microsoft Security Copilot session as Markdown: its prompts (with ids) and answers, oldest first. Use it to read what was ' +
      'already asked and answered before asking again. Read-only and free: it runs no evaluation.',
    inputSchema: {
      type: 'object',
      properties: {
        sessionId: { type: 'string', description: 'ID of the Security Copilot session.' },
        lastPrompts: { type: 'integer', description: 'Only the last N prompts (default: all).', minimum: 1 },
      },
      required: ['sessionId'],
      additionalProperties: false,
    },
    readOnly: true,
  },
];

export function toolDefinition(name: ToolName): ToolDefinition {
  const d = TOOL_DEFINITIONS.find((t) => t.name === name);
  if (!d) throw new Error(`unknown tool ${name}`);
  return d;
}

export const READ_ONLY_MESSAGE =
  'Security Copilot is in read-only mode (setting "securityCopilot.auth.access" is readOnly): asking creates sessions and prompts, ' +
  'which needs read/write access. Set it to readWrite in your user settings to ask; listing sessions and reading transcripts still work.';

/** A tool input that can't be used: the message is meant for the model (and the user) to correct it. */
export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
}

function asObject(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ToolInputError('The input must be a JSON object.');
  return raw as Record<string, unknown>;
}

function optionalString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new ToolInputError(`"${key}" must be a string.`);
  return v;
}

function optionalInt(o: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ToolInputError(`"${key}" must be an integer from ${min} to ${max}.`);
  return v;
}

function checkedSessionId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const id = validateId(value.trim(), 'sessionId');
  if (!id.ok) throw new ToolInputError(id.message);
  return id.value;
}

function rejectUnknown(o: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length) throw new ToolInputError(`Unknown input ${extra.map((k) => `"${k}"`).join(', ')}; allowed: ${allowed.join(', ')}.`);
}

export interface AskInput {
  question: string;
  sessionId?: string;
}

export function parseAskInput(raw: unknown): AskInput {
  const o = asObject(raw);
  rejectUnknown(o, ['question', 'sessionId']);
  const q = o.question;
  if (typeof q !== 'string') throw new ToolInputError('"question" is required and must be a string.');
  const text = validatePromptContent(q);
  if (!text.ok) throw new ToolInputError(text.message);
  return { question: text.value, sessionId: checkedSessionId(optionalString(o, 'sessionId')) };
}

export interface ListInput {
  filter?: string;
  top: number;
}

export function parseListInput(raw: unknown): ListInput {
  const o = asObject(raw);
  rejectUnknown(o, ['filter', 'top']);
  return { filter: optionalString(o, 'filter')?.trim() || undefined, top: optionalInt(o, 'top', 1, LIST_MAX) ?? 10 };
}

export interface TranscriptInput {
  sessionId: string;
  lastPrompts?: number;
}

export function parseTranscriptInput(raw: unknown): TranscriptInput {
  const o = asObject(raw);
  rejectUnknown(o, ['sessionId', 'lastPrompts']);
  const id = checkedSessionId(optionalString(o, 'sessionId'));
  if (!id) throw new ToolInputError('"sessionId" is required.');
  return { sessionId: id, lastPrompts: optionalInt(o, 'lastPrompts', 1, 10_000) };
}

/** A session name from the first question: its first line, within the name limit. */
export function sessionNameFor(question: string): string {
  return firstLine(question, Math.min(80, DISPLAY_NAME_MAX_LENGTH)) || 'Question from chat';
}

/** Up to three follow-ups: questions the answer itself suggests, else two generic next steps. */
export function suggestFollowups(answer: string): string[] {
  const offered = Array.from(answer.matchAll(/(?:^|\n)\s*(?:[-*\d.)]+\s*)?((?:Would you like|Do you want|Should I|Shall I)[^\n?]{5,160}\?)/gi), (m) => m[1].trim());
  const unique = [...new Set(offered)].slice(0, 3);
  if (unique.length) return unique;
  return ['Summarize the key findings and the recommended next steps.', 'What should I investigate next?'];
}

/** One line per run phase, for progress messages ("Security Copilot is running… 12 s"). */
export function progressText(entry: PromptEntry, startedAt: number, now = Date.now()): string {
  const elapsed = `${Math.max(0, Math.round((now - startedAt) / 1000))} s`;
  const run = entry.run;
  switch (run.kind) {
    case 'starting':
      return `Starting the evaluation… ${elapsed}`;
    case 'checking':
      return `${run.message} ${elapsed}`;
    case 'following': {
      const latest = entry.evaluations?.at(-1);
      const state = latest?.state ?? 'created';
      return `${run.note ?? `Security Copilot is working (${state})…`} ${elapsed}`;
    }
    case 'failed':
      return run.message;
    default:
      return `Waiting for Security Copilot… ${elapsed}`;
  }
}

export interface ToolContext {
  engine: CopilotEngine;
  workspaceId(): string;
}

export interface AskToolResult extends AskResult {
  text: string;
  createdSession?: Session;
}

/** What the model reads after an ask: the answer (or why there is none) and the ids to continue. */
export function formatAskResult(r: AskResult, workspaceId: string): string {
  const ids = `Security Copilot session ${r.sessionId} (workspace ${workspaceId}), prompt ${r.promptId}, evaluation ${r.evaluationId}.`;
  const o = r.outcome;
  if (o.kind === 'success') {
    const content = o.content?.trim() || '(Security Copilot finished but sent no answer text.)';
    return `${content}\n\n---\n${ids} Pass sessionId "${r.sessionId}" to continue this session.`;
  }
  return `No answer (${o.kind}): ${o.message}${o.content?.trim() ? `\n\nPartial content:\n${o.content.trim()}` : ''}\n\n---\n${ids}`;
}

/** Asks through the engine: a new session (named from the question) unless a session id is given. */
export async function runAsk(ctx: ToolContext, input: AskInput, options: AskOptions = {}): Promise<AskToolResult> {
  let sessionId = input.sessionId;
  let createdSession: Session | undefined;
  if (!sessionId) {
    createdSession = await ctx.engine.createSession(sessionNameFor(input.question));
    sessionId = createdSession.id;
  }
  const result = await ctx.engine.ask(sessionId, input.question, options);
  return { ...result, createdSession, text: formatAskResult(result, ctx.workspaceId()) };
}

function sessionLine(s: Session): string {
  const name = (s.displayName ?? '').replace(/[\r\n]+/g, ' ').trim() || 'Untitled session';
  return `- ${JSON.stringify(name)} — id ${s.id}, created ${s.createdDateTime}, last modified ${s.lastModifiedDateTime}`;
}

/** Recent sessions, newest first, filtered by name; loads more pages while a filter needs them. */
export async function runList(ctx: ToolContext, input: ListInput): Promise<{ text: string; sessions: Session[] }> {
  const engine = ctx.engine;
  await engine.reloadList();
  const matches = (): Session[] => {
    const needle = input.filter?.toLowerCase();
    return engine.list.sessions.filter((s) => !needle || (s.displayName ?? '').toLowerCase().includes(needle));
  };
  // A filter may need more than one page; stop at a few pages (the model can narrow the filter).
  for (let pages = 1; matches().length < input.top && engine.list.hasMore && pages < 5; pages++) await engine.loadMore();
  const list = engine.list;
  if (list.status === 'error') throw list.error instanceof Error ? list.error : new Error(String(list.error));
  const sessions = matches().slice(0, input.top);
  const where = `workspace ${ctx.workspaceId()}`;
  if (!sessions.length) {
    return { sessions, text: input.filter ? `No Security Copilot sessions whose name contains ${JSON.stringify(input.filter)} (${where}).` : `No Security Copilot sessions yet (${where}).` };
  }
  const header = `${sessions.length} Security Copilot session${sessions.length === 1 ? '' : 's'}, newest first (${where})${input.filter ? `, name contains ${JSON.stringify(input.filter)}` : ''}:`;
  return { sessions, text: [header, ...sessions.map(sessionLine)].join('\n') };
}

/** A session's prompts and answers as Markdown (the export format), optionally only the last N prompts. */
export async function runTranscript(ctx: ToolContext, input: TranscriptInput): Promise<{ text: string; prompts: number }> {
  const engine = ctx.engine;
  await engine.loadSession(input.sessionId, { evaluations: true });
  const detail = engine.detail(input.sessionId);
  if (!detail || detail.status === 'error') {
    const e = detail?.error;
    throw e instanceof Error ? e : new Error(`Could not read session ${input.sessionId}.`);
  }
  const session = detail.session ?? engine.session(input.sessionId);
  if (!session) throw new Error(`Session ${input.sessionId} was not found.`);
  const all = detail.prompts;
  const picked = input.lastPrompts ? all.slice(-input.lastPrompts) : all;
  let text = sessionToMarkdown(
    session,
    picked.map((p) => ({ prompt: p.prompt, evaluations: [...(p.evaluations ?? [])] })),
    ctx.workspaceId(),
  );
  if (picked.length < all.length) text += `\n*Only the last ${picked.length} of ${all.length} prompts are shown.*\n`;
  if (text.length > TRANSCRIPT_MAX_CHARS) {
    text = `${text.slice(0, TRANSCRIPT_MAX_CHARS)}\n\n*(Transcript cut at ${TRANSCRIPT_MAX_CHARS.toLocaleString('en-US')} characters: ask for fewer prompts with lastPrompts.)*\n`;
  }
  return { text, prompts: picked.length };
}
