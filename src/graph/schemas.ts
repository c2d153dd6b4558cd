// Response validation at the boundary (zod v4, the tree-shakable `zod/mini` build: the full build was 85% of
// the extension bundle). Rules:
// - unknown properties (e.g. '@odata.context', '@microsoft.graph.tips', 'inputs') are tolerated and dropped;
// - enum members this build doesn't know become 'unknownFutureValue' (Graph's evolvable-enum convention);
// - a missing or wrongly typed required field rejects the response with an error naming the field;
// - timestamps: ISO 8601 with any number of fractional digits (Graph sends 5, 6 or 7); the
//   '0001-01-01T00:00:00Z' "not yet" sentinel becomes null where the type allows null.
import * as z from 'zod/mini';
import { GraphMalformedResponseError, MAY_HAVE_BEEN_PROCESSED } from './errors';
import type { GraphResponse } from './http';
import type {
  Evaluation,
  EvaluationResult,
  EvaluationResultType,
  EvaluationState,
  Plugin,
  Prompt,
  PromptType,
  Session,
  Workspace,
} from './types';

export const PROMPT_TYPES = ['unknown', 'context', 'prompt', 'skill', 'feedback', 'unknownFutureValue'] as const;
export const EVALUATION_STATES = [
  'unknown',
  'created',
  'running',
  'completed',
  'cancelled',
  'pending',
  'deferred',
  'waitingForInput',
  'unknownFutureValue',
] as const;
export const EVALUATION_RESULT_TYPES = [
  'unknown',
  'success',
  'error',
  'needAdditionalClaims',
  'rejected',
  'timedOut',
  'capacityExceeded',
  'unknownFutureValue',
] as const;

/** A string enum that maps members it doesn't know to 'unknownFutureValue'. */
function evolvableEnum<const T extends readonly string[]>(members: T) {
  const known: ReadonlySet<string> = new Set(members);
  return z.pipe(
    z.string(),
    z.transform((v: string): T[number] => (known.has(v) ? v : 'unknownFutureValue')),
  );
}

// Date, 'T', hours and minutes; optional seconds with any number of fractional digits; optional 'Z' or offset.
// The offset is optional because Graph's own innerError.date omits it ("2026-07-31T05:11:26").
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

const timestamp = z.string().check(z.regex(TIMESTAMP, { error: 'expected an ISO 8601 timestamp' }));

/** True for '0001-01-01T00:00:00Z' and its variants (fractions, offsets): .NET's DateTimeOffset.MinValue. */
export function isSentinelDate(value: string): boolean {
  return value.startsWith('0001-01-01');
}

/** Optional/nullable timestamp; the sentinel maps to null. */
const optionalTimestamp = z.pipe(
  z.nullish(timestamp),
  z.transform((v: string | null | undefined) => (v == null || isSentinelDate(v) ? null : v)),
);

const nullableString = z.pipe(
  z.nullish(z.string()),
  z.transform((v: string | null | undefined) => v ?? null),
);

const nullableBoolean = z.pipe(
  z.nullish(z.boolean()),
  z.transform((v: boolean | null | undefined) => v ?? null),
);

export const workspaceSchema = z.object({
  id: z.string(),
  displayName: nullableString,
});

export const sessionSchema = z.object({
  id: z.string(),
  // null on existing sessions per the docs' list example.
  displayName: nullableString,
  createdDateTime: timestamp,
  lastModifiedDateTime: timestamp,
});

export const promptSchema = z.object({
  id: z.string(),
  type: evolvableEnum(PROMPT_TYPES),
  content: nullableString,
  createdDateTime: timestamp,
  lastModifiedDateTime: timestamp,
  skillName: nullableString,
});

export const evaluationResultSchema = z.object({
  content: nullableString,
  // The docs show `type` on every result; if it were ever missing or null, 'unknown' is the honest value.
  type: z.pipe(
    z.nullish(evolvableEnum(EVALUATION_RESULT_TYPES)),
    z.transform((v: EvaluationResultType | null | undefined): EvaluationResultType => v ?? 'unknown'),
  ),
  // skillPreviewState is an evolvable enum too, but the public type keeps the raw string.
  previewState: nullableString,
});

// Int64 is a JSON number normally; with `IEEE754Compatible=true` OData sends it as a string. Accept both.
const int64 = z.pipe(
  z.nullish(z.union([z.int(), z.string().check(z.regex(/^-?\d+$/))])),
  z.transform((v: number | string | null | undefined) => (v == null ? 0 : typeof v === 'number' ? v : Number(v))),
);

