import type BetterSqlite3 from 'better-sqlite3';
import { type Geometry, isNear, isWithin, type MultiPolygon, type Polygon, parseGeometry } from '../geo/index.js';
import type { Json } from './ast.js';
import { jsonCompare, jsonContains, jsonEqual } from './json-value.js';
import { Lru } from './lru.js';
import { removePath } from './masks.js';
import { regexMatches } from './regex.js';

// Operands repeat on every row of a query: parse each once.
const operands = new Lru<string, { value: Json } | null>(128);

function operand(text: unknown): { value: Json } | null {
  if (typeof text !== 'string') return null;
  return operands.getOrSet(text, () => {
    try {
      return { value: JSON.parse(text) as Json };
    } catch {
      return null;
    }
  });
}

function field(text: unknown): { value: Json } | null {
  if (typeof text !== 'string') return null;
  try {
    return { value: JSON.parse(text) as Json };
  } catch {
    return null;
  }
}

const geometries = new Lru<string, Geometry | null>(64);
const targetGeometry = (text: unknown) =>
  typeof text === 'string' ? geometries.getOrSet(text, () => parseGeometry(operand(text)?.value)) : null;

const bool = (b: boolean) => (b ? 1 : 0);

// A function must never fail the query: a bad or odd row just does not match.
function safe<A extends unknown[], R extends number | string>(fn: (...args: A) => R | null) {
  return (...args: A): R | null => {
    try {
      return fn(...args);
    } catch {
      return null;
    }
  };
}

const bound = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null);

/**
 * Registers the functions that rendered queries call:
 * `bbk_regexp(pattern, flags, value)`, `bbk_json_equal(a, b)`,
 * `bbk_json_contains(a, b)`, `bbk_json_compare(a, b)`,
 * `bbk_geo_near(field, geometry, min, max)` and `bbk_geo_within(field, geometry)`.
 * JSON arguments are JSON text; field arguments come from `doc -> path`.
 * @example registerSqliteFunctions(db)
 */
export function registerSqliteFunctions(db: BetterSqlite3.Database): void {
  // varargs: the wrappers take rest parameters, so better-sqlite3 cannot infer the arity.
  const options = { deterministic: true, varargs: true };
  db.function(
    'bbk_regexp',
    options,
    safe((pattern: unknown, flags: unknown, value: unknown) => {
      if (typeof pattern !== 'string' || typeof value !== 'string') return null;
      return bool(regexMatches(pattern, typeof flags === 'string' && flags.includes('i'), value));
    }),
  );
  const binary = (name: string, test: (a: Json, b: Json) => number | boolean) =>
    db.function(
      name,
      options,
      safe((a: unknown, b: unknown) => {
        const x = field(a);
        const y = operand(b);
        if (x === null || y === null) return null;
        const result = test(x.value, y.value);
        return typeof result === 'boolean' ? bool(result) : result;
      }),
    );
  db.function(
    'bbk_json_without',
    options,
    safe((doc: unknown, paths: unknown) => {
      if (typeof doc !== 'string' || typeof paths !== 'string') return null;
      let value: unknown = JSON.parse(doc);
      for (const path of JSON.parse(paths) as string[][]) value = removePath(value, path);
      return JSON.stringify(value);
    }),
  );
  binary('bbk_json_equal', jsonEqual);
  binary('bbk_json_contains', (a, b) => Array.isArray(b) && jsonContains(a, b));
  binary('bbk_json_compare', jsonCompare);
  db.function(
    'bbk_geo_near',
    options,
    safe((a: unknown, g: unknown, min: unknown, max: unknown) => {
      const target = targetGeometry(g);
      const f = parseGeometry(field(a)?.value);
      if (target === null || f === null) return 0;
      return bool(isNear(f, target, bound(min), bound(max)));
    }),
  );
  db.function(
    'bbk_geo_within',
    options,
    safe((a: unknown, g: unknown) => {
      const target = targetGeometry(g);
      const f = parseGeometry(field(a)?.value);
      if (target === null || f === null || (target.type !== 'Polygon' && target.type !== 'MultiPolygon')) return 0;
      return bool(isWithin(f, target as Polygon | MultiPolygon));
    }),
  );
}
