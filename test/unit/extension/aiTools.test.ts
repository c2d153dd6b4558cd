import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { composeChatPrompt, maskedNote } from '../../../src/ai/attachments';
import { maskSecrets } from '../../../src/masking/load';
import {
  parseAskInput,
  parseListInput,
  parseTranscriptInput,
  sessionNameFor,
  suggestFollowups,
  TOOL_DEFINITIONS,
  ToolInputError,
} from '../../../src/ai/tools';
import { PROMPT_MAX_LENGTH } from '../../../src/graph';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

interface ManifestTool {
  name: string;
  modelDescription: string;
  inputSchema: unknown;
  when?: string;
}

describe('chat and agent tools', () => {
  it('package.json contributes exactly the tool definitions (names, model descriptions, schemas)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { languageModelTools: ManifestTool[]; chatParticipants: { id: string; commands: { name: string }[] }[] };
    };
    const tools = manifest.contributes.languageModelTools;
    assert.deepEqual(
      tools.map((t) => [t.name, t.modelDescription, t.inputSchema]),
      TOOL_DEFINITIONS.map((d) => [d.name, d.description, d.inputSchema]),
    );
    for (const t of tools) assert.match(t.name, /^securityCopilot_[a-z]+_[a-z]+$/);
    assert.deepEqual(
      manifest.contributes.chatParticipants[0].commands.map((c) => c.name),
      ['new', 'session', 'sessions', 'export', 'send'],
    );
  });

  it('checks ask input before any request', () => {
    assert.deepEqual(parseAskInput({ question: '  Who is j.doe?  ' }), { question: 'Who is j.doe?', sessionId: undefined });
    assert.throws(() => parseAskInput({}), ToolInputError);
    assert.throws(() => parseAskInput({ question: '   ' }), /can't be empty/);
    assert.throws(() => parseAskInput({ question: 'x'.repeat(PROMPT_MAX_LENGTH + 1) }), /too long/);
    assert.throws(() => parseAskInput({ question: 'q', sessionId: '../x y' }), /sessionId/);
    assert.throws(() => parseAskInput({ question: 'q', extra: 1 }), /Unknown input "extra"/);
    assert.throws(() => parseAskInput('q'), /JSON object/);
  });

  it('checks list and transcript input', () => {
    assert.deepEqual(parseListInput(undefined), { filter: undefined, top: 10 });
    assert.deepEqual(parseListInput({ filter: ' phish ', top: 3 }), { filter: 'phish', top: 3 });
    assert.throws(() => parseListInput({ top: 0 }), /integer from 1 to 50/);
    assert.throws(() => parseListInput({ top: 2.5 }), /integer/);
    assert.throws(() => parseTranscriptInput({}), /"sessionId" is required/);
    assert.deepEqual(parseTranscriptInput({ sessionId: 'abc', lastPrompts: 2 }), { sessionId: 'abc', lastPrompts: 2 });
  });

  it('names a session from the first line of the question', () => {
    assert.equal(sessionNameFor('\n  Summarize incident 42\nwith details'), 'Summarize incident 42');
    assert.equal(sessionNameFor('x'.repeat(300)).length, 80);
  });

  it('suggests follow-ups the answer offers, else generic next steps', () => {
    assert.deepEqual(suggestFollowups('Found 3.\n\nWould you like me to list the users?\n- Should I check their devices?'), [
      'Would you like me to list the users?',
      'Should I check their devices?',
    ]);
    assert.equal(suggestFollowups('No findings.').length, 2);
  });

  it('masks attachments before the review, keeps indicators, and fences them', async () => {
    const r = await composeChatPrompt('Is this suspicious?', [
      { source: 'app.log, line 3', text: 'from 203.0.113.7 password=hunter22 ```', languageId: 'log' },
      { source: 'hunt.kql', text: 'SigninLogs | take 10', languageId: 'kql' },
    ], maskSecrets);
    assert.ok(r.prompt.startsWith('Is this suspicious?\n\nAttached from app.log, line 3:\n````log\n'));
    assert.ok(!r.prompt.includes('hunter22'));
    assert.ok(r.prompt.includes('203.0.113.7'));
    assert.ok(r.prompt.includes('```kql\nSigninLogs | take 10\n```'));
    assert.equal(r.maskedCount, 1);
    assert.equal(maskedNote(r.maskedCount, r.maskedKinds), '1 secret was masked (password).');
    assert.equal(r.cutChars, 0);
  });

  it('keeps attachments within the selection limit', async () => {
    const r = await composeChatPrompt('q', [{ source: 'big.txt', text: 'a'.repeat(20_000) }], maskSecrets);
    assert.ok(r.cutChars > 0);
    assert.ok(r.prompt.length <= PROMPT_MAX_LENGTH);
    assert.match(r.prompt, /big\.txt \(cut to fit\)/);
  });
});
