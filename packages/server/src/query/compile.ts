import { expandBBox, geometryBBox } from '../geo/index.js';
import type { Comparison, FieldOp, Json, Query, QueryNode } from './ast.js';
import type { FieldRef, Ir, JsonType } from './ir.js';
import { and, FALSE, not, or } from './ir-build.js';
import { applyMasks, type FieldMask } from './masks.js';
import { isValidatedQuery, type QueryReason, validateQuery } from './validate.js';

export interface CompileOptions {
  /** Consumer field masks (spec §9): masked paths behave as absent for that type. */
  masks?: readonly FieldMask[];
}

/** Raised by compileQuery when handed raw input that does not validate. */
export class QueryError extends Error {
  readonly reason: QueryReason;

  constructor(reason: QueryReason) {
    super(reason);
    this.name = 'QueryError';
    this.reason = reason;
  }
}

/**
 * Compiles a query to the dialect-neutral IR. Takes a Query from validateQuery,
 * or raw query JSON, which is validated first (throws QueryError if invalid).
 * @example renderSqlite(compileQuery({ 'entity.area': { $gt: 3 } }))
 */
export function compileQuery(query: Query | unknown, options: CompileOptions = {}): Ir {
  let q: Query;
  if (isValidatedQuery(query)) q = query;
  else {
    const result = validateQuery(query);
    if (!result.ok) throw new QueryError(result.reason);
    q = result.query;
  }
  if (q.root === null) return FALSE;
  const ir = compileNode(q.root);
  return options.masks && options.masks.length > 0 ? applyMasks(ir, options.masks) : ir;
}

function compileNode(n: QueryNode): Ir {
  switch (n.kind) {
    case 'and':
      return and(n.items.map(compileNode));
    case 'or':
      return or(n.items.map(compileNode));
    case 'nor':
      return not(or(n.items.map(compileNode)));
    case 'not':
      return not(compileNode(n.item));
    case 'field': {
      const field: FieldRef = { path: n.path, without: [] };
      const ranges = n.ops.filter(isNumericRange);
      const parts = n.ops.filter((o) => !isNumericRange(o)).map((op) => compileOp(field, op));
      if (ranges.length > 0) parts.push(numericRange(field, ranges));
      return and(parts);
    }
  }
}

function compileOp(field: FieldRef, o: FieldOp): Ir {
  switch (o.op) {
    case 'implicit':
      return o.value === null ? { kind: 'nullish', field } : equals(field, o.value);
    case 'eq':
      return equals(field, o.value);
    case 'ne':
      return not(equals(field, o.value));
    case 'contains':
      return equals(field, o.value);
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return compare(field, o.op, o.value);
    case 'in':
      return inList(field, o.values);
    case 'nin':
      // Quirk kept from the original: an empty $nin matches nothing.
      if (o.values.length === 0) return FALSE;
      return and([{ kind: 'exists', field }, not(inList(field, o.values))]);
    case 'regex':
      return { kind: 'regex', field, pattern: o.pattern, caseInsensitive: o.caseInsensitive };
    case 'not':
      return not(and(o.ops.map((x) => compileOp(field, x))));
    case 'near': {
      const prefilter = o.max === null ? null : expandBBox(geometryBBox(o.geometry), o.max);
      return { kind: 'geoNear', field, geometry: o.geometry, min: o.min, max: o.max, prefilter };
    }
    case 'within':
      return { kind: 'geoWithin', field, geometry: o.geometry, prefilter: geometryBBox(o.geometry) };
  }
}

/** `$eq` semantics: exact type; arrays by containment; objects by deep equality. */
function equals(field: FieldRef, value: Json): Ir {
  if (value === null) return { kind: 'jsonType', field, types: ['null'] };
  if (typeof value === 'boolean') return { kind: 'jsonType', field, types: [value ? 'true' : 'false'] };
  if (typeof value === 'string' || typeof value === 'number') return { kind: 'cmp', field, op: 'eq', value };
  if (Array.isArray(value)) return { kind: 'jsonContains', field, value };
  return { kind: 'jsonEqual', field, value };
}

const BELOW_NUMBER: JsonType[] = ['null', 'text'];
const ABOVE_NUMBER: JsonType[] = ['true', 'false', 'array', 'object'];

type NumericRange = { op: Comparison; value: number };

function isNumericRange(o: FieldOp): o is FieldOp & NumericRange {
  return (o.op === 'lt' || o.op === 'lte' || o.op === 'gt' || o.op === 'gte') && typeof o.value === 'number';
}

/**
 * All numeric bounds on one field, merged: (every bound on numbers) OR (the JSON types
 * that every bound admits by class order). `{$gte: 5, $lt: 10}` admits no other type,
 * so it is one index range instead of two ORs that defeat the index.
 */
function numericRange(field: FieldRef, ranges: readonly NumericRange[]): Ir {
  let types: JsonType[] | undefined;
  for (const r of ranges) {
    const admitted = r.op === 'lt' || r.op === 'lte' ? BELOW_NUMBER : ABOVE_NUMBER;
    types = types === undefined ? [...admitted] : types.filter((t) => admitted.includes(t));
  }
  const numbers = and(ranges.map((r): Ir => ({ kind: 'cmp', field, op: r.op, value: r.value })));
  return types && types.length > 0 ? or([numbers, { kind: 'jsonType', field, types }]) : numbers;
}

function compare(field: FieldRef, op: Comparison, value: Json): Ir {
  if (typeof value === 'string') return { kind: 'cmp', field, op, value };
  if (typeof value === 'number') {
    // Numbers compare numerically; other JSON types by class order.
    const types = op === 'lt' || op === 'lte' ? BELOW_NUMBER : ABOVE_NUMBER;
    return or([
      { kind: 'cmp', field, op, value },
      { kind: 'jsonType', field, types },
    ]);
  }
  return { kind: 'jsonCompare', field, op, value };
}

function inList(field: FieldRef, values: Json[]): Ir {
  const texts = new Set<string>();
  const numbers = new Set<number>();
  const types = new Set<JsonType>();
  const composites: Ir[] = [];
  for (const v of values) {
    if (typeof v === 'string') texts.add(v);
    else if (typeof v === 'number') numbers.add(v);
    else if (v === null) types.add('null');
    else if (typeof v === 'boolean') types.add(v ? 'true' : 'false');
    else composites.push(equalsExactly(field, v));
  }
  const parts: Ir[] = [];
  const t = [...texts];
  const n = [...numbers];
  // Mixed strings and numbers are two index-friendly tests, never a type error.
  if (t.length === 1) parts.push({ kind: 'cmp', field, op: 'eq', value: t[0]! });
  else if (t.length > 1) parts.push({ kind: 'inText', field, values: t });
  if (n.length === 1) parts.push({ kind: 'cmp', field, op: 'eq', value: n[0]! });
  else if (n.length > 1) parts.push({ kind: 'inNumber', field, values: n });
  if (types.size > 0) parts.push({ kind: 'jsonType', field, types: [...types] });
  return or([...parts, ...composites]);
}

// `$in` elements that are arrays or objects must equal the field exactly.
function equalsExactly(field: FieldRef, value: Json): Ir {
  return { kind: 'jsonEqual', field, value };
}
