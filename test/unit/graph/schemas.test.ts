// Response validation at the boundary, through the public client with a stubbed fetch.
import * as assert from 'node:assert/strict';
import {
  type GraphMalformedResponseError,
  type SkippedItem,
  SecurityCopilotClient,
  isSentinelDate,
} from '../../../src/graph';
import { EVAL_COMPLETED, EVAL_CREATED, EVAL_RUNNING, PROMPT, SESSION, json, rejectsWith, stubFetch } from './helpers';

const WS = 'default';
const S = SESSION.id;
const P = PROMPT.id;
const E = EVAL_CREATED.id;

function clientFor(body: unknown, status = 200) {
  const stub = stubFetch(() => (typeof body === 'string' ? new Response(body, { status }) : json(status, body)));
  const client = new SecurityCopilotClient({ getToken: async () => 't', fetch: stub.fetch, retry: { maxAttempts: 1 } });
  return { client, stub };
}

describe('graph/schemas (through the client)', () => {
  it('accepts displayName null and drops unknown properties and annotations', async () => {
    const { client } = clientFor({
      '@odata.context': 'x',
      '@microsoft.graph.tips': 'Use $select',
      value: [
        { id: 'a', createdDateTime: '2025-10-15T15:54:58.4862768Z', lastModifiedDateTime: '2025-10-15T15:54:58Z', displayName: null, extra: 1 },
        { id: 'b', createdDateTime: '2025-09-17T19:23:41.1Z', lastModifiedDateTime: '2025-09-17T19:28:21.290270512+02:00', displayName: 'who am i' },
      ],
    });
    const page = await client.listSessionsPage(WS);
    assert.deepEqual(page, {
      items: [
        { id: 'a', displayName: null, createdDateTime: '2025-10-15T15:54:58.4862768Z', lastModifiedDateTime: '2025-10-15T15:54:58Z' },
        { id: 'b', displayName: 'who am i', createdDateTime: '2025-09-17T19:23:41.1Z', lastModifiedDateTime: '2025-09-17T19:28:21.290270512+02:00' },
      ],
    });
  });

  it('treats a missing displayName as null', async () => {
    const { id, createdDateTime, lastModifiedDateTime } = SESSION;
    const { client } = clientFor({ id, createdDateTime, lastModifiedDateTime });
    assert.equal((await client.getSession(WS, S)).displayName, null);
  });

  it('maps the 0001-01-01 sentinel dates to null and keeps real ones', async () => {
    const { client } = clientFor(EVAL_CREATED);
    const created = await client.getEvaluation(WS, S, P, E);
    assert.equal(created.runStartDateTime, null);
    assert.equal(created.completedDateTime, null);
    assert.equal(created.result, null);
    assert.equal(created.state, 'created');
    assert.equal(isSentinelDate('0001-01-01T00:00:00Z'), true);
    assert.equal(isSentinelDate('0001-01-01T00:00:00.0000000+00:00'), true);

    const done = await clientFor(EVAL_COMPLETED).client.getEvaluation(WS, S, P, E);
    assert.equal(done.runStartDateTime, '2025-10-22T20:12:58.1888405Z');
    assert.equal(done.completedDateTime, '2025-10-22T22:01:11.2594216Z');
    assert.deepEqual(done.result, { content: 'You are signed in as Lorenz X.\n', type: 'success', previewState: 'private' });
  });

  it('maps unknown enum members to unknownFutureValue', async () => {
    const e = await clientFor({
      ...EVAL_RUNNING,
      state: 'thinkingHard',
      result: { content: null, type: 'partialSuccess', previewState: 'beta' },
    }).client.getEvaluation(WS, S, P, E);
    assert.equal(e.state, 'unknownFutureValue');
    assert.equal(e.result?.type, 'unknownFutureValue');
    assert.equal(e.result?.previewState, 'beta');
    const p = await clientFor({ ...PROMPT, type: 'agentStep' }).client.getPrompt(WS, S, P);
    assert.equal(p.type, 'unknownFutureValue');
  });

  it('accepts Int64 as a string, and defaults executionCount/isCancelled when absent', async () => {
    const { executionCount: _a, isCancelled: _b, ...rest } = EVAL_RUNNING;
    assert.equal((await clientFor({ ...EVAL_RUNNING, executionCount: '3' }).client.getEvaluation(WS, S, P, E)).executionCount, 3);
    const e = await clientFor(rest).client.getEvaluation(WS, S, P, E);
    assert.equal(e.executionCount, 0);
    assert.equal(e.isCancelled, false);
  });

  it('rejects a missing required field and names it', async () => {
    const { createdDateTime: _c, ...noCreated } = SESSION;
    const err = await rejectsWith<GraphMalformedResponseError>(clientFor(noCreated).client.getSession(WS, S), 'GraphMalformedResponseError');
    assert.match(err.message, /required field 'createdDateTime' is missing/);
    assert.equal(err.status, 200);

    // In a list, an item that does not fit is left out and reported; the rest of the page is kept.
    const skipped: SkippedItem[] = [];
    const page = await clientFor({ value: [SESSION, { ...SESSION, id: undefined }, { ...SESSION, id: 'odd', createdDateTime: '22/10/2025' }] })
      .client.listSessionsPage(WS, { onSkipped: (s) => skipped.push(s) });
    assert.deepEqual(page.items.map((s) => s.id), [SESSION.id]);
    assert.equal(page.skipped?.length, 2);
    assert.deepEqual(skipped.map((s) => [s.index, s.id]), [[1, undefined], [2, 'odd']]);
    assert.match(skipped[0].reason, /required field 'id' is missing/);
    assert.match(skipped[1].reason, /createdDateTime/);
    // A body that is not a collection at all is still an error.
    await rejectsWith<GraphMalformedResponseError>(clientFor({ value: 'nope' }).client.listSessionsPage(WS), 'GraphMalformedResponseError');

    const { state: _s, ...noState } = EVAL_RUNNING;
    const err3 = await rejectsWith<Error>(clientFor(noState).client.getEvaluation(WS, S, P, E), 'GraphMalformedResponseError');
    assert.match(err3.message, /'state'/);
  });

  it('rejects wrong types and unreadable timestamps', async () => {
    const err = await rejectsWith<Error>(clientFor({ ...SESSION, id: 42 }).client.getSession(WS, S), 'GraphMalformedResponseError');
    assert.match(err.message, /field 'id' has the wrong type/);
    const err2 = await rejectsWith<Error>(
      clientFor({ ...SESSION, createdDateTime: 'yesterday' }).client.getSession(WS, S),
      'GraphMalformedResponseError',
    );
    assert.match(err2.message, /createdDateTime/);
  });

  it('rejects a collection without value', async () => {
    const err = await rejectsWith<Error>(clientFor({ '@odata.context': 'x' }).client.listSessionsPage(WS), 'GraphMalformedResponseError');
    assert.match(err.message, /'value' is missing/);
  });

  it('reads plugins with their optional fields', async () => {
    const page = await clientFor({
      value: [
        { name: 'Entra', displayName: 'Microsoft Entra', description: 'Skills', category: 'microsoft', catalogScope: 'global', previewState: 'ga', isEnabled: true, authorization: null, settings: [] },
        { name: 'Bare' },
        {
          name: 'Custom',
          category: 'plugin',
          catalogScope: 'tenant',
          authorization: { authType: 'aPIKey' },
          settings: [{ name: 'ApiKey', label: 'API key', settingValue: 'secretString', isRequired: true, value: null, displayType: 'textbox' }],
        },
      ],
    }).client.listPlugins(WS);
    assert.deepEqual(page.items, [
      { name: 'Entra', displayName: 'Microsoft Entra', description: 'Skills', category: 'microsoft', isEnabled: true, previewState: 'ga', catalogScope: 'global', authType: null, settings: [] },
      { name: 'Bare', displayName: null, description: null, category: null, isEnabled: null, previewState: null, catalogScope: null, authType: null, settings: [] },
      {
        name: 'Custom',
        displayName: null,
        description: null,
        category: 'plugin',
        isEnabled: null,
        previewState: null,
        catalogScope: 'tenant',
        authType: 'aPIKey',
        settings: [{ name: 'ApiKey', label: 'API key', description: null, settingValue: 'secretString', isRequired: true, value: null }],
      },
    ]);
  });

  it('list evaluations accepts both a collection and the single-entity shape of the docs example', async () => {
    const single = await clientFor({ '@odata.context': '.../evaluations/$entity', '@microsoft.graph.tips': 'x', ...EVAL_RUNNING }).client.listEvaluations(WS, S, P);
    assert.equal(single.length, 1);
    assert.equal(single[0].state, 'running');
    const coll = await clientFor({ value: [EVAL_CREATED, EVAL_COMPLETED] }).client.listEvaluations(WS, S, P);
    assert.deepEqual(coll.map((e) => e.state), ['created', 'completed']);
    const empty = await clientFor({ value: [] }).client.listEvaluations(WS, S, P);
    assert.deepEqual(empty, []);
  });

  it('reads @odata.count', async () => {
    const page = await clientFor({ '@odata.count': 42, value: [SESSION] }).client.listSessionsPage(WS, { count: true });
    assert.equal(page.count, 42);
  });
});
