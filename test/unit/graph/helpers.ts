// Test helpers for the Graph client: a recording stub `fetch`, a recording token provider, and sample bodies.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RequestLogEntry, type TokenRequestOptions } from '../../../src/graph';

export interface StubCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal | undefined;
}

export type StubHandler = (call: StubCall, index: number) => Response | Promise<Response>;

/**
 * A `fetch` replacement. With an array, call i uses handler i (the last one repeats). Records every call.
 */
export function stubFetch(handlers: StubHandler | StubHandler[]): { fetch: typeof fetch; calls: StubCall[] } {
  const calls: StubCall[] = [];
  const list = Array.isArray(handlers) ? handlers : [handlers];
  const impl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const raw = init?.body;
    const call: StubCall = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers,
      body: typeof raw === 'string' ? (JSON.parse(raw) as unknown) : undefined,
      signal: init?.signal ?? undefined,
    };
    const index = calls.length;
    calls.push(call);
    const handler = list[Math.min(index, list.length - 1)];
    return handler(call, index);
  };
  return { fetch: impl as typeof fetch, calls };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function graphError(
  status: number,
  code: string,
  message: string,
  requestId = 'req-0001',
  headers: Record<string, string> = {},
): Response {
  return json(
    status,
    { error: { code, message, innerError: { date: '2026-07-31T05:11:26', 'request-id': requestId, 'client-request-id': 'x' } } },
    { 'request-id': requestId, ...headers },
  );
}

/** A handler that never answers until the request's signal aborts (then rejects like fetch does). */
export const hang: StubHandler = (call) =>
  new Promise<Response>((_resolve, reject) => {
    const signal = call.signal;
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

export function netError(code: string): () => never {
  return () => {
    const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
    throw new TypeError('fetch failed', { cause });
  };
}

export class Tokens {
  readonly requests: TokenRequestOptions[] = [];
  private n = 0;
  constructor(private readonly prefix = 'tok') {}
  readonly provider = (o: TokenRequestOptions): Promise<string> => {
    this.requests.push({ ...o });
    if (o.forceRefresh) this.n++;
    return Promise.resolve(`${this.prefix}-${this.n}`);
  };
  get forced(): number {
    return this.requests.filter((r) => r.forceRefresh).length;
  }
}

export function logSink(): { log: (e: RequestLogEntry) => void; entries: RequestLogEntry[] } {
  const entries: RequestLogEntry[] = [];
  return { log: (e) => entries.push(e), entries };
}

export async function rejectsWith<T>(p: Promise<unknown>, name: string): Promise<T> {
  try {
    await p;
  } catch (e) {
    assert.equal((e as Error).name, name, `expected ${name}, got ${(e as Error).name}: ${(e as Error).message}`);
    return e as T;
  }
  assert.fail(`expected ${name}, but the promise resolved`);
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A tiny HTTP server on 127.0.0.1:0 that records what it receives. */
export async function recordingServer(
  respond: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"value":[]}');
  },
): Promise<{ url: string; received: { url: string; authorization?: string }[]; close: () => Promise<void> }> {
  const received: { url: string; authorization?: string }[] = [];
  const server = http.createServer((req, res) => {
    received.push({ url: req.url ?? '', authorization: req.headers.authorization });
    respond(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const SESSION = {
  '@odata.context': "https://graph.microsoft.com/beta/$metadata#security/securityCopilot/workspaces('default')/sessions/$entity",
  id: 'ecdfb9b3-58f5-457f-a18c-4a477890b252',
  createdDateTime: '2025-10-22T20:10:54.4940649Z',
  lastModifiedDateTime: '2025-10-22T20:10:54.4940649Z',
  displayName: 'API: who am I',
};

export const PROMPT = {
  id: '76a9b8c6-6656-4ef4-a4c7-7ed07fb93e01',
  type: 'prompt',
  createdDateTime: '2025-10-22T20:12:13.759634Z',
  lastModifiedDateTime: '2025-10-22T20:12:13.759634Z',
  skillName: null,
  content: 'who am I',
  inputs: { keyValuePairs: [] },
  skillInputDescriptors: [],
};

export const EVAL_CREATED = {
  id: 'b2d2c632-e799-4472-9b36-e5c84c065f72',
  createdDateTime: '2025-10-22T20:12:57.8667119Z',
  runStartDateTime: '0001-01-01T00:00:00Z',
  completedDateTime: '0001-01-01T00:00:00Z',
  lastModifiedDateTime: '2025-10-22T20:12:57.8667119Z',
  state: 'created',
  executionCount: 0,
  isCancelled: false,
  result: null,
};

export const EVAL_RUNNING = {
  ...EVAL_CREATED,
  runStartDateTime: '2025-10-22T20:12:58.1888405Z',
  lastModifiedDateTime: '2025-10-22T20:12:58.9558231Z',
  state: 'running',
  result: { content: null, type: 'unknown', previewState: 'ga' },
};

export const EVAL_COMPLETED = {
  ...EVAL_RUNNING,
  completedDateTime: '2025-10-22T22:01:11.2594216Z',
  lastModifiedDateTime: '2025-10-22T22:01:11.2594216Z',
  state: 'completed',
  result: { content: 'You are signed in as Lorenz X.\n', type: 'success', previewState: 'private' },
};
