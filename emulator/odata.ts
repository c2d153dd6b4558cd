// The OData query options the emulator understands: $select, $top, $skiptoken (nextLink paging), $count and a
// small $filter language. On beta the '$' prefix is optional, so `select=` equals `$select=` (reference §5.4).
import { badRequest } from './errors';

export interface QueryOptions {
  select?: string[];
  top?: number;
  skipToken?: string;
  count: boolean;
  filter?: string;
}

/** Query options Graph defines but this API does not document; asking for them is a 400 like Graph's. */
const UNSUPPORTED = new Set(['orderby', 'expand', 'search', 'skip', 'format', 'levels', 'apply', 'compute']);
const KNOWN = new Set(['select', 'top', 'skiptoken', 'count', 'filter']);

/** Decodes one query component the way Graph does: '+' is a space, then percent-decoding. */
export function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw badRequest(`The query specified in the URI is not valid. Invalid percent-encoding in '${text}'.`);
  }
}

/** Splits a raw query string (without '?') into [name, value] pairs, names lower-cased. */
export function splitQuery(raw: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
    out.push([name, value]);
  }
  return out;
}

/**
 * Parses the system query options. `collection` false (a single entity) accepts only $select; the paging and
 * filtering options are ignored there, as Graph ignores them on entity reads.
 */
