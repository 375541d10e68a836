import { type BBox, type Geometry, geometryBBox, parseGeometry } from './geometry.js';

/** A geometry found in a record: its dotted path (as queries name it) and planar bbox. */
export interface GeometryEntry {
  path: string;
  bbox: BBox;
}

/**
 * Whether a found geometry is one point (a bbox without extent) with a path. The SQLite store indexes such
 * geometries in a B-tree on (path, x, y) and the others in an R-tree (storage/sqlite/records/spatial-index.ts,
 * migration 9): a B-tree insert costs a third of an R-tree insert, and catalogs of places carry mostly points.
 */
export function isPoint(
  path: string | null | undefined,
  [minX, minY, maxX, maxY]: readonly [number, number, number, number],
): path is string {
  return typeof path === 'string' && minX === maxX && minY === maxY;
}

const MAX_DEPTH = 64;

/**
 * Every valid GeoJSON geometry object anywhere in a stored record's `entity` and
 * `instance`, for the `record_geo` spatial index. Array elements get numeric
 * segments, so `entity.places.0` names the first element of `entity.places`.
 * @example extractGeometries({ entity: { location: { type: 'Point', coordinates: [1, 2] } } })
 * // [{ path: 'entity.location', bbox: [1, 2, 1, 2] }]
 */
export function extractGeometries(doc: unknown, shapes?: FoundShape[]): GeometryEntry[] {
  const out: GeometryEntry[] = [];
  if (typeof doc !== 'object' || doc === null) return out;
  const root = doc as Record<string, unknown>;
  visit(root.entity, 'entity', 0, out, shapes);
  visit(root.instance, 'instance', 0, out, shapes);
  return out;
}

/** A found geometry with its normalised GeoJSON (`parseGeometry`), which `extractGeometries` also lists on request. */
export interface FoundShape {
  path: string;
  geometry: Geometry;
}

/**
 * Depth-first, in document order. Paths are built only for objects and arrays (the only
 * values that can hold a geometry), so a record's many scalar leaves cost a type check each.
 */
function visit(value: unknown, path: string, depth: number, out: GeometryEntry[], shapes?: FoundShape[]): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      if (typeof child === 'object' && child !== null) visit(child, `${path}.${i}`, depth + 1, out, shapes);
    }
    return;
  }
  const object = value as Record<string, unknown>;
  if (typeof object.type === 'string') {
    const geometry = parseGeometry(object);
    if (geometry !== null) {
      out.push({ path, bbox: geometryBBox(geometry) });
      shapes?.push({ path, geometry });
      return;
    }
  }
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const child = object[key];
    if (typeof child === 'object' && child !== null) visit(child, `${path}.${key}`, depth + 1, out, shapes);
  }
}
