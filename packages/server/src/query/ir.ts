import type { BBox, Geometry, MultiPolygon, Polygon } from '../geo/index.js';
import type { Comparison, Json } from './ast.js';

/** JSON value classes, as SQLite's json_type() names them. */
export type JsonType = 'null' | 'true' | 'false' | 'integer' | 'real' | 'text' | 'array' | 'object';

/**
 * Where a leaf reads its value: `path` into the stored record, after removing
 * the `without` sub-paths (masked attributes below `path`).
 */
export interface FieldRef {
  readonly path: readonly string[];
  readonly without: readonly (readonly string[])[];
}

/**
 * Leaves: every leaf is false when its field is missing, except `nullish`.
 * Negation is always explicit (`not`), so a masked leaf can be replaced by its
 * value on a missing field.
 */
export type IrLeaf =
  | { kind: 'exists'; field: FieldRef }
  /** Missing or JSON null. */
  | { kind: 'nullish'; field: FieldRef }
  | { kind: 'jsonType'; field: FieldRef; types: JsonType[] }
  /** Scalar comparison within the operand's class: text with text, number with number. */
  | { kind: 'cmp'; field: FieldRef; op: 'eq' | Comparison; value: string | number }
  | { kind: 'inText'; field: FieldRef; values: string[] }
  | { kind: 'inNumber'; field: FieldRef; values: number[] }
  /** Deep equality, key order ignored. */
  | { kind: 'jsonEqual'; field: FieldRef; value: Json }
  /** The field is an array that contains every element (jsonb `@>` semantics). */
  | { kind: 'jsonContains'; field: FieldRef; value: Json[] }
  /** Cross-type JSON ordering (null < string < number < boolean < array < object). */
  | { kind: 'jsonCompare'; field: FieldRef; op: Comparison; value: Json }
  | { kind: 'regex'; field: FieldRef; pattern: string; caseInsensitive: boolean }
  /** `prefilter`: a box the field's bbox must overlap (null: none possible). */
  | {
      kind: 'geoNear';
      field: FieldRef;
      geometry: Geometry;
      min: number | null;
      max: number | null;
      prefilter: BBox | null;
    }
  | { kind: 'geoWithin'; field: FieldRef; geometry: Polygon | MultiPolygon; prefilter: BBox };

/** The dialect-neutral intermediate form that every SQL renderer consumes. */
export type Ir =
  | { kind: 'const'; value: boolean }
  | { kind: 'and' | 'or'; items: Ir[] }
  | { kind: 'not'; item: Ir }
  /** The record's entity type is one of `types`. */
  | { kind: 'typeIn'; types: string[] }
  /** First case whose `types` contain the record's type decides; else `otherwise`. */
  | { kind: 'typeSwitch'; cases: Array<{ types: string[]; body: Ir }>; otherwise: Ir }
  | IrLeaf;
