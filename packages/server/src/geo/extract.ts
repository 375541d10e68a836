import { type BBox, geometryBBox, parseGeometry } from './geometry.js';

/** A geometry found in a record: its dotted path (as queries name it) and planar bbox. */
export interface GeometryEntry {
  path: string;
  bbox: BBox;
}

const MAX_DEPTH = 64;

/**
 * Every valid GeoJSON geometry object anywhere in a stored record's `entity` and
 * `instance`, for the `record_geo` spatial index. Array elements get numeric
 * segments, so `entity.places.0` names the first element of `entity.places`.
 * @example extractGeometries({ entity: { location: { type: 'Point', coordinates: [1, 2] } } })
 * // [{ path: 'entity.location', bbox: [1, 2, 1, 2] }]
 */
export function extractGeometries(doc: unknown): GeometryEntry[] {
  const out: GeometryEntry[] = [];
  if (typeof doc !== 'object' || doc === null) return out;
  const root = doc as Record<string, unknown>;
  const stack: Array<{ value: unknown; path: string; depth: number }> = [];
  for (const section of ['instance', 'entity']) stack.push({ value: root[section], path: section, depth: 0 });
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) continue;
    const geometry = parseGeometry(value);
    if (geometry !== null) {
      out.push({ path, bbox: geometryBBox(geometry) });
      continue;
    }
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      stack.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return out;
}
