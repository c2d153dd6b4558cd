// Token confinement over real HTTP (Node's fetch, two loopback servers on different ports = different origins):
// the token reaches only the configured Graph origin, whatever Graph answers.
import * as assert from 'node:assert/strict';
import type * as http from 'node:http';
import { type GraphError, type RequestLogEntry, SecurityCopilotClient } from '../../../src/graph';
import { redact } from '../../../src/masking/rules';
import { recordingServer, rejectsWith, SESSION } from './helpers';

const WS = 'default';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzY3AiOiJTZWN1cml0eUNvcGlsb3RXb3Jrc3BhY2VzLlJlYWRXcml0ZS5BbGwifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';

describe('token confinement (real HTTP, a second origin that records headers)', () => {
  let other: Awaited<ReturnType<typeof recordingServer>>;
  let graph: Awaited<ReturnType<typeof recordingServer>> | undefined;
  let log: RequestLogEntry[];

  beforeEach(async () => {
    other = await recordingServer();
    log = [];
  });
  afterEach(async () => {
    await other.close();
    await graph?.close();
    graph = undefined;
  });

  async function graphAnswering(respond: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<SecurityCopilotClient> {
    graph = await recordingServer(respond);
    return new SecurityCopilotClient({ baseUrl: graph.url, getToken: async () => TOKEN, retry: { baseDelayMs: 1, maxDelayMs: 2 }, log: (e) => log.push(e) });
  }

  for (const status of [301, 302, 303, 307, 308]) {
    it(`a ${status} redirect to another origin is not followed, for GET, POST and PATCH`, async () => {
      const client = await graphAnswering((_req, res) => {
        res.writeHead(status, { location: `${other.url}/beta/security/securityCopilot/workspaces/default/sessions` });
        res.end();
      });
      for (const call of [
        () => client.getSession(WS, SESSION.id),
        () => client.createSession(WS, 'redirected'),
        () => client.renameSession(WS, SESSION.id, 'renamed'),
        () => client.listSessionsPage(WS),
      ]) {
        const err = await rejectsWith<GraphError>(call(), 'GraphError');
        assert.match(err.message, /Redirects aren't followed/);
        assert.ok(!err.message.includes(TOKEN));
      }
      assert.deepEqual(other.received, [], 'the other origin received nothing');
      assert.ok(graph!.received.length >= 4);
      assert.ok(graph!.received.every((r) => r.authorization === `Bearer ${TOKEN}`), 'the configured origin got the token');
    });
  }

  it('a nextLink to another origin (other port, other host, http instead of https) is refused before any request', async () => {
    for (const link of [`${other.url}/beta/next`, 'http://localhost:1/beta/next', 'https://graph.microsoft.com.evil.example/beta/next']) {
      const client = await graphAnswering((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ value: [SESSION], '@odata.nextLink': link }));
      });
      const seen: string[] = [];
      const err = await rejectsWith<GraphError>(
        (async () => {
          for await (const s of client.listSessions(WS)) seen.push(s.id);
        })(),
        'GraphError',
      );
      assert.match(err.message, /Refused to follow a nextLink/);
      assert.equal(seen.length, 1);
      await graph!.close();
      graph = undefined;
    }
    assert.deepEqual(other.received, []);
  });

  it('a token echoed back by Graph in an error never reaches the log', async () => {
    const client = await graphAnswering((req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BadRequest', message: `Invalid header ${req.headers.authorization}` } }));
    });
    const err = await rejectsWith<GraphError>(client.getSession(WS, SESSION.id), 'GraphError');
    // The product logs and shows errors through `redact` (src/log.ts, src/errors.ts).
    assert.ok(!redact(err.message).includes(TOKEN), redact(err.message));
    assert.ok(!JSON.stringify(log).includes(TOKEN), 'request log entries carry no token');
  });
});
