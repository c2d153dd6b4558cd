// Working in a session in the real workbench: hostile answers stay inert, ask about an editor selection (preview
// and edit before anything is sent), export to Markdown, and what the user sees when Graph fails.
import * as assert from 'node:assert/strict';
import {
  type Workbench,
  clickDialogButton,
  closeQuickInput,
  emulator,
  openView,
  openWorkbench,
  pickQuickItem,
  quickInputAccept,
  quickInputMessage,
  quickInputType,
  runCommand,
  screenshot,
  securityCopilotView,
  sessionTreeRow,
  waitForDialog,
  waitForQuickInput,
} from './harness';
import { askInPanel, createSessionFromPalette, graphCalls, sessionPanel, signInFromWelcomeView, waitForQuickPickTitled } from './flows';

describe('Working in a session: safety, selection, export, errors', function () {
  this.timeout(120_000);
  let wb: Workbench;
  const name = `E2E work ${Date.now() % 100000}`;

  before(async () => {
    await emulator.clearFaults();
    wb = await openWorkbench();
    await signInFromWelcomeView(wb.page);
    await createSessionFromPalette(wb.page, name);
  });
  after(async () => {
    await wb?.close();
  });

  it('renders an answer with hostile HTML and javascript: links inert (no script, no navigation)', async () => {
    const page = wb.page;
    await emulator.answer({
      match: 'hostile',
      content: [
        '# Report <script>parent.postMessage("pwned","*");document.title="pwned"</script>',
        '<img src=x onerror="document.body.dataset.pwned=1">',
        '[click me](javascript:document.body.dataset.pwned=2)',
        '<a href="javascript:alert(1)">raw link</a> <iframe src="https://evil.example"></iframe>',
        'A safe link: [docs](https://learn.microsoft.com/security-copilot/)',
      ].join('\n\n'),
    });
    const frame = await sessionPanel(page, name);
    await askInPanel(frame, 'Render this hostile answer');
    const answer = frame.locator('article.prompt', { hasText: 'hostile answer' }).locator('.answer');
    assert.equal(await answer.locator('script, img, iframe, [onerror]').count(), 0);
    assert.match(await answer.innerText(), /<script>parent\.postMessage/, 'raw HTML is shown as text');
    await answer.getByText('click me').click().catch(() => undefined);
    const pwned = await frame.locator('body').evaluate((b) => (b as HTMLElement).dataset.pwned ?? null);
    assert.equal(pwned, null);
    assert.notEqual(await frame.locator('title').innerText().catch(() => ''), 'pwned');
    // The https link goes through the extension, and VS Code asks before opening an external site.
    await answer.locator('a[data-href]', { hasText: 'docs' }).click();
    const message = await waitForDialog(page);
    assert.match(message, /learn\.microsoft\.com/);
    await screenshot(page, 'hostile-answer-link-confirm');
    await clickDialogButton(page, 'Cancel');
  });

  it('asks about the editor selection: shows exactly what will be sent, lets the user edit, sends once', async () => {
    const page = wb.page;
    await page.keyboard.press('Control+P');
    await quickInputType(page, 'signin-logs.txt');
    await pickQuickItem(page, 'signin-logs.txt');
    const editor = page.locator('.part.editor .monaco-editor').first();
    await editor.waitFor();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    await runCommand(page, 'Security Copilot: Ask Security Copilot About Selection');
    await waitForQuickPickTitled(page, 'Ask Security Copilot About Selection');
    await pickQuickItem(page, name);
    const frame = await sessionPanel(page, name);
    const input = frame.locator('#prompt-input');
    await frame.locator('.draft-note', { hasText: 'nothing is sent until you press Send' }).waitFor({ timeout: 10_000 });
    const draft = await input.inputValue();
    assert.match(draft, /^Explain the following excerpt from signin-logs\.txt, lines 1–\d+/);
    // The log line with a leaked token is shown masked, and the note says so.
    assert.ok(draft.includes('header="Authorization: Bearer [REDACTED:JWT]"'), 'the token is masked in the draft');
    assert.ok(!draft.includes('eyJhbGciOiJub25lIn0'), 'the token itself is not in the draft');
    await frame.locator('.draft-note', { hasText: '1 secret was masked (JWT)' }).waitFor();
    await screenshot(page, 'ask-about-selection-preview');
    assert.equal((await graphCalls('POST', /\/prompts$/)).filter((r) => JSON.stringify(r.body).includes('signin-logs')).length, 0, 'nothing sent yet');
    await input.fill(`${draft}\n\nFocus on 203.0.113.7.`);
    await emulator.clearRequests();
    await frame.locator('#send-button').click();
    const article = frame.locator('article.prompt', { hasText: 'Focus on 203.0.113.7.' });
    await article.locator('.evaluation.latest .state[data-state="completed"]').waitFor({ timeout: 30_000 });
    const posts = await graphCalls('POST', /\/prompts$/);
    assert.equal(posts.length, 1);
    const content = (posts[0].body as { content: string }).content;
    assert.match(content, /signin-logs\.txt/);
    assert.match(content, /Focus on 203\.0\.113\.7\.$/);
    assert.ok(!content.includes('eyJhbGciOiJub25lIn0'), 'Graph never received the token');
  });

  it('masks the secrets of an env file and keeps the evidence; Graph never receives a secret', async () => {
    const page = wb.page;
    const secrets = ['Tr0ub4dor&3', 'Zqx8Q~abcdEFGH', 'sk-demo-0a1b2c3d', 'Q2hhbmdlTWVOb3dQbGVhc2Ux', 'correct horse battery staple', 's3cr3t-pw'];
    await page.keyboard.press('Control+P');
    await quickInputType(page, 'web01.env');
    await pickQuickItem(page, 'web01.env');
    const editor = page.locator('.part.editor .monaco-editor').first();
    await editor.locator('.view-lines', { hasText: 'DB_PASSWORD' }).waitFor();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    await runCommand(page, 'Security Copilot: Ask Security Copilot About Selection');
    await waitForQuickPickTitled(page, 'Ask Security Copilot About Selection');
    await pickQuickItem(page, name);
    const frame = await sessionPanel(page, name);
    const note = frame.locator('.draft-note', { hasText: 'web01.env' });
    await note.waitFor({ timeout: 15_000 });
    assert.match(await note.innerText(), /6 secrets were masked \(password, Entra client secret, key\)/);
    const draft = await frame.locator('#prompt-input').inputValue();
    for (const secret of secrets) assert.ok(!draft.includes(secret), `${secret} is masked in the draft`);
    for (const kept of [
      'DB_PASSWORD=[REDACTED:password]',
      'DB_HOST=db01.contoso.local',
      'SharedAccessKeyName=send;SharedAccessKey=[REDACTED:key]',
      '"user": "alerts", "password": "[REDACTED:password]"',
      'PWD=/home/svc_backup ; USER=root ; COMMAND=/usr/bin/env MYSQL_PWD=[REDACTED:password] mysqldump orders',
    ]) {
      assert.ok(draft.includes(kept), `the draft keeps ${kept}`);
    }
    await screenshot(page, 'ask-about-selection-masked-env');
    await emulator.clearRequests();
    await frame.locator('#send-button').click();
    await frame.locator('article.prompt', { hasText: 'web01.env' }).locator('.evaluation.latest .state[data-state="completed"]').waitFor({ timeout: 30_000 });
    const posts = await graphCalls('POST', /\/prompts$/);
    assert.equal(posts.length, 1);
    const sent = JSON.stringify(posts[0].body);
    assert.match(sent, /PWD=\/home\/svc_backup/);
    for (const secret of secrets) assert.ok(!sent.includes(secret), `Graph never received ${secret}`);
  });

  it('re-runs a prompt from the panel and keeps the previous answer', async () => {
    const page = wb.page;
    const frame = await sessionPanel(page, name);
    const article = frame.locator('article.prompt', { hasText: 'hostile answer' });
    await emulator.clearRequests();
    await article.locator('.evaluation.latest button', { hasText: 'Re-run' }).click();
    await article.locator('details.previous-answers summary', { hasText: 'Previous answers (1)' }).waitFor({ timeout: 20_000 });
    await article.locator('.evaluation.latest .state[data-state="completed"]').waitFor({ timeout: 20_000 });
    assert.equal((await graphCalls('POST', /\/evaluations$/)).length, 1);
    assert.equal((await graphCalls('POST', /\/prompts$/)).length, 0, 're-run makes no new prompt');
  });

  it("renames from the panel's Rename button", async () => {
    const page = wb.page;
    const frame = await sessionPanel(page, name);
    await frame.locator('.header-actions button', { hasText: 'Rename' }).click();
    await waitForQuickInput(page);
    await quickInputType(page, `${name} v2`);
    await quickInputAccept(page);
    await frame.locator('#session-title', { hasText: `${name} v2` }).waitFor({ timeout: 15_000 });
    await sessionTreeRow(page, `${name} v2`).waitFor({ timeout: 15_000 });
    await page.locator('.part.editor .tabs-container .tab', { hasText: `${name} v2` }).waitFor();
    // Rename back so the later tests find it by its name.
    await frame.locator('.header-actions button', { hasText: 'Rename' }).click();
    await waitForQuickInput(page);
    await quickInputType(page, name);
    await quickInputAccept(page);
    await frame.locator('#session-title', { hasText: new RegExp(`^${name}$`) }).waitFor({ timeout: 15_000 });
  });

  it('asks about the selection in a new session named after the file', async () => {
    const page = wb.page;
    await page.locator('.part.editor .tabs-container .tab', { hasText: 'signin-logs.txt' }).click();
    const editor = page.locator('.part.editor .monaco-editor').first();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await runCommand(page, 'Security Copilot: Ask Security Copilot About Selection');
    await waitForQuickPickTitled(page, 'Ask Security Copilot About Selection');
    await pickQuickItem(page, 'New session…');
    await waitForQuickInput(page);
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await page.waitForFunction(() => (document.querySelector('.quick-input-widget .quick-input-box input') as HTMLInputElement | null)?.value);
    const suggested = await box.inputValue();
    assert.equal(suggested, 'About signin-logs.txt, lines 1–2');
    await emulator.clearRequests();
    await quickInputAccept(page);
    const frame = await sessionPanel(page, suggested);
    await frame.locator('.draft-note', { hasText: 'From signin-logs.txt, lines 1–2' }).waitFor({ timeout: 10_000 });
    assert.match(await frame.locator('#prompt-input').inputValue(), /^Explain the following excerpt from signin-logs\.txt, lines 1–2/);
    assert.equal((await graphCalls('POST', /\/sessions$/)).length, 1);
    assert.equal((await graphCalls('POST', /\/prompts$/)).length, 0, 'nothing sent until Send');
  });

  it('a draft sent while the panel was hidden is not offered again when the user comes back', async () => {
    const page = wb.page;
    const title = 'About signin-logs.txt, lines 1–2';
    const frame = await sessionPanel(page, title);
    await emulator.fault({ kind: 'delay', delayMs: 2000, count: 1, method: 'POST', path: '/prompts' });
    await frame.locator('#send-button').click();
    // Switch away at once: the panel's webview is torn down while the prompt is being created.
    await page.getByRole('tab', { name: 'signin-logs.txt', exact: true }).click();
    await emulator.waitForRequest((r) => r.method === 'POST' && r.path.endsWith('/prompts') && r.status === 201);
    await page.waitForTimeout(500);
    const back = await sessionPanel(page, title);
    await back.locator('article.prompt', { hasText: 'Explain the following excerpt' }).waitFor({ timeout: 15_000 });
    assert.equal(await back.locator('#prompt-input').inputValue(), '', 'the sent text is not left in the prompt box');
    assert.equal((await graphCalls('POST', /\/prompts$/)).length, 1);
  });

  it('exports the session to a Markdown editor', async () => {
    const page = wb.page;
    await runCommand(page, 'Security Copilot: Export Session as Markdown');
    await waitForQuickPickTitled(page, 'Export Session as Markdown');
    await pickQuickItem(page, name);
    await pickQuickItem(page, 'Open in a new editor');
    const editor = page.locator('.part.editor .monaco-editor .view-lines').first();
    await editor.filter({ hasText: `# ${name}` }).waitFor({ timeout: 20_000 });
    const text = (await editor.innerText()).replace(/\u00a0/g, ' '); // Monaco renders spaces as NBSP
    assert.match(text, /Session ID/);
    assert.match(text, /Prompt 1/);
    await screenshot(page, 'export-markdown');
  });

  it('refuses an invalid pasted session id before any request, and explains an unknown one', async () => {
    const page = wb.page;
    await emulator.clearRequests();
    await runCommand(page, 'Security Copilot: Open Session');
    await waitForQuickPickTitled(page, 'Open Session');
    await quickInputType(page, 'not-in-the-list');
    await pickQuickItem(page, 'Open by session ID…');
    // Wait for the ID input box itself, not the quick pick it replaces.
    await quickInputMessage(page).filter({ hasText: 'Paste the ID of a Security Copilot session' }).waitFor({ timeout: 10_000 });
    await quickInputType(page, '../sessions/x?y');
    await quickInputMessage(page).filter({ hasText: /Session ID/ }).waitFor({ timeout: 5_000 });
    await screenshot(page, 'open-by-id-validation');
    assert.equal((await graphCalls('GET', /\/sessions\/.+/)).length, 0);
    await quickInputType(page, '00000000-0000-4000-8000-00000000abcd');
    await quickInputAccept(page);
    const frame = await sessionPanel(page, /Security Copilot session|00000000/);
    await frame.locator('.banner.error', { hasText: /not found|does not exist|404/i }).waitFor({ timeout: 15_000 });
    await closeQuickInput(page);
  });

  it('shows a failing list as a tree row with a retry action, and recovers', async () => {
    const page = wb.page;
    await emulator.fault({ kind: 'status', status: 500, count: 1, method: 'GET', path: '/sessions' });
    await openView(page);
    await runCommand(page, 'Security Copilot: Refresh Sessions');
    const errorRow = securityCopilotView(page).locator('.monaco-list-row', { hasText: 'click to retry' }).first();
    await errorRow.waitFor({ timeout: 20_000 });
    await screenshot(page, 'tree-error-row');
    await errorRow.click();
    await sessionTreeRow(page, name).waitFor({ timeout: 20_000 });
  });

  it('retries a throttled create after Retry-After, creating exactly one session', async () => {
    const page = wb.page;
    await emulator.clearRequests();
    await emulator.fault({ kind: 'status', status: 429, retryAfter: '1', count: 1, method: 'POST', path: '/sessions' });
    const throttled = `E2E throttled ${Date.now() % 100000}`;
    await createSessionFromPalette(page, throttled);
    await sessionPanel(page, throttled); // its panel opens and takes focus
    const posts = await graphCalls('POST', /\/sessions$/);
    assert.deepEqual(posts.map((p) => p.status), [429, 201]);
  });

  it('a create that fails ambiguously is reported and never repeated', async () => {
    const page = wb.page;
    await emulator.clearRequests();
    await emulator.fault({ kind: 'status', status: 503, count: 1, method: 'POST', path: '/sessions' });
    await runCommand(page, 'Security Copilot: Create Copilot Session');
    await quickInputType(page, 'E2E never twice');
    await quickInputAccept(page);
    await page.locator('.notifications-toasts .notification-toast', { hasText: /Could not create the session/ }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'create-failed-notification');
    assert.equal((await graphCalls('POST', /\/sessions$/)).length, 1);
  });
});
