// Security Copilot in chat and agent mode, in the real extension host against the emulator: the language model
// tools through vscode.lm, the MCP server through the official SDK client, and the @securitycopilot handler.
//
// The participant is driven in-host: code-server's chat view needs the built-in chat to be set up with a GitHub
// Copilot sign-in (unreachable offline) before it sends anything to any participant, so the registered handler is
// called with VS Code's real types (Uri, Location, MarkdownString, CancellationTokenSource) and a stream that
// records what it is given.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { PARTICIPANT_ID, type TurnResult } from '../../src/ai/participant';
import { TOOL_DEFINITIONS, TOOL_NAMES } from '../../src/ai/tools';
import type { ExtensionApi } from '../../src/extension';
import { api, closeAllEditors, emulator, graphRequests, signIn, waitFor } from './helpers';

const SESSIONS = /\/workspaces\/default\/sessions$/;
const PROMPTS = /\/sessions\/[^/]+\/prompts$/;
const EVALUATIONS = /\/prompts\/[^/]+\/evaluations$/;

async function posts(): Promise<{ sessions: number; prompts: number; evaluations: number }> {
  return {
    sessions: (await graphRequests('POST', SESSIONS)).length,
    prompts: (await graphRequests('POST', PROMPTS)).length,
    evaluations: (await graphRequests('POST', EVALUATIONS)).length,
  };
}

