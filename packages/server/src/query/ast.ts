import type { Geometry, MultiPolygon, Polygon } from '../geo/index.js';

/** A JSON value as parsed from a query. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `$lt $lte $gt $gte`. */
export type Comparison = 'lt' | 'lte' | 'gt' | 'gte';

/** One operator applied to a field; several on one field are ANDed. */
export type FieldOp =
  /** `{"p": v}`: like `$eq`, except that `null` means missing or null. */
  | { op: 'implicit'; value: Json }
  | { op: 'eq' | 'ne' | 'contains'; value: Json }
  | { op: Comparison; value: Json }
  | { op: 'in' | 'nin'; values: Json[] }
  | { op: 'regex'; pattern: string; caseInsensitive: boolean }
  | { op: 'not'; ops: FieldOp[] }
  | { op: 'near'; geometry: Geometry; min: number | null; max: number | null }
  | { op: 'within'; geometry: Polygon | MultiPolygon };

/** A (sub-)query. An `and` with no items is a sub-query `{}`: it matches everything. */
export type QueryNode =
  | { kind: 'and' | 'or' | 'nor'; items: QueryNode[] }
  | { kind: 'not'; item: QueryNode }
  /** `path`: the dotted key split on `.`, e.g. `['entity', 'currency', 'code']`. */
  | { kind: 'field'; path: string[]; ops: FieldOp[] };

/**
 * A validated query. `root` is null for the top-level `{}` and `[]`, which match
 * nothing (spec §4.3: `{}` never returns everything).
 */
export interface Query {
  readonly kind: 'query';
  readonly root: QueryNode | null;
}
