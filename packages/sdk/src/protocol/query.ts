/**
 * The consumer query language (spec §4.3), also used by a policy's `segment_query` (§2.6).
 * Mongo-like: keys are dotted paths into the stored record, values are literals or operator objects.
 * @example const q: Query = { type: 'country', 'entity.population': { $gt: 1e6 }, $or: [{ 'entity.continent': 'Europe' }] };
 */

/** A JSON literal usable as a query value. */
export type QueryScalar = string | number | boolean | null;

/**
 * An object compared by deep equality. Keys starting with `$` are reserved for operators,
 * so `{ $gtt: 5 }` is a compile error instead of a silent equality test.
 */
export type QueryObject = { readonly [key: string]: QueryValue } & { readonly [op: `$${string}`]: never };

/** Any JSON value a query can compare a field with. */
export type QueryValue = QueryScalar | readonly QueryValue[] | QueryObject;

/** A position: `[longitude, latitude]` (optionally with altitude). */
export type Position = readonly [number, number] | readonly [number, number, number];

/** A flat GeoJSON geometry (no GeometryCollection: `$geometry` may not nest objects). */
export type Geometry =
  | { readonly type: 'Point'; readonly coordinates: Position }
  | { readonly type: 'MultiPoint' | 'LineString'; readonly coordinates: readonly Position[] }
  | { readonly type: 'MultiLineString' | 'Polygon'; readonly coordinates: readonly (readonly Position[])[] }
  | { readonly type: 'MultiPolygon'; readonly coordinates: readonly (readonly (readonly Position[])[])[] };

/** `$near`: great-circle distance in whole metres; at least one of `$min`, `$max`. */
export type NearOperand =
  | { readonly $geometry: Geometry; readonly $min: number; readonly $max?: number }
  | { readonly $geometry: Geometry; readonly $min?: number; readonly $max: number };

/** Operators applicable to one field; several on one field are ANDed. */
export interface FieldOperators {
  readonly $eq?: QueryValue;
  readonly $ne?: QueryValue;
  readonly $lt?: QueryValue;
  readonly $lte?: QueryValue;
  readonly $gt?: QueryValue;
  readonly $gte?: QueryValue;
  readonly $in?: readonly QueryValue[];
  readonly $nin?: readonly QueryValue[];
  readonly $contains?: QueryValue;
  /** Unanchored regular expression (PostgreSQL ARE flavour, like JS for the common cases). */
  readonly $regex?: string;
  /** Only with `$regex`; `i` makes it case-insensitive. */
  readonly $options?: string;
  readonly $not?: FieldOperators;
  readonly $near?: NearOperand;
  readonly $within?: { readonly $geometry: Geometry };
}

/** What a path maps to: a literal (equality / containment) or operators. */
export type FieldCondition = QueryValue | FieldOperators;

/** Paths into the stored record `{ id, name, type, entity, instance, timeseries }` (spec §3.4). */
export type QueryPath =
  | 'id'
  | 'name'
  | 'type'
  | 'entity'
  | 'instance'
  | 'timeseries'
  | `entity.${string}`
  | `instance.${string}`
  | `timeseries.${string}`;

/** Logical operators; each array must be non-empty. */
export interface LogicalOperators {
  readonly $and?: readonly Query[];
  readonly $or?: readonly Query[];
  readonly $nor?: readonly Query[];
  readonly $not?: Query;
}

/**
 * A consumer catalog query or policy segment query. `{}` matches nothing on `/catalog`.
 * @example const q: Query = { 'entity.location': { $near: { $geometry: { type: 'Point', coordinates: [-0.1, 51.5] }, $max: 5000 } } };
 */
export type Query = LogicalOperators & { readonly [P in QueryPath]?: FieldCondition };

/**
 * Identity helper that checks a query at compile time and keeps its literal type.
 * @example const big = defineQuery({ 'entity.population': { $gt: 1e6 } });
 */
export function defineQuery<const Q extends Query>(query: Q): Q {
  return query;
}