function resultText(result: vscode.LanguageModelToolResult): string {
  return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

/** A ChatResponseStream that records every part, in order, as the user would see them. */
class RecordingStream {
  readonly parts: { kind: string; value: string; command?: vscode.Command }[] = [];
  markdown(value: string | vscode.MarkdownString): void {
    this.parts.push({ kind: 'markdown', value: typeof value === 'string' ? value : value.value });
  }
  progress(value: string): void {
    this.parts.push({ kind: 'progress', value });
  }
  button(command: vscode.Command): void {
    this.parts.push({ kind: 'button', value: command.title, command });
  }
  anchor(value: vscode.Uri | vscode.Location, title?: string): void {
    this.parts.push({ kind: 'anchor', value: title ?? String(value) });
  }
  reference(value: vscode.Uri | vscode.Location): void {
    this.parts.push({ kind: 'reference', value: String(value) });
  }
  filetree(): void {
    this.parts.push({ kind: 'filetree', value: '' });
  }
  push(part: unknown): void {
    this.parts.push({ kind: 'part', value: String(part) });
  }
  text(kind?: string): string {
    return this.parts
      .filter((p) => !kind || p.kind === kind)
      .map((p) => p.value)
      .join('\n');
  }
  buttons(): vscode.Command[] {
    return this.parts.flatMap((p) => (p.command ? [p.command] : []));
  }
}

function request(prompt: string, command?: string, references: vscode.ChatPromptReference[] = []): vscode.ChatRequest {
  return { prompt, command, references, toolReferences: [], toolInvocationToken: undefined, model: undefined } as unknown as vscode.ChatRequest;
}

/** The history VS Code passes: one response turn of this participant per earlier answer. */
function history(...results: TurnResult[]): vscode.ChatContext {
  return { history: results.map((result) => ({ participant: PARTICIPANT_ID, result, response: [], command: undefined, prompt: '', references: [], toolReferences: [] })) } as unknown as vscode.ChatContext;
}

async function turn(a: ExtensionApi, req: vscode.ChatRequest, ctx: vscode.ChatContext = history(), token = new vscode.CancellationTokenSource().token) {
  const stream = new RecordingStream();
  const result = await a.chat.participant.handle(req, ctx, stream as unknown as vscode.ChatResponseStream, token);
  return { stream, result, state: result.metadata.securityCopilot };
}

describe('Chat, tools and MCP (in the extension host)', function () {
  this.timeout(60_000);
  let a: ExtensionApi;

  before(async () => {
    await signIn();
    a = await api();
  });

  beforeEach(async () => {
    await closeAllEditors();
    await emulator.reset();
    a.copilot.engine.reset();
  });

  describe('language model tools', () => {
    it('are listed by vscode.lm.tools with their input schemas and model descriptions', () => {
      for (const def of TOOL_DEFINITIONS) {
        const tool = vscode.lm.tools.find((t) => t.name === def.name);
        assert.ok(tool, `${def.name} is listed`);
        assert.deepEqual(tool.inputSchema, def.inputSchema);
        assert.equal(tool.description, def.description);
      }
      const ask = vscode.lm.tools.find((t) => t.name === TOOL_NAMES.ask)!;
      assert.match(ask.description, /billed/);
      assert.deepEqual((ask.inputSchema as { required: string[] }).required, ['question']);
    });

    it('ask: the confirmation says exactly what is sent, to which workspace, and that it is billed', async () => {
      const tool = a.chat.tools.get(TOOL_NAMES.ask)!;
      const question = 'Which devices talked to 203.0.113.7 `yesterday`?';
      const prepared = await tool.prepareInvocation!({ input: { question } }, new vscode.CancellationTokenSource().token);
      assert.equal(prepared?.confirmationMessages?.title, 'Ask Security Copilot?');
      const message = prepared!.confirmationMessages!.message as vscode.MarkdownString;
      assert.ok(message.value.includes(`\n${question}\n`), 'the full question, verbatim, in a fence');
      assert.match(message.value, /workspace `default`/);
      assert.match(message.value, /new session named \*\*Which devices/);
      assert.match(message.value, /one billed evaluation/);
      assert.deepEqual(await posts(), { sessions: 0, prompts: 0, evaluations: 0 }, 'preparing sends nothing');
    });

    it('ask through vscode.lm.invokeTool: one prompt and one evaluation, the answer and a reusable session id', async () => {
      await emulator.answer({ match: 'risky sign-ins', content: '## Risky sign-ins\n\n3 users had risky sign-ins.' });
      const token = new vscode.CancellationTokenSource().token;
      const first = resultText(
        await vscode.lm.invokeTool(TOOL_NAMES.ask, { input: { question: 'Summarize risky sign-ins today' }, toolInvocationToken: undefined }, token),
      );
      assert.match(first, /3 users had risky sign-ins/);
      const sessionId = /Security Copilot session ([0-9a-f-]{36})/.exec(first)?.[1];
      assert.ok(sessionId, `the result names the session: ${first}`);
      assert.match(first, /prompt [0-9a-f-]{36}/);
      assert.deepEqual(await posts(), { sessions: 1, prompts: 1, evaluations: 1 });
      const created = (await graphRequests('POST', SESSIONS))[0].body as { displayName: string };
      assert.equal(created.displayName, 'Summarize risky sign-ins today');

      const second = resultText(
        await vscode.lm.invokeTool(TOOL_NAMES.ask, { input: { question: 'And the risky sign-ins yesterday?', sessionId }, toolInvocationToken: undefined }, token),
      );
      assert.ok(second.includes(`session ${sessionId}`), 'the same session continues');
      assert.deepEqual(await posts(), { sessions: 1, prompts: 2, evaluations: 2 });
      // The tree shows the session the tool created, with both prompts.
      assert.ok(a.tree.getChildren().some((n) => n.kind === 'session' && n.sessionId === sessionId));
      assert.equal(a.copilot.engine.detail(sessionId)?.prompts.length, 2);
    });

    it('list and transcript are read-only and return ids', async () => {
      await emulator.seed({ sessions: 3, promptsPerSession: 2 });
      const token = new vscode.CancellationTokenSource().token;
      const list = resultText(await vscode.lm.invokeTool(TOOL_NAMES.list, { input: { top: 2 }, toolInvocationToken: undefined }, token));
      assert.match(list, /^2 Security Copilot sessions, newest first \(workspace default\):/);
      const ids = Array.from(list.matchAll(/id ([0-9a-f-]{36})/g), (m) => m[1]);
      assert.equal(ids.length, 2);
      const transcript = resultText(
        await vscode.lm.invokeTool(TOOL_NAMES.transcript, { input: { sessionId: ids[0], lastPrompts: 1 }, toolInvocationToken: undefined }, token),
      );
      assert.ok(transcript.includes(`| Session ID | \`${ids[0]}\` |`));
      assert.equal((transcript.match(/^## Prompt \d+$/gm) ?? []).length, 1);
      assert.match(transcript, /Only the last 1 of 2 prompts/);
      assert.deepEqual(await posts(), { sessions: 0, prompts: 0, evaluations: 0 });
    });

    it('bad input is refused with a message for the model, before any request', async () => {
      const token = new vscode.CancellationTokenSource().token;
      await assert.rejects(
        Promise.resolve(vscode.lm.invokeTool(TOOL_NAMES.ask, { input: { question: 'x', sessionId: 'not an id/../' }, toolInvocationToken: undefined }, token)),
        /Invalid input: sessionId/,
      );
      await assert.rejects(Promise.resolve(vscode.lm.invokeTool(TOOL_NAMES.ask, { input: {}, toolInvocationToken: undefined }, token)), /"question" is required/);
      assert.deepEqual(await posts(), { sessions: 0, prompts: 0, evaluations: 0 });
    });
  });

  describe('MCP server', () => {
    afterEach(async () => {
      await vscode.workspace.getConfiguration('securityCopilot').update('mcp.enabled', undefined, vscode.ConfigurationTarget.Global);
      await waitFor('the MCP server to stop', async () => (await a.chat.mcp.url()) === undefined);
    });

    it('is not listening and not offered while disabled (the default)', async () => {
      assert.equal(await a.chat.mcp.url(), undefined);
      assert.deepEqual(await a.chat.mcp.provideMcpServerDefinitions(), []);
    });

    it('answers tools/list and tools/call with the secret, 401 without it, and stops when disabled', async () => {
      await vscode.workspace.getConfiguration('securityCopilot').update('mcp.enabled', true, vscode.ConfigurationTarget.Global);
      const url = await waitFor('the MCP server to listen', () => a.chat.mcp.url());
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const [definition] = await a.chat.mcp.provideMcpServerDefinitions();
      assert.equal(definition.uri.toString(true), url);
      const authorization = definition.headers.Authorization;
      assert.match(authorization, /^Bearer [\w-]{40,}$/);

      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
      assert.equal((await fetch(url, { method: 'POST', headers, body })).status, 401);
      assert.equal((await fetch(url, { method: 'POST', headers: { ...headers, authorization: 'Bearer wrong' }, body })).status, 401);

      await emulator.answer({ match: 'lateral movement', content: 'No lateral movement found.' });
      const client = new Client({ name: 'test-client', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: authorization } } }));
      try {
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((t) => t.name).sort(), TOOL_DEFINITIONS.map((d) => d.name).sort());
        const ask = tools.find((t) => t.name === TOOL_NAMES.ask)!;
        assert.deepEqual(ask.inputSchema, TOOL_DEFINITIONS.find((d) => d.name === TOOL_NAMES.ask)!.inputSchema);
        assert.equal(ask.annotations?.readOnlyHint, false);
        assert.equal(tools.find((t) => t.name === TOOL_NAMES.list)!.annotations?.readOnlyHint, true);

        const answer = (await client.callTool({ name: TOOL_NAMES.ask, arguments: { question: 'Any lateral movement from host WS-042?' } })) as {
          content: { type: string; text: string }[];
          isError?: boolean;
        };
        assert.ok(!answer.isError, JSON.stringify(answer));
        assert.match(answer.content[0].text, /No lateral movement found\./);
        const sessionId = /session ([0-9a-f-]{36})/.exec(answer.content[0].text)![1];
        assert.deepEqual(await posts(), { sessions: 1, prompts: 1, evaluations: 1 });
        // The MCP call went through the extension's engine: the tree has the session.
        assert.ok(a.copilot.engine.list.sessions.some((s) => s.id === sessionId));

        const bad = (await client.callTool({ name: TOOL_NAMES.transcript, arguments: {} })) as { content: { text: string }[]; isError?: boolean };
        assert.equal(bad.isError, true);
        assert.match(bad.content[0].text, /"sessionId" is required/);
      } finally {
        await client.close();
      }

      await vscode.workspace.getConfiguration('securityCopilot').update('mcp.enabled', false, vscode.ConfigurationTarget.Global);
      await waitFor('the MCP server to stop', async () => (await a.chat.mcp.url()) === undefined);
      await assert.rejects(fetch(url, { method: 'POST', headers: { ...headers, authorization }, body }), 'nothing listens any more');
      assert.deepEqual(await a.chat.mcp.provideMcpServerDefinitions(), []);
    });
  });

  describe('@securitycopilot participant', () => {
    it('a conversation is one session: named from the first question, continued through the turn metadata', async () => {
      await a.chat.privacy.reset();
      await emulator.answer({ match: 'phishing', content: '**2 phishing incidents** are open.\n\nWould you like me to list the affected users?', runningMs: 1200 });
      const first = await turn(a, request('How many phishing incidents are open?'));
      assert.ok(first.state.sessionId, 'the turn remembers the session');
      assert.match(first.stream.text('markdown'), /sent to Microsoft Security Copilot in workspace "default"/, 'the privacy note, the first time');
      assert.match(first.stream.text('markdown'), /\*\*2 phishing incidents\*\* are open\./);
      assert.match(first.stream.text('progress'), /Security Copilot is working \(running\)… \d+ s/);
      assert.deepEqual(
        first.stream.buttons().map((c) => [c.command, c.arguments]),
        [
          ['securityCopilot.openSession', [first.state.sessionId]],
          ['securityCopilot.exportSession', [first.state.sessionId]],
        ],
      );
      assert.deepEqual(first.state.followups, ['Would you like me to list the affected users?']);
      const followups = await a.chat.participant.followupProvider.provideFollowups(first.result, history(), new vscode.CancellationTokenSource().token);
      assert.deepEqual(followups?.map((f) => f.prompt), ['Would you like me to list the affected users?']);
      assert.deepEqual(await posts(), { sessions: 1, prompts: 1, evaluations: 1 });
      assert.equal(((await graphRequests('POST', SESSIONS))[0].body as { displayName: string }).displayName, 'How many phishing incidents are open?');

      const second = await turn(a, request('Which users were targeted by phishing?'), history(first.result));
      assert.equal(second.state.sessionId, first.state.sessionId);
      assert.doesNotMatch(second.stream.text('markdown'), /sent to Microsoft Security Copilot in workspace/, 'the note is said once');
      assert.deepEqual(await posts(), { sessions: 1, prompts: 2, evaluations: 1 + 1 });

      // What the user saw, kept as a transcript (test-results/chat-transcript.json) for the README.
      const out = path.resolve(__dirname, '..', '..', '..', 'test-results');
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, 'chat-transcript.json'), JSON.stringify([first.stream.parts, second.stream.parts], null, 2));

      // The tree and an open panel show both prompts of the chat's session.
      await vscode.commands.executeCommand('securityCopilot.openSession', first.state.sessionId);
      const panel = a.panels.get(first.state.sessionId!)!;
      await waitFor('both prompts in the panel', () => panel.snapshot().prompts.length === 2);
      assert.ok(a.tree.getChildren().some((n) => n.kind === 'session' && n.sessionId === first.state.sessionId));
    });

    it('/new, /session <id> and /sessions', async () => {
      await emulator.seed({ sessions: 2, promptsPerSession: 1 });
      const listed = await turn(a, request('', 'sessions'));
      const md = listed.stream.text('markdown');
      const ids = Array.from(md.matchAll(/command:securityCopilot\.openSession\?([^)]+)\)/g), (m) => (JSON.parse(decodeURIComponent(m[1])) as string[])[0]);
      assert.equal(ids.length, 2, md);

      const attached = await turn(a, request(ids[1], 'session'));
      assert.equal(attached.state.sessionId, ids[1]);
      await emulator.answer({ match: 'follow up', content: 'continued' });
      const asked = await turn(a, request('a follow up question'), history(attached.result));
      assert.equal(asked.state.sessionId, ids[1]);
      const promptPost = (await graphRequests('POST', PROMPTS))[0];
      assert.ok(promptPost.path.includes(`/sessions/${ids[1]}/prompts`), 'asked in the attached session');

      const fresh = await turn(a, request('', 'new'), history(attached.result, asked.result));
      assert.equal(fresh.state.sessionId, undefined);
      assert.deepEqual(await posts(), { sessions: 0, prompts: 1, evaluations: 1 });

      const bad = await turn(a, request('not-a-guid?', 'session'));
      assert.match(bad.stream.text('markdown'), /Session ID/);
    });

    it('an attached selection is masked and shown for review; only /send sends exactly that', async () => {
      const folder = vscode.workspace.workspaceFolders![0].uri;
      const file = vscode.Uri.joinPath(folder, `chat-ref-${Date.now()}.log`);
      const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbmFseXN0In0.c2lnbmF0dXJlLXRleHQ';
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(`line one\nsign-in from 198.51.100.4 token=${jwt}\nline three\n`));
      try {
        const reference = { id: 'vscode.implicit.selection', value: new vscode.Location(file, new vscode.Range(1, 0, 1, 80)) } as vscode.ChatPromptReference;
        const review = await turn(a, request('Is this sign-in suspicious?', undefined, [reference]));
        const shown = review.stream.text('markdown');
        assert.ok(review.state.pending, 'the prompt waits for review');
        assert.match(shown, /1 secret was masked \(JWT\)/);
        assert.ok(!shown.includes(jwt) && !review.state.pending.includes(jwt), 'the token never appears');
        assert.match(review.state.pending, /198\.51\.100\.4/, 'indicators are kept');
        assert.match(review.state.pending, /Attached from chat-ref-\d+\.log, line 2:/);
        assert.deepEqual(await posts(), { sessions: 0, prompts: 0, evaluations: 0 }, 'nothing sent before review');
        const followups = await a.chat.participant.followupProvider.provideFollowups(review.result, history(), new vscode.CancellationTokenSource().token);
        assert.deepEqual(followups?.map((f) => f.command), ['send']);

        await emulator.answer({ match: 'suspicious', content: 'Looks like token replay.' });
        const sent = await turn(a, request('', 'send'), history(review.result));
        assert.match(sent.stream.text('markdown'), /token replay/);
        const prompt = (await graphRequests('POST', PROMPTS))[0].body as { content: string };
        assert.equal(prompt.content, review.state.pending);
        assert.deepEqual(await posts(), { sessions: 1, prompts: 1, evaluations: 1 });
      } finally {
        await vscode.workspace.fs.delete(file);
      }
    });

    it('cancel mid-evaluation cancels the evaluation in Security Copilot and keeps the session', async () => {
      await emulator.answer({ match: 'slow hunt', content: 'never shown', runningMs: 6000, once: true });
      const cts = new vscode.CancellationTokenSource();
      const pending = turn(a, request('a slow hunt across all devices'), history(), cts.token);
      await emulator.waitForRequest((r) => r.method === 'POST' && EVALUATIONS.test(r.path));
      cts.cancel();
      const { stream, state } = await pending;
      assert.ok(state.sessionId && state.promptId, 'the turn keeps the session and prompt');
      assert.match(stream.text('markdown'), /Cancelled the evaluation in Security Copilot\./);
      assert.deepEqual(
        stream.buttons().map((c) => c.command),
        ['securityCopilot.openSession', 'securityCopilot.exportSession'],
      );
      const patches = await graphRequests('PATCH', /\/evaluations\/[^/]+$/);
      assert.equal(patches.length, 1);
      assert.deepEqual(patches[0].body, { isCancelled: true });
      await waitFor('the evaluation to end cancelled', () => a.copilot.engine.prompt(state.sessionId!, state.promptId!)?.evaluations?.at(-1)?.state === 'cancelled');
      assert.deepEqual(await posts(), { sessions: 1, prompts: 1, evaluations: 1 });
    });

    // The engine remembers a refused cancel for the window (no in-host suite after this one cancels).
    it('cancel where the service refuses it: stops waiting, and the answer still arrives', async () => {
      await emulator.configure({ cancel: 'refuse' });
      await emulator.answer({ match: 'slow hunt', content: 'finished later', runningMs: 4000, once: true });
      const cts = new vscode.CancellationTokenSource();
      const pending = turn(a, request('another slow hunt across all devices'), history(), cts.token);
      await emulator.waitForRequest((r) => r.method === 'POST' && EVALUATIONS.test(r.path));
      cts.cancel();
      const { stream, state } = await pending;
      assert.ok(state.sessionId && state.promptId, 'the turn keeps the session and prompt');
      assert.match(stream.text('markdown'), /Stopped waiting\. Security Copilot may still finish/);
      // The engine keeps following: the answer shows up in the session's prompt.
      await waitFor(
        'the answer after cancelling',
        () => a.copilot.engine.prompt(state.sessionId!, state.promptId!)?.evaluations?.at(-1)?.result?.content === 'finished later',
        15_000,
      );
      assert.deepEqual(await posts(), { sessions: 1, prompts: 1, evaluations: 1 });
    });

    it('explains a failed evaluation and a missing sign-in with the action to take', async () => {
      await emulator.answer({ match: 'capacity', type: 'capacityExceeded', content: '' });
      const capacity = await turn(a, request('capacity check'));
      assert.match(capacity.stream.text('markdown'), /No answer \(capacityExceeded\)\..*capacity \(SCUs\)/s);
      assert.ok(capacity.state.sessionId);

      await emulator.fault({ kind: 'unauthorized', count: 10 });
      const denied = await turn(a, request('anything'), history(capacity.result));
      assert.match(denied.stream.text('markdown'), /Security Copilot could not answer\..*Sign in/s);
      assert.ok(denied.stream.buttons().some((c) => c.command === 'securityCopilot.signIn'));
      assert.ok(denied.result.errorDetails?.message);
      await emulator.clearFaults();
    });
  });

  describe('read-only mode', () => {
    afterEach(async () => {
      await vscode.workspace.getConfiguration('securityCopilot').update('auth.access', undefined, vscode.ConfigurationTarget.Global);
      await waitFor('read/write again', () => !a.copilot.readOnly);
    });

    it('an ask from chat or a tool is refused with the setting to change; reading still works', async () => {
      await vscode.workspace.getConfiguration('securityCopilot').update('auth.access', 'readOnly', vscode.ConfigurationTarget.Global);
      await waitFor('read-only mode', () => a.copilot.readOnly);
      const chat = await turn(a, request('anything'));
      assert.match(chat.stream.text('markdown'), /Not sent\..*read-only mode.*readWrite/s);
      assert.ok(chat.stream.buttons().some((c) => c.command === 'workbench.action.openSettings'));
      const token = new vscode.CancellationTokenSource().token;
      await assert.rejects(
        Promise.resolve(vscode.lm.invokeTool(TOOL_NAMES.ask, { input: { question: 'anything' }, toolInvocationToken: undefined }, token)),
        /read-only mode/,
      );
      assert.deepEqual(await posts(), { sessions: 0, prompts: 0, evaluations: 0 });
    });
  });

  describe('off switch', () => {
    afterEach(async () => {
      await vscode.workspace.getConfiguration('securityCopilot').update('chat.enabled', undefined, vscode.ConfigurationTarget.Global);
    });

    it('securityCopilot.chat.enabled=false unregisters the tools and the participant answers that it is off', async () => {
      await vscode.workspace.getConfiguration('securityCopilot').update('chat.enabled', false, vscode.ConfigurationTarget.Global);
      // vscode.lm.tools lists every contributed tool (the manifest's `when` hides them in chat's tool picker);
      // with the setting off no implementation is registered, so an invocation is refused.
      await waitFor('the tools to be unregistered', async () => {
        try {
          await vscode.lm.invokeTool(TOOL_NAMES.list, { input: {}, toolInvocationToken: undefined });
          return false;
        } catch (e) {
          return /does not have an implementation registered/.test(String(e));
        }
      });
      const off = await turn(a, request('anything'));
      assert.match(off.stream.text('markdown'), /turned off/);
      assert.deepEqual(await posts(), { sessions: 0, prompts: 0, evaluations: 0 });
      await vscode.workspace.getConfiguration('securityCopilot').update('chat.enabled', undefined, vscode.ConfigurationTarget.Global);
      await waitFor('the tools to come back', async () => {
        try {
          return !!(await vscode.lm.invokeTool(TOOL_NAMES.list, { input: {}, toolInvocationToken: undefined }));
        } catch {
          return false;
        }
      });
    });
  });
});
