import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { Prompt } from '../../src/graph';
import { api, closeAllEditors, emulator, graphRequests, signIn, waitFor } from './helpers';

const PROMPTBOOK = [
  '---',
  'title: Host triage',
  'description: Three prompts about one host',
  'inputs:',
  '  host:',
  '    description: The device name',
  '    default: SRV-DB01',
  '  days: {description: How many days back, default: "3"}',
  '---',
  '',
  '# Host triage',
  '',
  '```prompt',
  'First: summarize alerts on {{host}} in the last {{days}} days.',
  '```',
  '',
  'A note between prompts, with a KQL block that is not a prompt:',
  '',
  '```kql',
  'DeviceEvents | take 1',
  '```',
  '',
  '```prompt',
  'Second: list processes on {{host}}.',
  '```',
  '',
  '```prompt',
  'Third: recommend next steps for {{host}}.',
  '```',
  '',
].join('\n');

interface Body {
  content?: string;
  displayName?: string;
}

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(f, 'the test workbench has a folder open');
  return f;
}

async function writeBook(name: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(folder(), 'promptbook-tests', `${name}-${Date.now()}.promptbook.md`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

async function openBook(uri: vscode.Uri): Promise<vscode.NotebookEditor> {
  const nb = await vscode.workspace.openNotebookDocument(uri);
  assert.equal(nb.notebookType, 'security-copilot-promptbook', 'a *.promptbook.md opens as a promptbook notebook');
  const editor = await vscode.window.showNotebookDocument(nb, { preview: false });
  const a = await api();
  await a.promptbooks.controller.ensureSelected(editor);
  return editor;
}

function promptCells(nb: vscode.NotebookDocument): vscode.NotebookCell[] {
  return nb.getCells().filter((c) => c.document.languageId === 'security-copilot-prompt');
}

function outputText(cell: vscode.NotebookCell): string {
  const item = cell.outputs[0]?.items[0];
  return item ? new TextDecoder().decode(item.data) : '';
}

/** Accepts the input boxes of a run as they come (their defaults are filled), for the given input names. */
async function acceptInputs(a: ExtensionApi, names: string[]): Promise<void> {
  for (const name of names) {
    await waitFor(`the input box for ${name}`, () => a.promptbooks.controller.askingInput === name);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
}

async function promptBodies(): Promise<string[]> {
  return (await graphRequests('POST', /\/prompts$/)).map((r) => (r.body as Body).content ?? '');
}

describe('Promptbooks (in the extension host)', function () {
  this.timeout(90_000);

  before(async () => {
    await signIn();
    await vscode.workspace.getConfiguration('securityCopilot').update('promptbooks.confirmRun', false, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('securityCopilot').update('promptbooks.confirmRun', undefined, vscode.ConfigurationTarget.Global);
    await closeAllEditors();
  });

  beforeEach(async () => {
    await closeAllEditors();
    await emulator.reset();
    await emulator.configure({ evaluation: { createdMs: 100, runningMs: 300 } });
  });

  it('opens as a notebook: front matter, notes and prompt cells; saving writes the template back unchanged', async () => {
    const uri = await writeBook('open', PROMPTBOOK);
    const editor = await openBook(uri);
    const nb = editor.notebook;
    assert.deepEqual(
      nb.getCells().map((c) => [c.kind === vscode.NotebookCellKind.Markup ? 'markdown' : c.document.languageId]),
      [['yaml'], ['markdown'], ['security-copilot-prompt'], ['markdown'], ['security-copilot-prompt'], ['security-copilot-prompt']],
    );
    assert.equal(promptCells(nb)[1].document.getText(), 'Second: list processes on {{host}}.');
    // Save an edit, then save its reverse: the file is the template again, byte for byte.
    const note = nb.cellAt(1).document;
    const insert = new vscode.WorkspaceEdit();
    insert.insert(note.uri, new vscode.Position(0, 0), 'x');
    await vscode.workspace.applyEdit(insert);
    const read = async (): Promise<string> => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    await nb.save();
    await waitFor('the edit saved', async () => (await read()).includes('\nx# Host triage\n'));
    const remove = new vscode.WorkspaceEdit();
    remove.delete(note.uri, new vscode.Range(0, 0, 0, 1));
    await vscode.workspace.applyEdit(remove);
    await nb.save();
    await waitFor('the reverse edit saved', async () => (await read()) === PROMPTBOOK);
  });

  it('Run All asks each input once, creates one session and sends the prompts in order with the inputs filled', async () => {
    const a = await api();
    const uri = await writeBook('run-all', PROMPTBOOK);
    const editor = await openBook(uri);
    const nb = editor.notebook;
    await emulator.clearRequests();
    const ran = vscode.commands.executeCommand('notebook.execute');
    await acceptInputs(a, ['host', 'days']);
    await ran;
    await waitFor('every prompt answered', () => promptCells(nb).every((c) => c.executionSummary?.success === true), 30_000);

    const sessions = await graphRequests('POST', /\/sessions$/);
    assert.equal(sessions.length, 1, 'exactly one session');
    assert.match((sessions[0].body as Body).displayName ?? '', /^Host triage – \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    assert.deepEqual(await promptBodies(), [
      'First: summarize alerts on SRV-DB01 in the last 3 days.',
      'Second: list processes on SRV-DB01.',
      'Third: recommend next steps for SRV-DB01.',
    ]);
    const evaluations = await graphRequests('POST', /\/evaluations$/);
    assert.equal(evaluations.length, 3, 'one evaluation per prompt');

    // Each prompt was sent after the previous answer completed, all in the run's session.
    const session = a.promptbooks.controller.runSession(nb.uri);
    assert.ok(session);
    assert.ok((await graphRequests('POST', /\/prompts$/)).every((r) => r.path.toLowerCase().includes(session.sessionId.toLowerCase())));
    const { client, workspaceId } = a.copilot;
    const prompts: Prompt[] = [];
    for await (const p of client.listPrompts(workspaceId, session.sessionId)) prompts.push(p);
    assert.equal(prompts.length, 3);
    for (let i = 0; i < prompts.length; i++) {
      const [evaluation] = await client.listEvaluations(workspaceId, session.sessionId, prompts[i].id);
      assert.equal(evaluation.state, 'completed');
      // The answer shows as the cell's output, as Markdown.
      const cell = promptCells(nb).find((c) => prompts[i].content?.startsWith(c.document.getText().slice(0, 5)));
      assert.ok(cell);
      assert.equal(cell.outputs[0].items[0].mime, 'text/markdown');
      assert.equal(outputText(cell), evaluation.result?.content);
      if (i + 1 < prompts.length) {
        assert.ok(Date.parse(evaluation.completedDateTime ?? '') <= Date.parse(prompts[i + 1].createdDateTime), `prompt ${i + 2} was sent after answer ${i + 1}`);
      }
    }
    // The values are remembered for this file: a second run offers them again (and makes a second session).
    await emulator.clearRequests();
    const again = vscode.commands.executeCommand('securityCopilot.runPromptbook', nb.uri, { inputs: { host: 'WS-FIN-014' } });
    await acceptInputs(a, ['days']);
    await again;
    assert.deepEqual(await promptBodies(), [
      'First: summarize alerts on WS-FIN-014 in the last 3 days.',
      'Second: list processes on WS-FIN-014.',
      'Third: recommend next steps for WS-FIN-014.',
    ]);
    assert.equal((await graphRequests('POST', /\/sessions$/)).length, 1);
    assert.notEqual(a.promptbooks.controller.runSession(nb.uri)?.sessionId, session.sessionId);
  });

  it('a failed result stops the run with the reason on that cell; the rest stay unrun', async () => {
    await emulator.answer({ match: 'Second:', type: 'error' });
    const uri = await writeBook('fails', PROMPTBOOK);
    const editor = await openBook(uri);
    const nb = editor.notebook;
    await emulator.clearRequests();
    await vscode.commands.executeCommand('securityCopilot.runPromptbook', uri, { inputs: { host: 'SRV-APP03', days: '1' } });
    const [first, second, third] = promptCells(nb);
    assert.equal(first.executionSummary?.success, true);
    assert.equal(second.executionSummary?.success, false);
    assert.match(outputText(second), /Error\.\*\* Security Copilot couldn't answer this prompt/);
    assert.match(outputText(second), /The rest of the promptbook was not run/);
    assert.notEqual(third.executionSummary?.success, true);
    assert.equal(third.outputs.length, 0);
    assert.equal((await promptBodies()).length, 2, 'the third prompt was never sent');
  });

  it('interrupt stops the running prompt (cancel, or stop following where cancel is refused) and runs nothing more', async () => {
    const a = await api();
    await emulator.answer({ match: 'First:', runningMs: 60_000 });
    const uri = await writeBook('interrupt', PROMPTBOOK);
    const editor = await openBook(uri);
    const nb = editor.notebook;
    await emulator.clearRequests();
    const run = vscode.commands.executeCommand('securityCopilot.runPromptbook', uri, { inputs: { host: 'SRV-DB01', days: '2' } });
    await emulator.waitForRequest((r) => r.method === 'POST' && /\/evaluations$/.test(r.path));
    await waitFor('the first cell to show the running state', () => /working on it|Starting/.test(outputText(promptCells(nb)[0])));
    await vscode.commands.executeCommand('notebook.cancelExecution');
    await run;
    await a.promptbooks.controller.whenIdle(uri);
    const [first, second] = promptCells(nb);
    assert.match(outputText(first), /Cancelled|Stopped following/);
    assert.notEqual(first.executionSummary?.success, true);
    assert.equal(second.outputs.length, 0);
    assert.equal((await promptBodies()).length, 1);
    // The engine no longer follows the evaluation for this run.
    await waitFor('no follower left', () => a.copilot.engine.activeFollowers === 0);
  });

  it('read-only mode: the notebook’s Run All and the command send nothing, ask no input and say why on the cell', async () => {
    const a = await api();
    const uri = await writeBook('read-only', PROMPTBOOK);
    const editor = await openBook(uri);
    const nb = editor.notebook;
    await vscode.workspace.getConfiguration('securityCopilot').update('auth.access', 'readOnly', vscode.ConfigurationTarget.Global);
    try {
      await waitFor('read-only mode', () => a.copilot.readOnly);
      await emulator.clearRequests();
      let asked: string | undefined;
      const watch = setInterval(() => (asked ??= a.promptbooks.controller.askingInput), 5);
      // The notebook's own Run All (its toolbar button), which no `when` clause can hide.
      await vscode.commands.executeCommand('notebook.execute');
      await waitFor('the first cell to end', () => promptCells(nb)[0].executionSummary?.success === false);
      await a.promptbooks.controller.whenIdle(uri);
      clearInterval(watch);
      const [first, second] = promptCells(nb);
      assert.match(outputText(first), /Nothing was sent: Security Copilot is in read-only mode.*readWrite/s);
      assert.equal(second.outputs.length, 0, 'the other cells are not touched');
      assert.equal(asked, undefined, 'no input box was shown');
      // The command (palette, explorer menu, another extension) is refused before it opens anything.
      assert.equal(await vscode.commands.executeCommand('securityCopilot.runPromptbook', uri, { inputs: { host: 'X', days: '1' } }), undefined);
      assert.equal(a.promptbooks.controller.runSession(nb.uri), undefined);
      assert.deepEqual(
        (await emulator.requests()).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`),
        [],
        'no write reached Graph',
      );
    } finally {
      await vscode.workspace.getConfiguration('securityCopilot').update('auth.access', undefined, vscode.ConfigurationTarget.Global);
      await waitFor('read/write again', () => !a.copilot.readOnly);
    }
  });

  it('runs one cell into the current run’s session, or into a new session when there is none', async () => {
    const a = await api();
    const uri = await writeBook('one-cell', PROMPTBOOK);
    const editor = await openBook(uri);
    const nb = editor.notebook;
    await emulator.clearRequests();
    // No run yet: a new session, and only the inputs that cell uses are asked.
    const second = promptCells(nb)[1];
    const ran = vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: second.index, end: second.index + 1 }], document: nb.uri });
    await acceptInputs(a, ['host']);
    await ran;
    await waitFor('the cell answered', () => second.executionSummary?.success === true, 30_000);
    assert.equal((await graphRequests('POST', /\/sessions$/)).length, 1);
    const session = a.promptbooks.controller.runSession(nb.uri);
    assert.ok(session);

    // Another cell goes into the same session, reusing the run's values.
    const third = promptCells(nb)[2];
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: third.index, end: third.index + 1 }], document: nb.uri });
    await waitFor('the cell answered', () => third.executionSummary?.success === true, 30_000);
    assert.equal((await graphRequests('POST', /\/sessions$/)).length, 1, 'no second session');
    const posts = await graphRequests('POST', /\/prompts$/);
    assert.deepEqual(posts.map((r) => (r.body as Body).content), ['Second: list processes on SRV-DB01.', 'Third: recommend next steps for SRV-DB01.']);
    assert.ok(posts.every((r) => r.path.toLowerCase().includes(session.sessionId.toLowerCase())));
  });

  it('bad YAML in the front matter: a clear error on that cell, nothing sent, nothing lost on save', async () => {
    const a = await api();
    const bad = PROMPTBOOK.replace('title: Host triage', 'title: [Host triage');
    const uri = await writeBook('bad-yaml', bad);
    const editor = await openBook(uri);
    const nb = editor.notebook;
    const problems = await waitFor('the front matter problem', () => {
      const d = a.promptbooks.problemsOf(nb);
      return d.length ? d : undefined;
    });
    assert.match(problems[0].message, /^YAML: .*Nothing runs until this is fixed/);
    assert.deepEqual(vscode.languages.getDiagnostics(nb.cellAt(0).document.uri).map((d) => d.source), problems.map(() => 'Security Copilot promptbook'));
    await emulator.clearRequests();
    await vscode.commands.executeCommand('securityCopilot.runPromptbook', uri, { inputs: { host: 'x', days: '1' } });
    assert.equal((await emulator.requests()).filter((r) => r.method === 'POST').length, 0, 'no request');
    // Edit a note and save: the front matter is written back as it was.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(nb.cellAt(1).document.uri, new vscode.Range(0, 0, 0, 0), 'Edited. ');
    await vscode.workspace.applyEdit(edit);
    await nb.save();
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), bad.replace('# Host triage', 'Edited. # Host triage'));
  });

  it('completes declared inputs in prompt cells', async () => {
    const uri = await writeBook('complete', PROMPTBOOK);
    const editor = await openBook(uri);
    const cell = promptCells(editor.notebook)[0];
    const edit = new vscode.WorkspaceEdit();
    edit.insert(cell.document.uri, new vscode.Position(0, 0), '{{');
    await vscode.workspace.applyEdit(edit);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', cell.document.uri, new vscode.Position(0, 2), '{');
    const ours = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Variable).map((i) => [typeof i.label === 'string' ? i.label : i.label.label, i.detail]);
    assert.deepEqual(ours.slice(0, 2), [
      ['host', 'The device name'],
      ['days', 'How many days back'],
    ]);
  });

  it('Save Session as Promptbook writes the session’s prompts with repeated values as inputs and opens it', async () => {
    const a = await api();
    const engine = a.copilot.engine;
    const session = await engine.createSession('Sign-in follow-up');
    await engine.ask(session.id, 'Summarize sign-ins of j.doe@contoso.com from 198.51.100.7.');
    await engine.ask(session.id, 'Is 198.51.100.7 known bad? Did j.doe@contoso.com change MFA?');
    const target = vscode.Uri.joinPath(folder(), 'promptbook-tests', `saved-${Date.now()}.promptbook.md`);
    const written = await vscode.commands.executeCommand<string>('securityCopilot.saveSessionAsPromptbook', session.id, { destination: target, inputs: 'all' });
    assert.equal(written, target.toString());
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.ok(text.startsWith('---\ntitle: "Sign-in follow-up"\n'));
    assert.ok(text.includes('inputs:\n  account: "Account (user principal name or e-mail address)"\n  ip: "IP address"\n'));
    assert.ok(text.includes('```prompt\nSummarize sign-ins of {{account}} from {{ip}}.\n```'));
    assert.ok(text.includes('```prompt\nIs {{ip}} known bad? Did {{account}} change MFA?\n```'));
    await waitFor('the promptbook to open', () => vscode.window.activeNotebookEditor?.notebook.uri.toString() === target.toString());
    assert.equal(promptCells(vscode.window.activeNotebookEditor!.notebook).length, 2);
  });
});
