import { createHash } from 'node:crypto';
import { isPlainObject } from '../private-keys.js';

/**
 * The consumer-facing public id of a record: sha1 of `"{contribution id}:{vendor id}"` (spec §3.3).
 * @example publicId('9afcf3235500836c6fcd9e82110dbc05ffbb734b', 'GB')
 */
export function publicId(contributionId: string, vendorId: string): string {
  return createHash('sha1').update(`${contributionId}:${vendorId}`).digest('hex');
}

const BBK_LINK = /^[bB][bB][kK]:\/\/([a-z0-9][a-z0-9-]+)\/([a-z0-9][a-z0-9-]+)\/([^/]+)$/;

/**
 * A value as a consumer sees it in a detail: every string that is a bbk link
 * (`bbk://{type}/{contribution id}/{vendor id}`) becomes `{route}/entity/{type}/{public id}` (spec §4.4 step 5).
 * @example consumerView({ country: 'bbk://country/abc…/GB' }, 'http://localhost:8003/v1')
 */
export function consumerView(value: unknown, route: string): unknown {
  if (typeof value === 'string') {
    const m = BBK_LINK.exec(value);
    return m ? `${route}/entity/${m[1]}/${publicId(m[2] as string, m[3] as string)}` : value;
  }
  if (Array.isArray(value)) return value.map((item) => consumerView(item, route));
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, consumerView(v, route)]));
  return value;
}

/**
 * Structural equality of JSON values (key order ignored, `undefined` members treated as absent,
 * as JSON would drop them).
 * @example jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }) // true
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);
    const ka = keys(a);
    return ka.length === keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Describes how `actual` differs from `expected` at its top-level keys, for failure messages.
 * Only the keys of `expected` that are not in `skip` are compared; extra keys in `actual` are allowed.
 * @example sectionDiff({ a: 1 }, { a: 2 }, new Set()) // ['a: expected 1, got 2']
 */
export function sectionDiff(
  expected: Record<string, unknown>,
  actual: Record<string, unknown>,
  skip: ReadonlySet<string>,
): string[] {
  const diffs: string[] = [];
  for (const [key, value] of Object.entries(expected)) {
    if (skip.has(key) || value === undefined) continue;
    if (!Object.hasOwn(actual, key)) diffs.push(`${key}: missing`);
    else if (!jsonEqual(value, actual[key])) diffs.push(`${key}: expected ${brief(value)}, got ${brief(actual[key])}`);
  }
  return diffs;
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Maps with at most `limit` calls in flight, keeping order.
 * @example await mapLimit(ids, 8, (id) => consumer.entity('country', id))
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Up to `count` items spread evenly over `items` (first and last included).
 * @example spread([1, 2, 3, 4, 5], 3) // [1, 3, 5]
 */
export function spread<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) return [...items];
  if (count <= 0) return [];
  if (count === 1) return items.slice(0, 1);
  const step = (items.length - 1) / (count - 1);
  return Array.from({ length: count }, (_, i) => items[Math.round(i * step)] as T);
}
