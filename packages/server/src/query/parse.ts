import { type Geometry, type MultiPolygon, type Polygon, parseGeometry } from '../geo/index.js';
import type { FieldOp, Json, QueryNode } from './ast.js';
import { compileRegex } from './regex.js';
import { areRegex } from './regex-dialect.js';

/** Most elements accepted in one `$in` / `$nin` array. */
export const MAX_IN_LENGTH = 1000;

/** Thrown inside the parser for anything not compilable; never escapes validateQuery. */
export class Unparseable extends Error {}

function fail(): never {
  throw new Unparseable();
}

function isObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Keys starting with '$' are operators; inside a literal value they are refused
// rather than silently compared as data.
function literal(v: Json): Json {
  const stack: Json[] = [v];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (typeof x === 'number' && !Number.isFinite(x)) fail(); // 1e400
    if (Array.isArray(x)) stack.push(...x);
    else if (isObject(x)) {
      for (const [k, child] of Object.entries(x)) {
        if (k.startsWith('$')) fail();
        stack.push(child);
      }
    }
  }
  return v;
}

/** A query object: `{}` as a sub-query is an `and` of nothing (matches everything). */
export function parseQueryObject(o: Json): QueryNode {
  if (!isObject(o)) fail();
  const items: QueryNode[] = [];
  for (const [key, value] of Object.entries(o)) {
    switch (key) {
      case '$and':
      case '$or':
      case '$nor':
        if (!Array.isArray(value) || value.length === 0) fail();
        items.push({ kind: key === '$and' ? 'and' : key === '$or' ? 'or' : 'nor', items: value.map(parseQueryObject) });
        break;
      case '$not':
        items.push({ kind: 'not', item: parseQueryObject(value) });
        break;
      default:
        if (key.startsWith('$')) fail();
        items.push({ kind: 'field', path: key.split('.'), ops: parseFieldValue(value) });
    }
  }
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

function isOperatorObject(v: Json): v is { [key: string]: Json } {
  return isObject(v) && Object.keys(v).some((k) => k.startsWith('$'));
}

function parseFieldValue(v: Json): FieldOp[] {
  return isOperatorObject(v) ? parseOperators(v) : [{ op: 'implicit', value: literal(v) }];
}

function parseOperators(o: { [key: string]: Json }): FieldOp[] {
  const ops: FieldOp[] = [];
  for (const [key, value] of Object.entries(o)) {
    switch (key) {
      case '$eq':
      case '$ne':
      case '$contains':
        ops.push({ op: key === '$eq' ? 'eq' : key === '$ne' ? 'ne' : 'contains', value: literal(value) });
        break;
      case '$lt':
      case '$lte':
      case '$gt':
      case '$gte':
        ops.push({ op: key.slice(1) as 'lt' | 'lte' | 'gt' | 'gte', value: literal(value) });
        break;
      case '$in':
      case '$nin':
        if (!Array.isArray(value) || value.length > MAX_IN_LENGTH) fail();
        ops.push({ op: key === '$in' ? 'in' : 'nin', values: value.map(literal) });
        break;
      case '$regex':
        ops.push(parseRegex(value, o.$options));
        break;
      case '$options':
        if (!Object.hasOwn(o, '$regex')) fail();
        break;
      case '$not':
        if (
          !isObject(value) ||
          Object.keys(value).length === 0 ||
          !Object.keys(value).every((k) => k.startsWith('$'))
        ) {
          fail();
        }
        ops.push({ op: 'not', ops: parseOperators(value) });
        break;
      case '$near':
        ops.push(parseNear(value));
        break;
      case '$within':
        ops.push(parseWithin(value));
        break;
      default:
        // Non-'$' keys mixed with operators, and operators out of place ($and,
        // $geometry, $min, $max…) are not compilable.
        fail();
    }
  }
  return ops;
}

function parseRegex(pattern: Json, options: Json | undefined): FieldOp {
  if (typeof pattern !== 'string') fail();
  if (options !== undefined && typeof options !== 'string') fail();
  const caseInsensitive = options?.includes('i') ?? false;
  // RE2's syntax, where PostgreSQL's ARE can say the same (regex-dialect.ts): one dialect on both engines
  if (compileRegex(pattern, caseInsensitive) === null || areRegex(pattern, caseInsensitive) === null) fail();
  return { op: 'regex', pattern, caseInsensitive };
}

function onlyKeys(o: { [key: string]: Json }, allowed: readonly string[]): void {
  if (!Object.keys(o).every((k) => allowed.includes(k))) fail();
}

// `$geometry` is flat GeoJSON: no member may be an object.
function parseTarget(g: Json | undefined): Geometry {
  if (!isObject(g) || Object.values(g).some(isObject)) fail();
  return parseGeometry(g) ?? fail();
}

function bound(v: Json | undefined): number | null {
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail();
  return v;
}

function parseNear(v: Json): FieldOp {
  if (!isObject(v)) fail();
  onlyKeys(v, ['$geometry', '$min', '$max']);
  const geometry = parseTarget(v.$geometry);
  const min = bound(v.$min);
  const max = bound(v.$max);
  if (min === null && max === null) fail();
  return { op: 'near', geometry, min, max };
}

function parseWithin(v: Json): FieldOp {
  if (!isObject(v)) fail();
  onlyKeys(v, ['$geometry']);
  const geometry = parseTarget(v.$geometry);
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') fail();
  return { op: 'within', geometry: geometry as Polygon | MultiPolygon };
}
