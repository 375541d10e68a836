import type { Json, Query } from './ast.js';
import { parseQueryObject, Unparseable } from './parse.js';

/** The three reasons of spec §4.3, reported under `policy.data_segment.segment_query`. */
export const QUERY_REASONS = {
  notJson: 'Query is not valid json',
  unrecognised: 'Query contains unrecognised operations',
  unparseable: 'Query cannot be parsed',
} as const;

export type QueryReason = (typeof QUERY_REASONS)[keyof typeof QUERY_REASONS];

export type ValidationResult = { ok: true; query: Query } | { ok: false; reason: QueryReason };

/** Operators the query language knows (spec §4.3 check 2). */
export const OPERATORS: ReadonlySet<string> = new Set(
  '$and $or $nor $not $eq $ne $lt $lte $gt $gte $in $nin $contains $regex $options $near $within $geometry $min $max'.split(
    ' ',
  ),
);

/** Deepest JSON nesting accepted. */
export const MAX_DEPTH = 32;
/** Most JSON values (of any kind, nested included) accepted in one query. */
export const MAX_NODES = 10_000;

const TOKEN = /^\$\w+$/;
const validated = new WeakSet<Query>();

/** True when `value` is a Query returned by validateQuery. */
export function isValidatedQuery(value: unknown): value is Query {
  return typeof value === 'object' && value !== null && validated.has(value as Query);
}

// Iterative, so hostile nesting cannot overflow the stack before it is refused.
function scan(value: unknown): 'unrecognised' | 'too-big' | 'ok' {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let nodes = 0;
  let tooBig = false;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) tooBig = true;
    if (typeof v === 'string') {
      if (TOKEN.test(v) && !OPERATORS.has(v)) return 'unrecognised';
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push([x, depth + 1]);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (TOKEN.test(k) && !OPERATORS.has(k)) return 'unrecognised';
        stack.push([x, depth + 1]);
      }
    }
  }
  return tooBig ? 'too-big' : 'ok';
}

/**
 * Checks a consumer `q` (text) in the order of spec §4.3 and returns the query's
 * AST. Never throws. An empty string is read as `{}` (missing or empty `q`).
 * Any other input is judged as a JSON value, as {@link validateQueryValue} does.
 * @example validateQuery('{"name":"India"}') // { ok: true, query: … }
 * @example validateQuery('{"name":{"$exists":true}}') // { ok: false, reason: 'Query contains unrecognised operations' }
 */
export function validateQuery(input: unknown): ValidationResult {
  if (typeof input !== 'string') return validateQueryValue(input);
  let value: unknown;
  try {
    value = input === '' ? {} : JSON.parse(input);
  } catch {
    return { ok: false, reason: QUERY_REASONS.notJson };
  }
  return judge(value);
}

/**
 * Checks a query that is already a JSON value, such as a policy's `segment_query`
 * (spec §2.6), exactly as the same value sent as a consumer `q`: a JSON string is
 * a string value, never query text, so `"x"` and `"{\"type\":\"country\"}"` both
 * give `Query cannot be parsed`, like `q="x"`. Never throws.
 * @example validateQueryValue({ type: 'country' }) // { ok: true, query: … }
 * @example validateQueryValue('{"type":"country"}') // { ok: false, reason: 'Query cannot be parsed' }
 */
export function validateQueryValue(input: unknown): ValidationResult {
  let value: unknown;
  try {
    // Round-trip through JSON so a value is judged exactly as its JSON text.
    const text = JSON.stringify(input);
    if (text === undefined) return { ok: false, reason: QUERY_REASONS.unparseable };
    value = JSON.parse(text);
  } catch {
    // a cycle or a BigInt in the input
    return { ok: false, reason: QUERY_REASONS.unparseable };
  }
  return judge(value);
}

/** Checks 2 and 3 of spec §4.3 on a parsed JSON value. */
function judge(value: unknown): ValidationResult {
  try {
    const scanned = scan(value);
    if (scanned === 'unrecognised') return { ok: false, reason: QUERY_REASONS.unrecognised };
    if (scanned === 'too-big') return { ok: false, reason: QUERY_REASONS.unparseable };
    const query = toQuery(value as Json);
    validated.add(query);
    return { ok: true, query };
  } catch {
    // Unparseable from the parser, or a stack overflow.
    return { ok: false, reason: QUERY_REASONS.unparseable };
  }
}

function toQuery(value: Json): Query {
  if (Array.isArray(value)) {
    if (value.length > 0) throw new Unparseable();
    return { kind: 'query', root: null };
  }
  if (typeof value !== 'object' || value === null) throw new Unparseable();
  if (Object.keys(value).length === 0) return { kind: 'query', root: null };
  return { kind: 'query', root: parseQueryObject(value) };
}
