// The Security Copilot MCP server: Streamable HTTP on 127.0.0.1 inside the extension host, built on the official
// MCP TypeScript SDK. Bundled on its own (dist/mcp.js) and loaded only when the user enabled it, so the SDK never
// weighs on activation. No `vscode` import: the extension passes in the tools (which use its engine and sign-in).
//
// Every request must carry `Authorization: Bearer <secret>` (a random secret per window, handed to VS Code in the
// server definition's headers); anything else gets 401 before the MCP layer sees it. Host headers other than the
// loopback address are refused (DNS rebinding). Stateless: each POST gets its own server and transport.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

export interface McpToolSpec {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: 'object'; properties?: Record<string, unknown>; required?: string[] };
  readOnly: boolean;
  /** Resolves with the text result; rejects with an Error whose message is meant for the model. */
  call(args: unknown, signal: AbortSignal): Promise<string>;
}

export interface McpServerOptions {
  tools: readonly McpToolSpec[];
  secret: string;
  version: string;
  log?: { info(m: string): void; warn(m: string): void };
  /** 0 (default): any free port. */
  port?: number;
}

export interface McpServerHandle {
  /** http://127.0.0.1:<port>/mcp */
  readonly url: string;
  close(): Promise<void>;
}

export const MCP_PATH = '/mcp';
const MAX_BODY = 1_000_000;

function authorized(req: IncomingMessage, secret: string): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) return false;
  const given = Buffer.from(m[1]);
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new Error('the body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function mcpServerFor(options: McpServerOptions): Server {
  const server = new Server({ name: 'security-copilot', title: 'Security Copilot', version: options.version }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: options.tools.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: t.inputSchema,
      annotations: { title: t.title, readOnlyHint: t.readOnly, destructiveHint: false, idempotentHint: t.readOnly, openWorldHint: !t.readOnly },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = options.tools.find((t) => t.name === request.params.name);
    if (!tool) return { content: [{ type: 'text', text: `Unknown tool ${request.params.name}.` }], isError: true };
    try {
      const text = await tool.call(request.params.arguments ?? {}, extra.signal);
      return { content: [{ type: 'text', text }] };
    } catch (e) {
      return { content: [{ type: 'text', text: e instanceof Error ? e.message : String(e) }], isError: true };
    }
  });
  return server;
}

export async function startMcpServer(options: McpServerOptions): Promise<McpServerHandle> {
  let allowedHosts: string[] = [];
  const http = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      options.log?.warn(`MCP request failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) sendJson(res, 500, { jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!authorized(req, options.secret)) {
      sendJson(res, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer realm="security-copilot"' });
      return;
    }
    if (url.pathname !== MCP_PATH) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    if (req.method !== 'POST') {
      // Stateless server: no standalone SSE stream (GET) and no session to delete.
      sendJson(res, 405, { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }, { allow: 'POST' });
      return;
    }
    let body: unknown;
    try {
      body = await readBody(req);
    } catch (e) {
      sendJson(res, 400, { jsonrpc: '2.0', error: { code: -32700, message: `Parse error: ${(e as Error).message}` }, id: null });
      return;
    }
    const server = mcpServerFor(options);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      enableDnsRebindingProtection: true,
      allowedHosts,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  allowedHosts = [`127.0.0.1:${port}`];
  const url = `http://127.0.0.1:${port}${MCP_PATH}`;
  options.log?.info(`MCP server listening on ${url}`);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
