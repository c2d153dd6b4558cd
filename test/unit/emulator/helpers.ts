// Shared helpers for the emulator unit tests: a tiny Graph caller over Node's global fetch.
import { type Emulator, type EmulatorOptions, startEmulator } from '../../../emulator';

export const API = '/beta/security/securityCopilot';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

export interface CallInit {
  method?: string;
  body?: unknown;
  rawBody?: string;
  token?: string | null;
  headers?: Record<string, string>;
}

/** Calls `pathOrUrl` (a path under the emulator, or an absolute URL such as a nextLink). */
export async function call(emu: Emulator, pathOrUrl: string, init: CallInit = {}): Promise<Reply> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${emu.url}${pathOrUrl}`;
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? 'opaque-test-token'}`;
  let body: string | undefined;
  if (init.rawBody !== undefined) body = init.rawBody;
  else if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // leave empty; tests that expect malformed bodies look at `text`
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function ws(rest = ''): string {
  return `${API}/workspaces/default${rest}`;
}

export async function createSession(emu: Emulator, displayName = 'Test session'): Promise<Record<string, unknown>> {
  const r = await call(emu, ws('/sessions'), { body: { displayName } });
  if (r.status !== 201) throw new Error(`create session: ${r.status} ${r.text}`);
  return r.json;
}

export async function createPrompt(emu: Emulator, sessionId: string, content = 'who am I'): Promise<Record<string, unknown>> {
  const r = await call(emu, ws(`/sessions/${sessionId}/prompts`), { body: { type: 'prompt', content } });
  if (r.status !== 201) throw new Error(`create prompt: ${r.status} ${r.text}`);
  return r.json;
}

export async function createEvaluation(emu: Emulator, sessionId: string, promptId: string): Promise<Record<string, unknown>> {
  const r = await call(emu, ws(`/sessions/${sessionId}/prompts/${promptId}/evaluations`), { body: {} });
  if (r.status !== 201) throw new Error(`create evaluation: ${r.status} ${r.text}`);
  return r.json;
}

/** Starts an emulator per test file; `ctx.emu` is reset before each test. */
export function useEmulator(options: EmulatorOptions = {}): { emu: Emulator } {
  const ctx = {} as { emu: Emulator };
  before(async () => {
    ctx.emu = await startEmulator({ quiet: true, ...options });
  });
  beforeEach(() => ctx.emu.reset());
  after(async () => {
    await ctx.emu.close();
  });
  return ctx;
}

/** Builds an unsigned (alg: none) JWT like the test sign-in issues. */
export function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;
export const NEVER = '0001-01-01T00:00:00Z';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
