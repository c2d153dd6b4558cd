// OData collections: query options ($top, $select, $filter, $count) and paging over `@odata.nextLink`,
// which is treated as an opaque URL (never parsed for $skiptoken) and must stay on the endpoint's origin.
import * as z from 'zod/mini';
import { GraphMalformedResponseError, GraphValidationError } from './errors';
import type { GraphHttp, GraphResponse } from './http';
import { collectionSchema, describeIssues, parseBody } from './schemas';
import type { ListOptions, Page, SkippedItem } from './types';

/** Upper bound of pages followed by one iteration, against a service that keeps sending nextLinks. */
export const MAX_PAGES = 10_000;

export interface QuerySupport {
  /** `$top` is documented for this collection (not for list workspaces). */
  top: boolean;
  /** Fields always added to `$select`, so the validated entity still has every required field. */
  required: readonly string[];
}

const SELECT_NAME = /^[A-Za-z_@][\w.@/-]*$/;

/**
 * Builds the OData query pairs (values percent-encoded). Bad values throw GraphValidationError before any
 * request. `$select` always includes the entity's required fields: the docs say $select may return just
 * the listed properties, and the public types promise e.g. createdDateTime.
 */
export function buildQuery(
  o: Pick<ListOptions, 'top' | 'select' | 'filter' | 'count'> | undefined,
  support: QuerySupport,
): [string, string][] {
  const q: [string, string][] = [];
  if (!o) return q;
  if (o.top !== undefined && support.top) {
    if (!Number.isInteger(o.top) || o.top < 1 || o.top > 1000) {
      throw new GraphValidationError(`Page size ($top) must be a whole number from 1 to 1000 (got ${String(o.top)}).`);
    }
    q.push(['$top', String(o.top)]);
  }
  // $top isn't documented for list workspaces; it is not sent there (the option is ignored, not an error,
  // so callers can share one ListOptions object).
  const select = selectList(o.select, support.required);
  if (select) q.push(['$select', select]);
  if (o.filter !== undefined) {
    if (typeof o.filter !== 'string' || o.filter.trim() === '') {
      throw new GraphValidationError('The $filter expression is empty.');
    }
    q.push(['$filter', encodeURIComponent(o.filter)]);
  }
  if (o.count === true) q.push(['$count', 'true']);
  return q;
}

/** `$select` value for a single-entity GET, or undefined when no selection was asked for. */
export function selectList(select: readonly string[] | undefined, required: readonly string[]): string | undefined {
  if (select === undefined || select.length === 0) return undefined;
  for (const name of select) {
    if (typeof name !== 'string' || !SELECT_NAME.test(name)) {
      throw new GraphValidationError(`"${String(name)}" isn't a property name that can be used in $select.`);
    }
  }
  const names = [...new Set([...required, ...select])];
  return names.map((n) => encodeURIComponent(n)).join(',');
}

export interface PageOptions {
  /** Accept a single entity instead of a collection (the list-evaluations docs example returns one). */
  acceptSingleEntity?: boolean;
  /** Told about every item of a page that did not fit its schema (the item is left out, the rest is kept). */
  onSkipped?: (item: SkippedItem) => void;
}

/** GETs one page and validates it. `url` must already be checked (http.url or http.resolveNextLink). */
export async function getPage<T>(
  http: GraphHttp,
  url: string,
  item: z.ZodMiniType<T>,
  what: string,
  signal: AbortSignal | undefined,
  options: PageOptions = {},
): Promise<Page<T>> {
  const response = await http.send({ method: 'GET', url, signal });
  return readPage(response, item, what, options);
}

export function readPage<T>(response: GraphResponse, item: z.ZodMiniType<T>, what: string, options: PageOptions = {}): Page<T> {
  const body = response.body;
  if (
    options.acceptSingleEntity &&
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    !('value' in body) &&
    'id' in body
  ) {
    // The docs' list-evaluations example is a single entity ('/$entity' context, no 'value'). Probably a docs
    // error, but the service might really answer like that, so both shapes are accepted.
    return { items: [parseBody(item, response, what)] };
  }
  // Validate item by item: one unexpected item (an unknown shape, a date in another format) is skipped and
  // reported, never the reason a whole list goes blank.
  const page = parseBody(collectionSchema(z.unknown()), response, `list of ${what}s`);
  const items: T[] = [];
  const skipped: SkippedItem[] = [];
  page.value.forEach((raw, index) => {
    const r = item.safeParse(raw);
    if (r.success) {
      items.push(r.data);
      return;
    }
    const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).id ?? (raw as Record<string, unknown>).name : undefined;
    const entry: SkippedItem = {
      what,
      id: typeof id === 'string' ? id : undefined,
      index,
      reason: describeIssues(r.error, raw),
    };
    skipped.push(entry);
    options.onSkipped?.(entry);
  });
  const out: Page<T> = { items };
  if (skipped.length) out.skipped = skipped;
  const next = page['@odata.nextLink'];
  if (typeof next === 'string' && next !== '') out.nextLink = next;
  const count = page['@odata.count'];
  if (count != null) out.count = Number(count);
  return out;
}

/** Yields every item of every page, following nextLinks (each checked to be on the endpoint's origin). */
export async function* iterateItems<T>(
  http: GraphHttp,
  firstUrl: string,
  item: z.ZodMiniType<T>,
  what: string,
  signal: AbortSignal | undefined,
  options: PageOptions = {},
): AsyncGenerator<T, void, undefined> {
  let url: string | undefined = firstUrl;
  const seen = new Set<string>([firstUrl]);
  for (let pages = 0; url !== undefined; pages++) {
    if (pages >= MAX_PAGES) {
      throw new GraphMalformedResponseError(`Stopped after ${MAX_PAGES} pages of ${what}s: Graph kept sending nextLinks.`);
    }
    const page: Page<T> = await getPage(http, url, item, what, signal, options);
    yield* page.items;
    if (page.nextLink === undefined) return;
    const next = http.resolveNextLink(page.nextLink);
    if (seen.has(next)) {
      throw new GraphMalformedResponseError(`Graph sent the same nextLink twice while listing ${what}s; stopped to avoid a loop.`);
    }
    seen.add(next);
    url = next;
  }
}
