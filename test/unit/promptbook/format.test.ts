import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fillPlaceholders, parseBook, placeholders, serializeBook, type Book } from '../../../src/promptbook/format';
import { readFrontMatter } from '../../../src/promptbook/frontMatter';

const roundTrip = (text: string): string => serializeBook(parseBook(text));
const kinds = (book: Book): string[] => book.cells.map((c) => c.kind);

// The repository's example promptbooks (compiled tests run from out/test/unit/promptbook).
const EXAMPLES = path.resolve(__dirname, '../../../../docs/promptbooks');

describe('promptbook format', () => {
  it('reads front matter, Markdown notes and prompt cells in order', () => {
    const text = [
      '---',
      'title: Triage',
      'inputs:',
      '  host: The device name',
      '---',
      '',
      '# Notes',
      '',
      '```prompt',
      'Summarize alerts on {{host}}.',
      '```',
      '',
      'Then:',
      '',
      '```prompt',
      'What should I do next?',
      '```',
      '',
    ].join('\n');
    const book = parseBook(text);
    assert.deepEqual(kinds(book), ['frontMatter', 'markdown', 'prompt', 'markdown', 'prompt']);
    assert.equal(book.cells[0].text, 'title: Triage\ninputs:\n  host: The device name');
    assert.equal(book.cells[1].text, '# Notes');
    assert.equal(book.cells[2].text, 'Summarize alerts on {{host}}.');
    assert.equal(book.cells[3].text, 'Then:');
    assert.equal(book.cells[4].text, 'What should I do next?');
    assert.equal(roundTrip(text), text);
  });

  it('keeps other code blocks, longer and tilde fences, and fences nested in them as Markdown', () => {
    const text = [
      '# Hunting',
      '',
      '```kql',
      'SigninLogs | take 10',
      '```',
      '',
      '````markdown',
      'An example of a prompt block, not a prompt:',
      '```prompt',
      'not me',
      '```',
      '````',
      '',
      '~~~prompt',
      'A tilde prompt with ``` inside',
      '```',
      'still the prompt',
      '~~~',
      '',
      '`````prompt   extra info',
      'Five backticks',
      '`````',
      '',
      '```promptly',
      'not a prompt (another language)',
      '```',
      '> ```prompt',
      '> in a quote: Markdown',
      '> ```',
      '',
    ].join('\n');
    const book = parseBook(text);
    assert.deepEqual(kinds(book), ['markdown', 'prompt', 'prompt', 'markdown']);
    assert.ok(book.cells[0].text.includes('not me'));
    assert.equal(book.cells[1].text, 'A tilde prompt with ``` inside\n```\nstill the prompt');
    assert.equal(book.cells[2].text, 'Five backticks');
    assert.ok(book.cells[3].text.startsWith('```promptly'));
    assert.equal(roundTrip(text), text);
  });

  it('keeps CRLF line ends, a BOM, a missing final newline and extra blank lines', () => {
    const text = '\uFEFF---\r\ntitle: x # a comment\r\n---\r\n\r\n\r\nIntro\r\n\r\n\r\n```prompt\r\nHi {{a}}\r\n```\r\n\r\n\r\nEnd';
    const book = parseBook(text);
    assert.deepEqual(kinds(book), ['frontMatter', 'markdown', 'prompt', 'markdown']);
    assert.equal(book.cells[2].text, 'Hi {{a}}');
    assert.equal(roundTrip(text), text);
  });

  it('is lossless on odd Markdown (unclosed fences, indented fences, empty prompts, lone ---)', () => {
    const samples = [
      '',
      '\n',
      'just text',
      '---\nnot closed front matter\n',
      '---\n---\n',
      '```prompt\n```\n',
      '```prompt\n\n\nspaced\n\n```\n',
      '  ```prompt\n  indented two\n    four\n\n  ```\n',
      '  ```prompt\n less indented line\n  ```\n',
      'text\n```prompt\nunclosed runs to the end\n',
      '```prompt\na\n```\n```prompt\nb\n```',
      '    ```prompt\n    indented code block, not a fence\n    ```\n',
      '<!-- html -->\n\n```prompt\nx\n```\n\n\n\n',
      '---\ntitle: "a"\n...\nbody\n',
      'a\r\nb\nmixed\r\n',
    ];
    for (const s of samples) assert.equal(roundTrip(s), s, JSON.stringify(s));
  });

  it('writes new and edited cells as valid blocks, with a fence the prompt cannot close', () => {
    const book = parseBook('# Title\n\n```prompt\nold\n```\n');
    book.cells[1].text = 'Show this:\n```\ncode\n```';
    book.cells.push({ kind: 'markdown', text: 'A new note' }, { kind: 'prompt', text: 'New {{x}}' }, { kind: 'markdown', text: 'Another note' });
    book.cells.push({ kind: 'code', language: 'kql', text: 'SigninLogs' });
    const text = serializeBook(book);
    assert.equal(
      text,
      '# Title\n\n````prompt\nShow this:\n```\ncode\n```\n````\n\nA new note\n\n```prompt\nNew {{x}}\n```\n\nAnother note\n\n```kql\nSigninLogs\n```\n',
    );
    const again = parseBook(text);
    assert.deepEqual(kinds(again), ['markdown', 'prompt', 'markdown', 'prompt', 'markdown']);
    assert.equal(again.cells[1].text, 'Show this:\n```\ncode\n```');
  });

  it('two Markdown cells next to each other stay apart', () => {
    const book = parseBook('one\n');
    book.cells.push({ kind: 'markdown', text: 'two', layout: { blankBefore: 0 } });
    assert.equal(serializeBook(book), 'one\n\ntwo\n');
  });

  it('finds and fills {{inputs}}', () => {
    assert.deepEqual(placeholders('On {{host}} and {{ ip }} and {{host}}; not {{1x}} or {single}'), ['host', 'ip']);
    assert.equal(fillPlaceholders('On {{host}} / {{ ip }} / {{other}}', { host: 'SRV-1', ip: '10.0.0.1' }), 'On SRV-1 / 10.0.0.1 / {{other}}');
    assert.equal(fillPlaceholders('{{a}}', { a: '$& {{b}}' }), '$& {{b}}');
  });
});

