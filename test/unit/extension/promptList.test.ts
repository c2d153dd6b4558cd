// The panel's prompt list in jsdom: which prompts are in the DOM for a long session, spacers for the rest,
// one prompt re-rendered on change, focus kept. (jsdom has no layout: every prompt counts as the 240 px
// estimate, which makes the window deterministic. The real panel is tested in Chromium: panel1000.e2e.ts.)
import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { FILL_CHUNK, FULL_RENDER_LIMIT, MAX_RENDERED, PromptList, chooseRange, indexAt } from '../../../src/webview/promptList';
import type { PromptView } from '../../../src/shared/protocol';

function prompt(i: number, answer = `Answer ${i}`): PromptView {
  return {
    id: `p${i}`,
    content: `Question ${i}`,
    createdDateTime: '2025-01-01T00:00:00Z',
    follow: 'idle',
    evaluations: [{ id: `e${i}`, state: 'completed', createdDateTime: '2025-01-01T00:00:01Z', runStartDateTime: null, completedDateTime: null, content: answer, outcome: null }],
  };
}

function setup() {
  const dom = new JSDOM('<!DOCTYPE html><body><section class="prompts"></section></body>', { pretendToBeVisual: true });
  const doc = dom.window.document;
  const container = doc.querySelector('section') as HTMLElement;
  let renders = 0;
  const list = new PromptList({
    container,
    render: (p) => {
      renders++;
      const a = doc.createElement('article');
      a.className = 'prompt';
      a.dataset.promptId = p.id;
      a.textContent = p.content;
      const ev = p.evaluations?.at(-1);
      const b = doc.createElement('button');
      b.textContent = 'Re-run';
      if (ev) b.dataset.evaluationId = ev.id;
      a.append(b, doc.createTextNode(ev?.content ?? ''));
      return a;
    },
  });
  const articles = () => Array.from(container.querySelectorAll<HTMLElement>('article'));
  const spacers = () => Array.from(container.querySelectorAll<HTMLElement>('.prompt-spacer'));
  /** Animation frames until a session rendered in full has every prompt in the DOM (the count is returned). */
  const filled = async (): Promise<number> => {
    let frames = 0;
    while (spacers().length) {
      await new Promise((r) => dom.window.requestAnimationFrame(r));
      assert.ok(++frames < 100, 'every prompt rendered within 100 frames');
    }
    return frames;
  };
  return { dom, doc, container, list, articles, spacers, filled, renders: () => renders };
}