export function parseQueryOptions(raw: string, collection: boolean): QueryOptions {
  const result: QueryOptions = { count: false };
  for (const [rawName, value] of splitQuery(raw)) {
    const dollar = rawName.startsWith('$');
    const name = (dollar ? rawName.slice(1) : rawName).toLowerCase();
    if (!KNOWN.has(name)) {
      if (dollar && UNSUPPORTED.has(name)) throw badRequest(`Query option '$${name}' is not supported by this API.`);
      if (dollar) throw badRequest(`The query parameter '${rawName}' is not supported.`);
      continue; // non-system parameters are ignored, as Graph does
    }
    if (name === 'select') {
      const props = value
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '');
      if (props.length === 0) throw badRequest(`Invalid $select: '${value}'.`);
      result.select = props;
      continue;
    }
    if (!collection) continue;
    if (name === 'top') {
      if (!/^\d+$/.test(value.trim())) throw badRequest(`Invalid value '${value}' for $top query option found. The $top query option requires a non-negative integer value.`);
      // Graph clamps or rejects oversized $top depending on the API; the docs are silent here, so clamp to 999.
      result.top = Math.min(999, parseInt(value.trim(), 10));
    } else if (name === 'skiptoken') {
      result.skipToken = value;
    } else if (name === 'count') {
      const v = value.trim().toLowerCase();
      if (v !== 'true' && v !== 'false') throw badRequest(`Invalid value '${value}' for $count query option found. Valid values are 'true' and 'false'.`);
      result.count = v === 'true';
    } else if (name === 'filter') {
      if (value.trim() === '') throw badRequest('The $filter query option must not be empty.');
      result.filter = value;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// $select

/**
 * Projects an entity onto the selected properties, keeping the entity's own property order. The key (`id`, or
 * `name` for plugins) is always included. Unknown names are a 400 like Graph's.
 */
export function applySelect<T extends object>(
  entity: T,
  select: string[] | undefined,
  typeName: string,
  key: string,
): Record<string, unknown> {
  const source = entity as Record<string, unknown>;
  if (!select) return { ...source };
  const wanted = new Set<string>([key]);
  for (const name of select) {
    if (name === '*') {
      for (const k of Object.keys(source)) wanted.add(k);
      continue;
    }
    const match = Object.keys(source).find((k) => k.toLowerCase() === name.toLowerCase());
    if (!match || match.startsWith('@')) throw badRequest(`Could not find a property named '${name}' on type '${typeName}'.`);
    wanted.add(match);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) {
    if (k.startsWith('@') || wanted.has(k)) out[k] = v;
  }
  return out;
}

/** Validates a $select list against a type's properties without an entity at hand (empty collections). */
export function checkSelect(select: string[] | undefined, properties: readonly string[], typeName: string): void {
  if (!select) return;
  for (const name of select) {
    if (name === '*') continue;
    if (!properties.some((p) => p.toLowerCase() === name.toLowerCase())) {
      throw badRequest(`Could not find a property named '${name}' on type '${typeName}'.`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// $filter: a small recursive-descent parser for  eq / ne / contains() / startswith() / and / or / not / ( )

export type FilterOp = 'eq' | 'ne' | 'contains' | 'startswith';
export type Literal = string | number | boolean | null;
export type FilterNode =
  | { kind: 'cmp'; op: FilterOp; property: string; value: Literal }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode };

/** Which properties may be filtered with which operators, per collection. */
export type FilterCapabilities = Record<string, { type: 'string' | 'boolean'; ops: readonly FilterOp[] }>;

interface Token {
  kind: 'ident' | 'string' | 'number' | 'lparen' | 'rparen' | 'comma';
  text: string;
  value?: Literal;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      tokens.push({ kind: 'lparen', text: c });
      i++;
    } else if (c === ')') {
      tokens.push({ kind: 'rparen', text: c });
      i++;
    } else if (c === ',') {
      tokens.push({ kind: 'comma', text: c });
      i++;
    } else if (c === "'") {
      // OData string literal: a single quote inside is written as two single quotes.
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw badRequest(`Invalid filter clause: unterminated string literal in '${text}'.`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'string', text: value, value });
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!m) throw badRequest(`Invalid filter clause: syntax error at position ${i} in '${text}'.`);
      tokens.push({ kind: 'number', text: m[0], value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_@]/.test(c)) {
      const m = /^[A-Za-z_@][A-Za-z0-9_./@]*/.exec(text.slice(i));
      if (!m) throw badRequest(`Invalid filter clause: syntax error at position ${i} in '${text}'.`);
      tokens.push({ kind: 'ident', text: m[0] });
      i += m[0].length;
    } else {
      throw badRequest(`Invalid filter clause: syntax error at position ${i} in '${text}'.`);
    }
  }
  return tokens;
}

export function parseFilter(text: string, caps: FilterCapabilities, typeName: string): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (t: Token | undefined, word: string): boolean => t?.kind === 'ident' && t.text.toLowerCase() === word;
  const syntax = (): never => {
    throw badRequest(`Invalid filter clause: syntax error in '${text}'.`);
  };
  const expect = (kind: Token['kind']): Token => {
    const t = tokens[pos++];
    if (!t || t.kind !== kind) syntax();
    return t;
  };

  const property = (name: string, op: FilterOp): string => {
    const match = Object.keys(caps).find((p) => p.toLowerCase() === name.toLowerCase());
    if (!match) {
      throw badRequest(`Invalid filter clause: filtering on property '${name}' of type '${typeName}' is not supported.`);
    }
    if (!caps[match].ops.includes(op)) {
      throw badRequest(`Invalid filter clause: the operator '${op}' is not supported for property '${match}'.`);
    }
    return match;
  };

  const literal = (): Literal => {
    const t = tokens[pos++];
    if (!t) return syntax();
    if (t.kind === 'string' || t.kind === 'number') return t.value ?? null;
    if (t.kind === 'ident') {
      const w = t.text.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
    }
    return syntax();
  };

  const checkType = (prop: string, value: Literal, op: FilterOp): void => {
    const type = caps[prop].type;
    const ok = value === null ? op === 'eq' || op === 'ne' : type === 'string' ? typeof value === 'string' : typeof value === 'boolean';
    if (!ok) throw badRequest(`Invalid filter clause: a literal of the wrong type was compared with '${prop}' (${type}).`);
  };

  const primary = (): FilterNode => {
    const t = peek();
    if (!t) return syntax();
    if (t.kind === 'lparen') {
      pos++;
      const inner = orExpr();
      expect('rparen');
      return inner;
    }
    if (t.kind !== 'ident') return syntax();
    const fn = t.text.toLowerCase();
    if ((fn === 'contains' || fn === 'startswith') && tokens[pos + 1]?.kind === 'lparen') {
      pos += 2;
      const name = expect('ident').text;
      expect('comma');
      const prop = property(name, fn);
      const value = literal();
      checkType(prop, value, fn);
      if (typeof value !== 'string') return syntax();
      expect('rparen');
      return { kind: 'cmp', op: fn, property: prop, value };
    }
    if (tokens[pos + 1]?.kind === 'lparen') {
      throw badRequest(`Invalid filter clause: the function '${t.text}' is not supported.`);
    }
    pos++;
    const opTok = tokens[pos++];
    if (!opTok || opTok.kind !== 'ident') return syntax();
    const op = opTok.text.toLowerCase();
    if (op !== 'eq' && op !== 'ne') {
      if (['gt', 'ge', 'lt', 'le', 'has', 'in'].includes(op)) {
        throw badRequest(`Invalid filter clause: the operator '${op}' is not supported by this API.`);
      }
      return syntax();
    }
    const prop = property(t.text, op);
    const value = literal();
    checkType(prop, value, op);
    return { kind: 'cmp', op, property: prop, value };
  };

  const unary = (): FilterNode => {
    if (isWord(peek(), 'not')) {
      pos++;
      return { kind: 'not', operand: unary() };
    }
    return primary();
  };
  const andExpr = (): FilterNode => {
    let left = unary();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };

  const node = orExpr();
  if (pos !== tokens.length) syntax();
  return node;
}

/**
 * Evaluates a parsed filter. String comparisons ignore case: the docs are silent, and case-insensitive matching
 * is what Graph's directory-backed filters do.
 */
export function matchesFilter(node: FilterNode, item: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'and':
      return matchesFilter(node.left, item) && matchesFilter(node.right, item);
    case 'or':
      return matchesFilter(node.left, item) || matchesFilter(node.right, item);
    case 'not':
      return !matchesFilter(node.operand, item);
    case 'cmp': {
      const actual = item[node.property];
      const norm = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v ?? null);
      const a = norm(actual);
      const b = norm(node.value);
      switch (node.op) {
        case 'eq':
          return a === b;
        case 'ne':
          return a !== b;
        case 'contains':
          return typeof a === 'string' && typeof b === 'string' && a.includes(b);
        case 'startswith':
          return typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
      }
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Paging. The $skiptoken is opaque to clients (reference §5.4: follow @odata.nextLink as is). Inside it is the
// position after the last item served (keyset paging), so items created between two page requests neither
// repeat nor get skipped.

export interface PageResult<T> {
  items: T[];
  /** The skiptoken for the next page, when more items remain. */
  nextToken?: string;
}

export function encodeSkipToken(position: string): string {
  return 'RFNwdA' + Buffer.from(JSON.stringify({ p: position }), 'utf8').toString('base64url');
}

export function decodeSkipToken(token: string): string {
  try {
    if (!token.startsWith('RFNwdA')) throw new Error('prefix');
    const parsed: unknown = JSON.parse(Buffer.from(token.slice(6), 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { p?: unknown }).p === 'string') {
      return (parsed as { p: string }).p;
    }
  } catch {
    // fall through
  }
  throw badRequest('The $skiptoken query option is not valid.');
}

/**
 * Returns one page of `sorted` (already in collection order). `position(item)` must produce strings whose
 * ordinary comparison follows the collection order (`descending` flips it).
 */
export function paginate<T>(
  sorted: T[],
  pageSize: number,
  skipToken: string | undefined,
  position: (item: T) => string,
  descending: boolean,
): PageResult<T> {
  let start = 0;
  if (skipToken !== undefined) {
    const after = decodeSkipToken(skipToken);
    start = sorted.findIndex((item) => (descending ? position(item) < after : position(item) > after));
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + pageSize);
  const more = start + pageSize < sorted.length && items.length > 0;
  return more ? { items, nextToken: encodeSkipToken(position(items[items.length - 1])) } : { items };
}