describe('promptbook front matter', () => {
  it('reads title, description and inputs as a description or {description, default}', () => {
    const fm = readFrontMatter(
      [
        '# who maintains this: the SOC',
        'title: Suspicious sign-in',
        'description: Investigate one account',
        'tags: [identity]',
        'inputs:',
        '  upn: The account',
        '  days:',
        '    description: How far back',
        '    default: 7',
        '  bare:',
      ].join('\n'),
    );
    assert.deepEqual(fm.problems, []);
    assert.equal(fm.title, 'Suspicious sign-in');
    assert.equal(fm.description, 'Investigate one account');
    assert.deepEqual(fm.inputs, [
      { name: 'upn', description: 'The account' },
      { name: 'days', description: 'How far back', default: '7' },
      { name: 'bare' },
    ]);
  });

  it('reports bad YAML and misshapen entries with their line, and keeps the text', () => {
    const bad = 'title: [unclosed\ninputs:\n  a: b';
    const fm = readFrontMatter(bad);
    assert.ok(fm.problems.length > 0);
    assert.match(fm.problems[0].message, /^YAML: /);
    // Nothing is lost on save: the front matter is kept as written.
    const file = `---\n${bad}\n---\n\n\`\`\`prompt\nx\n\`\`\`\n`;
    assert.equal(roundTrip(file), file);

    const shapes = readFrontMatter('title: [1, 2]\ninputs:\n  "1bad": x\n  ok:\n    descripton: typo\n  list: [1]');
    assert.deepEqual(
      shapes.problems.map((p) => [p.line, p.message]),
      [
        [0, '`title` must be text.'],
        [2, 'Input name "1bad" is not usable as {{1bad}}: use letters, digits, _ . - (not starting with a digit).'],
        [4, 'Input "ok": unknown field "descripton" (use description and default).'],
        [5, 'Input "list" must be a description or {description, default}.'],
      ],
    );
    assert.deepEqual(readFrontMatter('- a\n- b').problems.map((p) => p.message), ['The front matter must be a map (title, description, inputs).']);
    assert.deepEqual(readFrontMatter('').inputs, []);
  });
});

describe('example promptbooks (docs/promptbooks)', () => {
  for (const file of ['phishing-triage.promptbook.md', 'suspicious-sign-in.promptbook.md']) {
    it(`${file}: parses, declares every input it uses, round-trips`, () => {
      const text = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
      const book = parseBook(text);
      assert.equal(roundTrip(text), text);
      assert.equal(book.cells[0].kind, 'frontMatter');
      const fm = readFrontMatter(book.cells[0].text);
      assert.deepEqual(fm.problems, []);
      assert.ok(fm.title);
      const used = new Set(book.cells.filter((c) => c.kind === 'prompt').flatMap((c) => placeholders(c.text)));
      assert.ok(book.cells.filter((c) => c.kind === 'prompt').length >= 3);
      assert.deepEqual([...used].sort(), fm.inputs.map((i) => i.name).sort());
      // The README shows the same file.
      const readme = fs.readFileSync(path.join(EXAMPLES, '..', '..', 'README.md'), 'utf8');
      assert.ok(readme.includes(`\`\`\`\`\`markdown\n${text}\`\`\`\`\``), `README.md embeds ${file} as it is`);
    });
  }
});
