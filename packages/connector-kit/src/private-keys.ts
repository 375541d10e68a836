import type { JsonObject } from '@bbk/sdk';

/**
 * A record as a connector's source holds it: the upsert shape (`id`, `name`, `entity`, `instance?`)
 * plus any `_`-prefixed keys the connector keeps to itself (the kit never sends them).
 */
export interface SourceRecord<E extends object = JsonObject, I extends object = JsonObject> {
  id: string;
  name: string;
  entity: E;
  instance?: I;
  [privateKey: `_${string}`]: unknown;
}

/** Keys that start with this prefix are connector-private and never sent to the catalog. */
export const PRIVATE_PREFIX = '_';

/**
 * A deep copy of `value` without any object key that starts with `_`, at any depth
 * (arrays included). Values that are not plain JSON containers are returned as they are.
 * @example stripPrivate({ id: 'GB', _wikidata: 'Q145', entity: { a: 1, _b: 2 } }) // { id: 'GB', entity: { a: 1 } }
 */
export function stripPrivate<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => stripPrivate(item)) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!key.startsWith(PRIVATE_PREFIX)) out[key] = stripPrivate(item);
  }
  return out as T;
}

/**
 * Dotted paths of every private key in `value`, for reports and assertions.
 * @example privatePaths({ entity: { list: [{ _x: 1 }] } }) // ['entity.list[0]._x']
 */
export function privatePaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => privatePaths(item, `${prefix}[${i}]`));
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const at = prefix ? `${prefix}.${key}` : key;
    return key.startsWith(PRIVATE_PREFIX) ? [at] : privatePaths(item, at);
  });
}

/** A plain object (not an array, Date, Buffer or class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
