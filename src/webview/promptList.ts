// The panel's list of prompts. A session of up to FULL_RENDER_LIMIT prompts has every prompt in the DOM (the
// newest screens at once, the older prompts FILL_CHUNK a frame after, a spacer standing in meanwhile). A
// longer one keeps only the prompts near the viewport rendered (a few screens, at most MAX_RENDERED), with
// spacers standing in for the others at their measured height (or the average measured height until a prompt
// has been on screen): a 1,000-prompt session stays a few thousand elements and scrolls through all its
// prompts. The prompt holding keyboard focus stays rendered, a re-rendered prompt gets its focus back, and what
// is on screen stays put when prompts above it change size. From opening (and after a new prompt) the view
// follows the newest prompt until the user scrolls away from it.
import type { PromptView } from '../shared/protocol';

/** Sessions up to this many prompts render every prompt (find-in-page then sees them all). */
export const FULL_RENDER_LIMIT = 250;
/** Most prompts rendered at once in a longer session (besides the one holding focus). */
export const MAX_RENDERED = 60;
/** Height assumed for a prompt before any has been measured (the CSS `contain-intrinsic-size`). */
const DEFAULT_HEIGHT = 240;
/**
 * A session rendered in full is rendered newest screen first: the prompts that fill the view (and one screen
 * above it) at once, then this many older prompts per frame until all are in the DOM.
 */
export const FILL_CHUNK = 16;
const FOCUSABLE = 'button, summary, a[tabindex], textarea, input, [tabindex]:not([tabindex="-1"])';

export interface Range {
  start: number;
  end: number;
}

