// Small helpers: ids, Graph-style timestamps, a seeded PRNG and a string hash.
import { randomUUID } from 'node:crypto';

export function newGuid(): string {
  return randomUUID();
}

/** FNV-1a 32-bit hash; used to derive stable pseudo-random details (sub-millisecond digits, answer variants). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny deterministic PRNG so seeded data (ids, names, dates) is identical on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A version-4 GUID drawn from a PRNG (deterministic for seeded data). */
export function guidFrom(random: () => number): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/**
 * Formats a UTC time the way the service does: ISO 8601 with 7 fractional digits (.NET ticks), e.g.
 * 2025-10-22T20:12:57.8667119Z. `subMs` supplies the 4 digits below the millisecond (0..9999).
 * (The docs also show shorter fractions such as .07343Z — .NET trims trailing zeros; we always print 7 digits.)
 */
export function formatTicks(ms: number, subMs: number): string {
  const iso = new Date(ms).toISOString(); // yyyy-mm-ddThh:mm:ss.mmmZ
  const sub = String(Math.max(0, Math.min(9999, Math.floor(subMs)))).padStart(4, '0');
  return `${iso.slice(0, 23)}${sub}Z`;
}

/** Reads a timestamp written by formatTicks (or any ISO string) back to epoch ms. */
export function parseMs(timestamp: string): number {
  return Date.parse(timestamp);
}

/** The sentinel the service uses for "not yet" DateTimeOffset values. */
export const NEVER = '0001-01-01T00:00:00Z';

/** Issues strictly increasing timestamps, so entities created in the same millisecond still order. */
export class TimestampSource {
  private lastMs = 0;
  private lastSub = -1;
  /** With `mixed`, each new timestamp is rounded down to 0–7 fractional digits (when that keeps the order). */
  constructor(
    private readonly now: () => number,
    private readonly mixed: () => boolean = () => false,
  ) {}

  next(): string {
    let ms = this.now();
    let sub = Math.floor(Math.random() * 9000);
    if (this.mixed()) {
      // Round down to k fractional digits: 7 digits = 1e7 ticks per second.
      const k = Math.floor(Math.random() * 8);
      const step = 10 ** (7 - k);
      const ticks = Math.floor((ms * 10_000 + sub) / step) * step;
      const roundedMs = Math.floor(ticks / 10_000);
      const roundedSub = ticks - roundedMs * 10_000;
      if (roundedMs > this.lastMs || (roundedMs === this.lastMs && roundedSub > this.lastSub)) {
        ms = roundedMs;
        sub = roundedSub;
      }
    }
    if (ms > this.lastMs || (ms === this.lastMs && sub > this.lastSub)) {
      this.lastMs = ms;
      this.lastSub = sub;
    } else if (this.lastSub < 9999) {
      // Same (or an earlier, if the clock stepped back) millisecond: continue just after the last one issued.
      this.lastSub += 1;
    } else {
      this.lastMs += 1;
      this.lastSub = 0;
    }
    return formatTicks(this.lastMs, this.lastSub);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
