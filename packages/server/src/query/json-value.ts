import type { Json } from './ast.js';

type JsonObject = { [key: string]: Json };

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of JSON values; object key order is ignored. */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]!));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k]!, b[k]!));
  }
  return false;
}

/**
 * JSON containment as PostgreSQL's jsonb `@>`: an array contains an array when
 * every element of the second is contained by some element of the first (any
 * order, duplicates and extras allowed); an object contains an object when every
 * key of the second is present with a contained value; scalars must be equal.
 */
export function jsonContains(a: Json, b: Json): boolean {
  if (Array.isArray(b)) return Array.isArray(a) && b.every((y) => a.some((x) => jsonContains(x, y)));
  if (isObject(b)) return isObject(a) && Object.keys(b).every((k) => Object.hasOwn(a, k) && jsonContains(a[k]!, b[k]!));
  return a === b;
}

function rank(v: Json): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'string':
      return 1;
    case 'number':
      return 2;
    case 'boolean':
      return 3;
    default:
      return Array.isArray(v) ? 4 : 5;
  }
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

// Code point order, as SQLite's BINARY collation sorts UTF-8.
function compareText(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return sign(d);
  }
  return sign(x.length - y.length);
}

// PostgreSQL stores object keys shorter first, then bytewise.
const keyOrder = (a: string, b: string) => a.length - b.length || compareText(a, b);

/**
 * Total order of JSON values as PostgreSQL's jsonb: null < string < number <
 * boolean < array < object; arrays by length then element-wise; objects by pair
 * count then key/value pairs in key order. Returns -1, 0 or 1.
 */
export function jsonCompare(a: Json, b: Json): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return sign(ra - rb);
  if (typeof a === 'string') return compareText(a, b as string);
  if (typeof a === 'number') return sign(a - (b as number));
  if (typeof a === 'boolean') return sign(Number(a) - Number(b as boolean));
  if (Array.isArray(a)) {
    const y = b as Json[];
    if (a.length !== y.length) return sign(a.length - y.length);
    for (let i = 0; i < a.length; i++) {
      const c = jsonCompare(a[i]!, y[i]!);
      if (c !== 0) return c;
    }
    return 0;
  }
  if (a === null) return 0;
  const x = a as JsonObject;
  const y = b as JsonObject;
  const kx = Object.keys(x).sort(keyOrder);
  const ky = Object.keys(y).sort(keyOrder);
  if (kx.length !== ky.length) return sign(kx.length - ky.length);
  for (let i = 0; i < kx.length; i++) {
    const c = keyOrder(kx[i]!, ky[i]!);
    if (c !== 0) return sign(c);
    const v = jsonCompare(x[kx[i]!]!, y[ky[i]!]!);
    if (v !== 0) return v;
  }
  return 0;
}
