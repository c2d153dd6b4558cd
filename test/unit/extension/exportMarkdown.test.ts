import * as assert from 'node:assert/strict';
import { exportFileName, sessionToMarkdown } from '../../../src/core/exportMarkdown';
import type { Evaluation, Prompt, Session } from '../../../src/graph';

const session: Session = {
  id: 'ecdfb9b3-58f5-457f-a18c-4a477890b252',
  displayName: 'API: who\nam I',
  createdDateTime: '2025-10-22T20:10:54.4940649Z',
  lastModifiedDateTime: '2025-10-22T20:53:40.2100304Z',
};
const prompt = (id: string, content: string, created: string): Prompt => ({
  id, type: 'prompt', content, createdDateTime: created, lastModifiedDateTime: created, skillName: null,
});
const evaluation = (id: string, created: string, content: string | null, type: 'success' | 'rejected' = 'success'): Evaluation => ({
  id, createdDateTime: created, runStartDateTime: created, completedDateTime: created, lastModifiedDateTime: created,
  state: 'completed', executionCount: 0, isCancelled: false, result: { content, type, previewState: 'ga' },
});

describe('session export to Markdown', () => {
  it('writes name, id, dates, every prompt in order and every answer with its state', () => {
    const md = sessionToMarkdown(
      session,
      [
        { prompt: prompt('p2', 'second question', '2025-10-22T21:00:00Z'), evaluations: [] },
        {
          prompt: prompt('p1', 'who am I\nreally', '2025-10-22T20:12:13.759634Z'),
          evaluations: [
            evaluation('e2', '2025-10-22T20:20:00Z', 'New **answer**'),
            evaluation('e1', '2025-10-22T20:12:57Z', null, 'rejected'),
          ],
        },
      ],
      'default',
      new Date('2025-10-23T08:00:00Z'),
    );
    assert.match(md, /^# API: who am I\n/);
    assert.ok(md.includes('| Session ID | `ecdfb9b3-58f5-457f-a18c-4a477890b252` |'));
    assert.ok(md.includes('| Created | 2025-10-22 20:10 UTC |'));
    assert.ok(md.includes('| Exported | 2025-10-23 08:00 UTC |'));
    assert.ok(md.indexOf('## Prompt 1') < md.indexOf('who am I\n> really') === false || md.includes('> who am I\n> really'));
    assert.ok(md.indexOf('> who am I') < md.indexOf('> second question'), 'prompts oldest first');
    assert.ok(md.includes('### Answer 1 of 2'));
    assert.ok(md.indexOf('`e1`') < md.indexOf('`e2`'), 'answers oldest first');
    assert.ok(md.includes('result `rejected`'));
    assert.ok(md.includes('New **answer**'));
    assert.ok(md.includes('*No answer: this prompt was never evaluated.*'));
  });

  it('names untitled sessions and makes safe file names', () => {
    const untitled = { ...session, displayName: null };
    assert.match(sessionToMarkdown(untitled, [], 'default'), /^# Untitled session/);
    assert.equal(exportFileName(untitled), 'session-ecdfb9b3.md');
    assert.equal(exportFileName({ ...session, displayName: 'a/b:c*?' }), 'a-b-c-.md');
  });
});