export const evaluationSchema = z.object({
  id: z.string(),
  createdDateTime: timestamp,
  runStartDateTime: optionalTimestamp,
  completedDateTime: optionalTimestamp,
  lastModifiedDateTime: timestamp,
  state: evolvableEnum(EVALUATION_STATES),
  executionCount: int64,
  isCancelled: z.pipe(
    z.nullish(z.boolean()),
    z.transform((v: boolean | null | undefined) => v ?? false),
  ),
  result: z.pipe(
    z.nullish(evaluationResultSchema),
    z.transform((v: EvaluationResult | null | undefined) => v ?? null),
  ),
});

const pluginSettingSchema = z.object({
  name: nullableString,
  label: nullableString,
  description: nullableString,
  settingValue: nullableString,
  isRequired: nullableBoolean,
  value: nullableString,
});

export const pluginSchema = z.pipe(
  z.object({
    name: z.string(),
    displayName: nullableString,
    description: nullableString,
    category: nullableString,
    isEnabled: nullableBoolean,
    previewState: nullableString,
    catalogScope: nullableString,
    authorization: z.nullish(z.object({ authType: z.nullish(z.string()) })),
    settings: z.nullish(z.array(pluginSettingSchema)),
  }),
  // `authorization.authType` is flattened; a missing settings list is an empty one.
  z.transform(({ authorization, settings, ...rest }) => ({ ...rest, authType: authorization?.authType ?? null, settings: settings ?? [] })),
);

/** An OData collection page. `value` is required; a page may hold zero items. */
export function collectionSchema<T extends z.ZodMiniType>(item: T) {
  return z.object({
    value: z.array(item),
    '@odata.nextLink': z.nullish(z.string()),
    // `@odata.count` is Int64 too, so it may be a string under IEEE754Compatible.
    '@odata.count': z.nullish(z.union([z.number(), z.string().check(z.regex(/^\d+$/))])),
  });
}

// Compile-time checks that the schemas produce exactly the public types.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _checks: [
  Exact<z.output<typeof workspaceSchema>, Workspace>,
  Exact<z.output<typeof sessionSchema>, Session>,
  Exact<z.output<typeof promptSchema>, Prompt>,
  Exact<z.output<typeof evaluationResultSchema>, EvaluationResult>,
  Exact<z.output<typeof evaluationSchema>, Evaluation>,
  Exact<z.output<typeof pluginSchema>, Plugin>,
  Exact<(typeof PROMPT_TYPES)[number], PromptType>,
  Exact<(typeof EVALUATION_STATES)[number], EvaluationState>,
  Exact<(typeof EVALUATION_RESULT_TYPES)[number], EvaluationResultType>,
] = [true, true, true, true, true, true, true, true, true];
void _checks;

/** Human description of the first few problems zod found, naming the fields ('value[3].createdDateTime'). */
export function describeIssues(error: z.core.$ZodError, input: unknown): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const field = formatPath(issue.path);
    const present = hasPath(input, issue.path);
    if (!present) return `required field '${field}' is missing`;
    if (issue.code === 'invalid_type') return `field '${field}' has the wrong type (expected ${issue.expected})`;
    return `field '${field}' is invalid (${issue.message})`;
  });
  const more = error.issues.length > 3 ? ` and ${error.issues.length - 3} more problem(s)` : '';
  return parts.join('; ') + more;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function hasPath(input: unknown, path: readonly PropertyKey[]): boolean {
  let cur: unknown = input;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return false;
    const rec = cur as Record<PropertyKey, unknown>;
    if (!(key in rec) || rec[key] === undefined) return false;
    cur = rec[key];
  }
  return true;
}

/** Validates a 2xx response body against `schema`; a missing/invalid body gives GraphMalformedResponseError. */
export function parseBody<S extends z.ZodMiniType>(schema: S, response: GraphResponse, what: string): z.output<S> {
  const { method, path, status, requestId, clientRequestId } = response;
  // A write that got a 2xx was carried out even if its answer can't be read: say so, so callers look it up.
  const done = method !== 'GET';
  const details = { method, path, status, requestId, clientRequestId, ...(done ? { mayHaveBeenProcessed: true } : {}) };
  const rid = requestId ? ` (request id ${requestId})` : '';
  const note = done ? MAY_HAVE_BEEN_PROCESSED : '';
  if (response.body === undefined) {
    throw new GraphMalformedResponseError(
      `Graph returned an empty response for ${method} ${path} (HTTP ${status}) instead of ${what}${rid}.${note}`,
      details,
    );
  }
  const r = schema.safeParse(response.body);
  if (!r.success) {
    throw new GraphMalformedResponseError(
      `Graph returned an unexpected ${what} for ${method} ${path}: ${describeIssues(r.error, response.body)}${rid}.${note}`,
      details,
    );
  }
  return r.data;
}