describe('panel prompt list', () => {
  it('indexAt and chooseRange: the prompts around the view, kept while they still cover it, capped', () => {
    const tops = Array.from({ length: 1001 }, (_, i) => i * 100); // 1,000 prompts of 100 px
    assert.equal(indexAt(tops, 0), 0);
    assert.equal(indexAt(tops, 150), 1);
    assert.equal(indexAt(tops, 1e9), 999);
    const r = chooseRange(tops, 50_000, 50_800, undefined, 60);
    assert.ok(r.start <= 500 && r.end >= 508, 'covers the view');
    assert.ok(r.end - r.start <= 60);
    assert.deepEqual(chooseRange(tops, 50_100, 50_900, r, 60), r, 'a small scroll keeps the range');
    const far = chooseRange(tops, 90_000, 90_800, r, 60);
    assert.ok(far.start <= 900 && far.end >= 908);
    assert.deepEqual(chooseRange(tops, 0, 800, undefined, 60).start, 0);
    assert.deepEqual(chooseRange(tops, 99_200, 100_000, undefined, 60).end, 1000);
    // Tiny prompts (160 in view): the cap wins, centred on the view.
    const tiny = Array.from({ length: 1001 }, (_, i) => i * 5);
    const capped = chooseRange(tiny, 2_500, 3_300, undefined, 60);
    assert.deepEqual(capped, { start: 550, end: 610 });
  });

  it(`renders every prompt up to ${FULL_RENDER_LIMIT}: the newest screens at once, the older prompts ${FILL_CHUNK} a frame`, async () => {
    const t = setup();
    t.list.setAll(Array.from({ length: FULL_RENDER_LIMIT }, (_, i) => prompt(i + 1)), true);
    // jsdom's view is 768 px and every prompt the 240 px estimate: the view and one screen above it.
    const first = t.articles();
    assert.equal(first.length, Math.ceil((2 * 768) / 240));
    assert.equal(first.at(-1)!.dataset.promptId, `p${FULL_RENDER_LIMIT}`, 'the newest prompt first');
    assert.equal(t.spacers().length, 1, 'a spacer stands in for the older prompts meanwhile');
    assert.equal(t.spacers()[0].style.height, `${(FULL_RENDER_LIMIT - first.length) * 240}px`);
    const frames = await t.filled();
    assert.equal(frames, Math.ceil((FULL_RENDER_LIMIT - first.length) / FILL_CHUNK));
    assert.ok(first.every((a, i) => t.articles()[FULL_RENDER_LIMIT - first.length + i] === a), 'the first ones stay the same elements');
    assert.equal(t.articles().length, FULL_RENDER_LIMIT);
    assert.equal(t.spacers().length, 0);
    assert.equal(t.articles()[0].getAttribute('aria-posinset'), '1');
    assert.equal(t.articles().at(-1)!.getAttribute('aria-setsize'), String(FULL_RENDER_LIMIT));
  });

  it('keeps a window of a 1,000-prompt session at the newest prompt, spacers standing in for the rest', () => {
    const t = setup();
    t.list.setAll(Array.from({ length: 1000 }, (_, i) => prompt(i + 1)), true);
    const articles = t.articles();
    assert.ok(articles.length > 0 && articles.length <= MAX_RENDERED, `${articles.length} rendered`);
    assert.equal(articles.at(-1)!.dataset.promptId, 'p1000', 'the newest prompt is rendered');
    assert.equal(articles.at(-1)!.getAttribute('aria-posinset'), '1000');
    assert.equal(articles[0].getAttribute('aria-setsize'), '1000');
    const spacers = t.spacers();
    assert.equal(spacers.length, 1, 'one spacer above the window');
    assert.equal(t.container.firstElementChild, spacers[0]);
    assert.equal(spacers[0].style.height, `${(1000 - articles.length) * 240}px`);
    assert.ok(t.container.classList.contains('windowed'));
  });

  it('re-renders only the prompt that changed; a change off screen renders nothing', () => {
    const t = setup();
    t.list.setAll(Array.from({ length: 1000 }, (_, i) => prompt(i + 1)), true);
    const before = t.articles();
    const renders = t.renders();
    t.list.upsert(prompt(1000, 'A new answer'));
    const after = t.articles();
    assert.equal(t.renders(), renders + 1);
    assert.equal(after.length, before.length);
    assert.ok(after.slice(0, -1).every((a, i) => a === before[i]), 'the other prompts are the same elements');
    assert.match(after.at(-1)!.textContent ?? '', /A new answer/);
    t.list.upsert(prompt(3, 'Changed far away'));
    assert.equal(t.renders(), renders + 1, 'nothing rendered for a prompt off screen');
    assert.ok(!t.articles().some((a) => a.dataset.promptId === 'p3'));
  });

  it('a new prompt is appended, rendered and in the window', () => {
    const t = setup();
    t.list.setAll(Array.from({ length: 1000 }, (_, i) => prompt(i + 1)), true);
    t.list.upsert(prompt(1001));
    assert.equal(t.articles().at(-1)!.dataset.promptId, 'p1001');
    assert.equal(t.articles()[0].getAttribute('aria-setsize'), '1001');
    assert.equal(t.list.size, 1001);
  });

  it('a batch of changed and new prompts is rendered with one layout, in order', async () => {
    const t = setup();
    t.list.setAll(Array.from({ length: 10 }, (_, i) => prompt(i + 1)), true);
    await t.filled();
    const list = t.list as unknown as { layout: (...args: unknown[]) => void };
    const layout = list.layout.bind(t.list);
    let layouts = 0;
    list.layout = (...args) => {
      layouts++;
      layout(...args);
    };
    const renders = t.renders();
    const before = t.articles();
    t.list.upsertMany([prompt(3, 'New answer 3'), prompt(11), prompt(9, 'New answer 9'), prompt(12)]);
    assert.equal(layouts, 1, 'one layout for the batch');
    assert.equal(t.renders(), renders + 4, 'the two changed prompts and the two new ones, nothing else');
    const after = t.articles();
    assert.deepEqual(after.map((a) => a.dataset.promptId), Array.from({ length: 12 }, (_, i) => `p${i + 1}`));
    assert.match(after[2].textContent ?? '', /New answer 3/);
    assert.match(after[8].textContent ?? '', /New answer 9/);
    assert.ok([0, 1, 3, 4, 5, 6, 7, 9].every((i) => after[i] === before[i]), 'the unchanged prompts are the same elements');
    assert.equal(after[0].getAttribute('aria-setsize'), '12');
  });

  it('a re-rendered prompt keeps the keyboard focus on the same action', () => {
    const t = setup();
    t.list.setAll(Array.from({ length: 1000 }, (_, i) => prompt(i + 1)), true);
    const button = t.articles().at(-1)!.querySelector('button')!;
    button.focus();
    assert.equal(t.doc.activeElement, button);
    t.list.upsert(prompt(1000, 'Again'));
    const now = t.articles().at(-1)!;
    assert.notEqual(now.querySelector('button'), button, 'a new rendering');
    assert.equal(t.doc.activeElement, now.querySelector('button'), 'focus moved to the same button in it');
  });
});