/** Index of the prompt at offset `y` from the top of the list; `tops` are the prompts' tops (prefix sums, n + 1 long). */
export function indexAt(tops: readonly number[], y: number): number {
  const n = tops.length - 1;
  if (n <= 0 || y <= 0) return 0;
  if (y >= tops[n]) return n - 1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (tops[mid] <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Which prompts to render, given their tops and the visible span (both from the list's top). The current range
 * is kept while it covers the view with half a screen to spare either side; otherwise the new range covers 1.5
 * screens either side, at most `max` prompts (centred on the view).
 */
export function chooseRange(tops: readonly number[], viewTop: number, viewBottom: number, current: Range | undefined, max = MAX_RENDERED): Range {
  const n = tops.length - 1;
  if (n <= 0) return { start: 0, end: 0 };
  const screen = Math.max(1, viewBottom - viewTop);
  const cover = (margin: number): Range => ({ start: indexAt(tops, viewTop - margin), end: indexAt(tops, viewBottom + margin) + 1 });
  const need = cover(screen / 2);
  if (current && current.start <= need.start && current.end >= need.end && current.end - current.start <= max) return current;
  const next = cover(screen * 1.5);
  if (next.end - next.start <= max) return next;
  const visible = cover(0);
  const centre = Math.floor((visible.start + visible.end) / 2);
  const start = Math.max(0, Math.min(n - max, centre - Math.floor(max / 2)));
  return { start, end: Math.min(n, start + max) };
}

export interface PromptListOptions {
  container: HTMLElement;
  render(prompt: PromptView): HTMLElement;
  /** Sticky elements over the top and the bottom of the view: prompts under them are not in view. */
  header?: HTMLElement;
  footer?: HTMLElement;
  fullLimit?: number;
  maxRendered?: number;
}

/**
 * What is at the top of the view (under the sticky header): prompt `index` (`id`), `offset` pixels into it. A
 * rendered prompt keeps its place on screen when others change; a place inside a spacer is kept as the same
 * fraction of the same prompt, so a jump into unrendered prompts lands where it was aimed even when the heights
 * around it are then measured and differ from their estimate.
 */
interface Anchor {
  id: string;
  index: number;
  offset: number;
}

export class PromptList {
  private readonly container: HTMLElement;
  private readonly doc: Document;
  private readonly win: Window;
  private readonly fullLimit: number;
  private readonly maxRendered: number;
  private ids: string[] = [];
  private readonly position = new Map<string, number>();
  private readonly data = new Map<string, PromptView>();
  private readonly rendered = new Map<string, HTMLElement>();
  private readonly heights = new Map<string, number>();
  private heightSum = 0;
  private range: Range = { start: 0, end: 0 };
  private readonly spacers: HTMLElement[] = [];
  private windowed = false;
  /** Keep the newest prompt in view (from opening, and after a new prompt, until the user scrolls away). */
  private followNewest = false;
  /** Where our own last scroll left the page: a scroll event there is ours, not the user's. */
  private ownScrollY = Number.NaN;
  private frame = 0;
  /**
   * Where focus should go back to in a prompt whose re-rendering had no such element (e.g. the Re-run button
   * while the new run is going): the element that stood in for it, and what it stood in for.
   */
  private readonly focusIntent = new Map<string, { key: FocusKey; placed: HTMLElement }>();

  constructor(private readonly options: PromptListOptions) {
    this.container = options.container;
    this.doc = options.container.ownerDocument;
    this.win = this.doc.defaultView as Window;
    this.fullLimit = options.fullLimit ?? FULL_RENDER_LIMIT;
    this.maxRendered = options.maxRendered ?? MAX_RENDERED;
    this.win.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.win.addEventListener('resize', () => this.schedule());
    // Focus leaving a prompt outside the window lets that prompt go on the next update.
    this.container.addEventListener('focusout', () => this.schedule());
    // Prompts change height after the layout that placed them: answers render, and `content-visibility: auto`
    // swaps a prompt's 240 px estimate for its real height when it comes into view. While following the newest
    // prompt of a session rendered in full, every such change moves the view back onto it before the frame is
    // painted (a single look in the next frame missed changes that came later, and left the view above it).
    const Observer = (this.win as Window & { ResizeObserver?: typeof ResizeObserver }).ResizeObserver;
    if (Observer) {
      new Observer(() => {
        // A long (windowed) session measures its prompts itself and renders them fully (no estimates).
        if (!this.followNewest || this.windowed) return;
        // The user scrolled since our last scroll (its event may not have come yet): they lead, not the newest.
        if (Math.abs(this.win.scrollY - this.ownScrollY) > 1 && !this.atBottom()) {
          this.setFollow(false);
          return;
        }
        this.showNewest();
      }).observe(this.container);
    }
  }

  get size(): number {
    return this.ids.length;
  }

  values(): IterableIterator<PromptView> {
    return this.data.values();
  }

  /** Replaces every prompt (the session loaded, or loaded again). `atNewest`: show the newest prompt. */
  setAll(prompts: readonly PromptView[], atNewest: boolean): void {
    const anchor = atNewest ? undefined : this.anchor();
    const keep = new Set(prompts.map((p) => p.id));
    for (const id of [...this.heights.keys()]) if (!keep.has(id)) this.setHeight(id, undefined);
    this.ids = prompts.map((p) => p.id);
    this.position.clear();
    this.data.clear();
    prompts.forEach((p, i) => {
      this.position.set(p.id, i);
      this.data.set(p.id, p);
    });
    for (const el of this.rendered.values()) el.remove();
    this.rendered.clear();
    this.focusIntent.clear();
    this.range = { start: 0, end: 0 };
    if (atNewest) this.setFollow(true);
    this.layout(anchor, true);
  }

  /** Adds a prompt at the end, or re-renders the one with this id (that prompt only). */
  upsert(prompt: PromptView): void {
    this.upsertMany([prompt]);
  }

  /**
   * Adds new prompts at the end (in order) and re-renders the changed ones that are rendered, with one anchor
   * read and one layout for the whole batch (a batch of answers arriving together costs one layout, not one each).
   */
  upsertMany(batch: readonly PromptView[]): void {
    if (!batch.length) return;
    const anchor = this.anchor();
    let added = false;
    let replaced = false;
    for (const prompt of batch) {
      const known = this.data.has(prompt.id);
      this.data.set(prompt.id, prompt);
      if (!known) {
        this.position.set(prompt.id, this.ids.length);
        this.ids.push(prompt.id);
        added = true;
        continue;
      }
      const current = this.rendered.get(prompt.id);
      if (!current) {
        // Not rendered: it renders fresh when it comes into view; until then its old height is only a guess.
        this.setHeight(prompt.id, undefined);
        continue;
      }
      this.rendered.set(prompt.id, this.replace(current, this.options.render(prompt)));
      replaced = true;
    }
    if (added) {
      // A new prompt is where the user looks next.
      this.setFollow(true);
      this.layout(undefined, false);
    } else if (replaced) {
      this.layout(anchor, false);
    } else {
      this.schedule();
    }
  }

  /** Renders the rendered prompts again (read-only mode changed); the others render fresh when shown. */
  rerenderAll(): void {
    const anchor = this.anchor();
    for (const [id, el] of [...this.rendered]) this.rendered.set(id, this.replace(el, this.options.render(this.data.get(id)!)));
    this.layout(anchor, false);
  }

  // ---------- internals ----------

  private schedule(): void {
    if (this.frame) return;
    this.frame = this.win.requestAnimationFrame(() => {
      this.frame = 0;
      this.layout(this.anchor(), false, true);
    });
  }

  private onScroll(): void {
    // Someone else scrolled (the user, Find, a screen reader): stop following the newest prompt. A scroll to the
    // bottom is not a reason to (content that shrank moves the view there by itself).
    if (Math.abs(this.win.scrollY - this.ownScrollY) > 1 && !this.atBottom()) this.setFollow(false);
    this.schedule();
  }

  private atBottom(): boolean {
    return this.scroller.scrollHeight - this.win.innerHeight - this.win.scrollY <= 2;
  }

  /** While following, the browser's own scroll anchoring is off: the newest prompt is the anchor. */
  private setFollow(on: boolean): void {
    this.followNewest = on;
    this.doc.documentElement.classList.toggle('following-newest', on);
  }

  private get scroller(): Element {
    return this.doc.scrollingElement ?? this.doc.documentElement;
  }

  private scrollTo(y: number): void {
    const el = this.scroller;
    if (Math.abs(el.scrollTop - y) < 0.5) return;
    el.scrollTop = y;
    this.ownScrollY = el.scrollTop;
  }

  private heightOf(id: string): number {
    return this.heights.get(id) ?? (this.heights.size ? this.heightSum / this.heights.size : DEFAULT_HEIGHT);
  }

  private setHeight(id: string, h: number | undefined): void {
    const before = this.heights.get(id);
    if (before !== undefined) this.heightSum -= before;
    if (h === undefined) this.heights.delete(id);
    else {
      this.heights.set(id, h);
      this.heightSum += h;
    }
  }

  private measure(): void {
    for (const [id, el] of this.rendered) {
      const h = el.getBoundingClientRect().height;
      if (h > 0) this.setHeight(id, h);
    }
  }

  private headerBottom(): number {
    return Math.max(0, this.options.header?.getBoundingClientRect().bottom ?? 0);
  }

  private footerTop(): number {
    return Math.max(0, Math.min(this.win.innerHeight, this.options.footer?.getBoundingClientRect().top ?? this.win.innerHeight));
  }

  private anchor(): Anchor | undefined {
    if (this.followNewest) return undefined;
    const top = this.headerBottom();
    // The list holds only prompts and spacers, in order: the first whose bottom is below the header is at the top.
    for (const child of Array.from(this.container.children) as HTMLElement[]) {
      const r = child.getBoundingClientRect();
      if (r.bottom <= top) continue;
      if (child.classList.contains('prompt-spacer')) {
        const from = Number(child.dataset.from);
        const to = Number(child.dataset.to);
        const at = from + ((to - from) * Math.max(0, top - r.top)) / Math.max(1, r.height);
        const index = Math.min(to - 1, Math.floor(at));
        return { id: this.ids[index], index, offset: (at - index) * this.heightOf(this.ids[index]) };
      }
      const index = this.position.get(child.dataset.promptId ?? '');
      if (index !== undefined) return { id: this.ids[index], index, offset: top - r.top };
    }
    return undefined;
  }

  /** Where an anchor's prompt is now (its id, or the same index if it is gone). */
  private anchorIndex(anchor: Anchor): number {
    return this.position.get(anchor.id) ?? Math.max(0, Math.min(this.ids.length - 1, anchor.index));
  }

  /** The top of prompt `index` on screen: the prompt's own, or its place in the spacer standing in for it. */
  private screenTop(index: number): number | undefined {
    const el = this.rendered.get(this.ids[index]);
    if (el) return el.getBoundingClientRect().top;
    for (const s of this.spacers) {
      const from = Number(s.dataset.from);
      if (index < from || index >= Number(s.dataset.to)) continue;
      let h = 0;
      for (let i = from; i < index; i++) h += this.heightOf(this.ids[i]);
      return s.getBoundingClientRect().top + h;
    }
    return undefined;
  }

  /** The prompt holding keyboard focus (it stays rendered wherever the view goes). */
  private focusedIndex(): number | undefined {
    const active = this.doc.activeElement;
    if (!active || !this.container.contains(active)) return undefined;
    const id = active.closest<HTMLElement>('article[data-prompt-id]')?.dataset.promptId;
    return id !== undefined ? this.position.get(id) : undefined;
  }

  /**
   * Swaps in a prompt's new rendering, keeping an open "previous answers" section and the keyboard focus: on the
   * same action if the new rendering has it, else on the element in the same place (and back on the action once
   * a later rendering has it again), else on the prompt itself.
   */
  private replace(current: HTMLElement, next: HTMLElement): HTMLElement {
    if (current.querySelector('details.previous-answers[open]')) next.querySelector('details.previous-answers')?.setAttribute('open', '');
    const id = current.dataset.promptId ?? '';
    const active = this.doc.activeElement as HTMLElement | null;
    const intent = this.focusIntent.get(id);
    this.focusIntent.delete(id);
    if (!active || !current.contains(active)) {
      current.replaceWith(next);
      return next;
    }
    const here = focusKey(current, active);
    const wanted = intent && intent.placed === active ? intent.key : here;
    current.replaceWith(next);
    const same = findSame(next, wanted);
    const target = same ?? findSame(next, here) ?? samePlace(next, here);
    target?.focus({ preventScroll: true });
    if (!next.contains(this.doc.activeElement)) {
      // Nothing focusable in the new rendering: the prompt itself keeps the focus (Tab continues from there).
      next.tabIndex = -1;
      next.focus({ preventScroll: true });
    }
    if (!same) this.focusIntent.set(id, { key: wanted, placed: this.doc.activeElement as HTMLElement });
    return next;
  }

  /**
   * Puts the right prompts in the DOM and keeps the view steady: on the newest prompt while following it,
   * otherwise with the anchor where it was. This repeats (a few passes at most) while newly measured heights
   * change which prompts are needed. A long session renders the prompts around the view; a session rendered in
   * full renders the newest screens first and the older prompts in the frames after (`FILL_CHUNK` a frame).
   */
  private layout(anchor: Anchor | undefined, reset: boolean, inFrame = false): void {
    const n = this.ids.length;
    const windowed = n > this.fullLimit;
    if (windowed !== this.windowed) {
      this.windowed = windowed;
      this.container.classList.toggle('windowed', windowed);
      this.doc.documentElement.classList.toggle('windowed-prompts', windowed);
    }
    if (!windowed && !reset && this.range.start === 0) {
      // All of a session rendered in full is in the DOM: the browser's scroll anchoring keeps the view steady.
      this.render({ start: 0, end: n }, undefined);
      if (this.followNewest) this.showNewest();
      this.setPositions();
      if (this.followNewest && !inFrame) this.schedule();
      return;
    }
    for (let pass = 0; pass < 4; pass++) {
      this.measure();
      const tops = this.tops();
      const viewHeight = Math.max(1, this.footerTop() - this.headerBottom());
      const viewTop = this.followNewest
        ? tops[n] - viewHeight
        : anchor && n
          ? tops[this.anchorIndex(anchor)] + anchor.offset
          : this.win.scrollY + this.headerBottom() - this.listTop();
      const fresh = reset && pass === 0;
      const range = windowed
        ? chooseRange(tops, viewTop, viewTop + viewHeight, fresh ? undefined : this.range, this.maxRendered)
        : this.fullRange(tops, viewTop, viewHeight, fresh, inFrame && pass === 0);
      const changed = pass === 0 || range.start !== this.range.start || range.end !== this.range.end;
      if (changed) this.render(range, this.focusedIndex());
      this.measure();
      this.sizeSpacers();
      if (this.followNewest) this.showNewest();
      else this.restore(anchor);
      if (!changed) break;
    }
    this.setPositions();
    // Heights can still settle (fonts, content rendered as it comes into view): look again next frame. A session
    // rendered in full that is not all in the DOM yet gets its next older prompts then.
    if ((this.followNewest && !inFrame) || (!windowed && this.range.start > 0)) this.schedule();
  }

  /**
   * The prompts of a session rendered in full that are in the DOM: from one screen above the view (at least) to
   * the newest, growing by `FILL_CHUNK` older prompts a frame until it starts at the first.
   */
  private fullRange(tops: readonly number[], viewTop: number, viewHeight: number, fresh: boolean, grow: boolean): Range {
    const n = tops.length - 1;
    const cover = indexAt(tops, viewTop - viewHeight);
    let start = fresh ? cover : Math.min(this.range.start, cover);
    if (grow) start -= FILL_CHUNK;
    return { start: Math.max(0, Math.min(start, n)), end: n };
  }

  /** Scrolls to the newest prompt: all of it if it fits between header and footer, else its beginning. */
  private showNewest(): void {
    const last = this.rendered.get(this.ids[this.ids.length - 1] ?? '');
    const bottom = this.scroller.scrollHeight - this.win.innerHeight;
    if (!last) {
      this.scrollTo(bottom);
      return;
    }
    const topOfLast = last.getBoundingClientRect().top + this.win.scrollY - this.headerBottom();
    this.scrollTo(Math.max(0, Math.min(bottom, topOfLast)));
  }

  /** Scrolls so that the anchor's place is at the top of the view again. */
  private restore(anchor: Anchor | undefined): void {
    if (!anchor || !this.ids.length) return;
    const top = this.screenTop(this.anchorIndex(anchor));
    if (top === undefined) return;
    const delta = top + anchor.offset - this.headerBottom();
    if (Math.abs(delta) >= 0.5) this.scrollTo(this.win.scrollY + delta);
  }

  private listTop(): number {
    const padding = parseFloat(this.win.getComputedStyle(this.container).paddingTop) || 0;
    return this.container.getBoundingClientRect().top + this.win.scrollY + padding;
  }

  /** The prompts' tops from the list's top (measured heights, or the estimate). */
  private tops(): number[] {
    const tops = new Array<number>(this.ids.length + 1);
    tops[0] = 0;
    for (let i = 0; i < this.ids.length; i++) tops[i + 1] = tops[i] + this.heightOf(this.ids[i]);
    return tops;
  }

  /**
   * Makes the DOM hold `range` plus the prompt holding focus, with spacers for the gaps. Prompts that stay are
   * never moved (moving an element would drop its focus); new ones are inserted around them.
   */
  private render(range: Range, pinned: number | undefined): void {
    this.range = range;
    const wanted: number[] = [];
    if (pinned !== undefined && pinned < range.start) wanted.push(pinned);
    for (let i = range.start; i < range.end; i++) wanted.push(i);
    if (pinned !== undefined && pinned >= range.end) wanted.push(pinned);
    const wantedIds = new Set(wanted.map((i) => this.ids[i]));
    for (const [id, el] of [...this.rendered]) {
      if (wantedIds.has(id)) continue;
      el.remove();
      this.rendered.delete(id);
    }
    for (const s of this.spacers) s.remove();
    let used = 0;
    let cursor: ChildNode | null = this.container.firstChild;
    const gap = (from: number, to: number): void => {
      if (to <= from) return;
      let s = this.spacers[used];
      if (!s) {
        s = this.doc.createElement('div');
        s.className = 'prompt-spacer';
        s.setAttribute('aria-hidden', 'true');
        this.spacers.push(s);
      }
      used++;
      s.dataset.from = String(from);
      s.dataset.to = String(to);
      this.container.insertBefore(s, cursor);
    };
    let next = 0;
    for (const i of wanted) {
      gap(next, i);
      next = i + 1;
      const id = this.ids[i];
      const existing = this.rendered.get(id);
      if (existing && cursor === existing) {
        cursor = existing.nextSibling;
        continue;
      }
      const el = existing ?? this.options.render(this.data.get(id)!);
      this.rendered.set(id, el);
      this.container.insertBefore(el, cursor);
    }
    gap(next, this.ids.length);
    this.spacers.splice(used);
  }

  private sizeSpacers(): void {
    for (const s of this.spacers) {
      let h = 0;
      for (let i = Number(s.dataset.from); i < Number(s.dataset.to); i++) h += this.heightOf(this.ids[i]);
      const px = `${Math.round(h)}px`;
      if (s.style.height !== px) s.style.height = px;
    }
  }

  /** Where each rendered prompt stands in the session, for assistive technology (and for counting). */
  private setPositions(): void {
    const total = String(this.ids.length);
    for (const [id, el] of this.rendered) {
      const pos = String((this.position.get(id) ?? 0) + 1);
      if (el.getAttribute('aria-posinset') !== pos) el.setAttribute('aria-posinset', pos);
      if (el.getAttribute('aria-setsize') !== total) el.setAttribute('aria-setsize', total);
    }
  }
}

interface FocusKey {
  evaluationId?: string;
  label: string;
  index: number;
}

/** What can take focus in a prompt: enabled, and not inside a closed "previous answers" section (its summary can). */
function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((e) => {
    if ((e as HTMLButtonElement).disabled) return false;
    const details = e.closest('details');
    return !details || details.open || !!e.closest('summary');
  });
}

function labelOf(el: HTMLElement): string {
  return `${el.tagName}|${el.getAttribute('title') ?? ''}|${el.textContent ?? ''}`;
}

const evaluationOf = (el: HTMLElement): string | undefined => el.closest<HTMLElement>('[data-evaluation-id]')?.dataset.evaluationId;

function focusKey(root: HTMLElement, el: HTMLElement): FocusKey {
  return { evaluationId: evaluationOf(el), label: labelOf(el), index: focusables(root).indexOf(el) };
}

/** In a prompt's new rendering: the same action on the same answer, else the same action on another answer. */
function findSame(root: HTMLElement, key: FocusKey): HTMLElement | undefined {
  const all = focusables(root);
  return all.find((e) => labelOf(e) === key.label && evaluationOf(e) === key.evaluationId) ?? all.find((e) => labelOf(e) === key.label);
}

/** The focusable element at the same position in a prompt's new rendering. */
function samePlace(root: HTMLElement, key: FocusKey): HTMLElement | undefined {
  const all = focusables(root);
  return key.index >= 0 && all.length ? all[Math.min(key.index, all.length - 1)] : undefined;
}
