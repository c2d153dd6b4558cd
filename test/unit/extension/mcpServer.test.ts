import * as assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startMcpServer, type McpServerHandle, type McpToolSpec } from '../../../src/ai/mcpServer';

const SECRET = 'unit-test-secret-0123456789abcdefghijklmnop';

describe('MCP server (plain Node, official SDK client)', () => {
  let server: McpServerHandle;
  const calls: unknown[] = [];
  const tools: McpToolSpec[] = [
    {
      name: 'securityCopilot_list_sessions',
      title: 'List',
      description: 'lists',
      inputSchema: { type: 'object', properties: { top: { type: 'integer' } } },
      readOnly: true,
      call: async (args) => {
        calls.push(args);
        return 'two sessions';
      },
    },
    {
      name: 'securityCopilot_ask_question',
      title: 'Ask',
      description: 'asks',
      inputSchema: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] },
      readOnly: false,
      call: async () => {
        throw new Error('Security Copilot: Sign in to Security Copilot to continue.');
      },
    },
  ];

  before(async () => {
    server = await startMcpServer({ tools, secret: SECRET, version: '0.0.1' });
  });

  after(() => server.close());

  const list = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

  it('listens on loopback only and refuses requests without the bearer secret (401)', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    for (const authorization of [undefined, 'Bearer nope', `Basic ${SECRET}`, `Bearer ${SECRET}x`]) {
      const res = await fetch(server.url, { method: 'POST', headers: authorization ? { ...headers, authorization } : headers, body: list });
      assert.equal(res.status, 401, String(authorization));
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
    assert.equal(calls.length, 0);
  });

  it('refuses other paths, GET, and a foreign Host header (DNS rebinding)', async () => {
    const auth = { ...headers, authorization: `Bearer ${SECRET}` };
    assert.equal((await fetch(server.url.replace('/mcp', '/other'), { method: 'POST', headers: auth, body: list })).status, 404);
    assert.equal((await fetch(server.url, { headers: auth })).status, 405);
    const port = new URL(server.url).port;
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { ...auth, host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(list);
    });
    assert.equal(status, 403);
  });

  it('answers tools/list and tools/call; a failing tool is an error result with its message', async () => {
    const client = new Client({ name: 'unit', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${SECRET}` } } }));
    try {
      const { tools: listed } = await client.listTools();
      assert.deepEqual(
        listed.map((t) => [t.name, t.annotations?.readOnlyHint]),
        [
          ['securityCopilot_list_sessions', true],
          ['securityCopilot_ask_question', false],
        ],
      );
      const ok = (await client.callTool({ name: 'securityCopilot_list_sessions', arguments: { top: 2 } })) as { content: { text: string }[]; isError?: boolean };
      assert.equal(ok.content[0].text, 'two sessions');
      assert.deepEqual(calls, [{ top: 2 }]);
      const failed = (await client.callTool({ name: 'securityCopilot_ask_question', arguments: { question: 'q' } })) as { content: { text: string }[]; isError?: boolean };
      assert.equal(failed.isError, true);
      assert.match(failed.content[0].text, /Sign in/);
    } finally {
      await client.close();
    }
  });
});
