import * as assert from 'node:assert/strict';
import { parseBook, placeholders } from '../../../src/promptbook/format';
import { findRepeatedLiterals, promptbookFileName, promptbookFromSession, replaceLiterals } from '../../../src/promptbook/fromSession';
import { readFrontMatter } from '../../../src/promptbook/frontMatter';

const PROMPTS = [
  'Summarize sign-ins of j.doe@contoso.com from 198.51.100.7 in the last day.',
  'What do you know about 198.51.100.7? Also check SRV-DB01.',
  'Did J.Doe@contoso.com create inbox rules? Is incident 4711 related to SRV-DB01?',
  'Close incident #4711 if j.doe@contoso.com is safe; 10.0.0.1 appears once only.',
];

describe('Save Session as Promptbook (core)', () => {
  it('finds literals that repeat across prompts, most frequent first, with input names', () => {
    const found = findRepeatedLiterals(PROMPTS).map((l) => [l.kind, l.value, l.count, l.name]);
    assert.deepEqual(found, [
      ['account', 'j.doe@contoso.com', 3, 'account'],
      ['ip', '198.51.100.7', 2, 'ip'],
      ['host', 'SRV-DB01', 2, 'host'],
      ['incident', '4711', 2, 'incident'],
    ]);
    // An e-mail's domain is not a host; a value seen once is not offered.
    assert.ok(!findRepeatedLiterals(PROMPTS).some((l) => l.value === 'contoso.com' || l.value === '10.0.0.1'));
  });

  it('writes a promptbook whose front matter declares the chosen inputs and whose prompts use them', () => {
    const literals = findRepeatedLiterals(PROMPTS).filter((l) => l.kind !== 'host');
    const text = promptbookFromSession({ title: 'Sign-in: "j.doe"\nfollow-up', sessionId: 'abc', prompts: [...PROMPTS, 'Show ```code``` and\n```\nfence\n```'], inputs: literals });
    const book = parseBook(text);
    const fm = readFrontMatter(book.cells[0].text);
    assert.deepEqual(fm.problems, []);
    assert.equal(fm.title, 'Sign-in: "j.doe"\nfollow-up');
    assert.deepEqual(fm.inputs.map((i) => i.name), ['account', 'ip', 'incident']);
    const prompts = book.cells.filter((c) => c.kind === 'prompt').map((c) => c.text);
    assert.equal(prompts.length, 5);
    assert.equal(prompts[0], 'Summarize sign-ins of {{account}} from {{ip}} in the last day.');
    assert.equal(prompts[2], 'Did {{account}} create inbox rules? Is incident {{incident}} related to SRV-DB01?');
    assert.equal(prompts[3], 'Close incident #{{incident}} if {{account}} is safe; 10.0.0.1 appears once only.');
    assert.equal(prompts[4], 'Show ```code``` and\n```\nfence\n```');
    assert.deepEqual([...new Set(prompts.flatMap(placeholders))].sort(), ['account', 'incident', 'ip']);
  });

  it('replaces whole values only', () => {
    const [ip] = findRepeatedLiterals(['1.2.3.4', '1.2.3.4']);
    assert.equal(replaceLiterals('1.2.3.4 and 11.2.3.45 and 1.2.3.4.5 and 1.2.3.4.', [ip]), '{{ip}} and 11.2.3.45 and 1.2.3.4.5 and {{ip}}.');
  });

  it('names the file after the session', () => {
    assert.equal(promptbookFileName('Phishing: Triage – Contoso (2026)'), 'phishing-triage-contoso-2026.promptbook.md');
    assert.equal(promptbookFileName('!!!'), 'session.promptbook.md');
  });
});
