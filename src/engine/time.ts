// Instants and ids, compared the way Graph means them.
//
// Graph timestamps carry 0 to 7 fractional digits and trims trailing zeros ('…13.75Z' is 13.7500000), so
// comparing them as strings puts '…13.75Z' after '…13.7596Z'. They are compared here as instants: whole
// milliseconds from Date.parse plus the sub-millisecond ticks (100 ns) from the digits after the third.
// A timestamp without an offset is read as UTC (Graph's innerError.date has none).
//
// Graph ids are GUIDs, which Graph matches case-insensitively; the docs say nothing either way for these
// resources, so ids are keyed in lower case (a session opened as 'ABC…' and as 'abc…' is one session) but the
// id as Graph sent it is what goes back in URLs.

export interface Instant {
  ms: number;
  /** 0–9999: the 100-ns ticks within the millisecond. */
  ticks: number;
}

const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** The instant of an ISO 8601 timestamp, or undefined when it can't be read. */
export function instantOf(iso: string | null | undefined): Instant | undefined {
  if (!iso) return undefined;
  const m = ISO.exec(iso.trim());
  if (!m) return undefined;
  const fraction = (m[2] ?? '').padEnd(7, '0').slice(0, 7);
  const base = Date.parse(`${m[1]}${m[1].length === 16 ? ':00' : ''}.${fraction.slice(0, 3)}${normaliseOffset(m[3])}`);
  if (Number.isNaN(base)) return undefined;
  return { ms: base, ticks: Number(fraction.slice(3)) };
}

function normaliseOffset(offset: string | undefined): string {
  if (!offset || offset.toUpperCase() === 'Z') return 'Z';
  return offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

/** Orders timestamps as instants; unreadable ones sort after readable ones (then by text, for stability). */
export function compareInstants(a: string | null | undefined, b: string | null | undefined): number {
  const x = instantOf(a);
  const y = instantOf(b);
  if (x && y) return x.ms - y.ms || x.ticks - y.ticks;
  if (x) return -1;
  if (y) return 1;
  return (a ?? '').localeCompare(b ?? '');
}

/** Milliseconds since the epoch, or NaN. */
export function msOf(iso: string | null | undefined): number {
  return instantOf(iso)?.ms ?? Number.NaN;
}

/** The key an id is stored under: Graph GUIDs are case-insensitive. */
export function idKey(id: string): string {
  return id.toLowerCase();
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && idKey(a) === idKey(b);
}
