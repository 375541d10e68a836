/** A record placed on the map. */
export interface Placed {
  id: string;
  type: string;
  name: string;
  /** [longitude, latitude] */
  at: [number, number];
}

const GEO_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);

function isGeometry(v: unknown): v is { type: string; coordinates: unknown } {
  return (
    v !== null &&
    typeof v === 'object' &&
    GEO_TYPES.has((v as { type?: unknown }).type as string) &&
    Array.isArray((v as { coordinates?: unknown }).coordinates)
  );
}

/** First position of a GeoJSON coordinates array (a point for clustering; the server tests the real shape). */
function firstPosition(c: unknown): [number, number] | undefined {
  let cur = c;
  while (Array.isArray(cur) && Array.isArray(cur[0])) cur = cur[0];
  if (Array.isArray(cur) && typeof cur[0] === 'number' && typeof cur[1] === 'number') return [cur[0], cur[1]];
  return undefined;
}

/** Where a GeoJSON geometry value is placed on the map (its first position), or undefined for anything else. */
export function positionOf(value: unknown): [number, number] | undefined {
  return isGeometry(value) ? firstPosition(value.coordinates) : undefined;
}

/**
 * A list item placed by its `fields` (the Consumer API's `?fields=`): the first of `paths` that holds a GeoJSON
 * geometry, with that path; undefined when none does (no location, or the policy masks it).
 */
export function placeItem(
  item: { id: string; type: string; name: string; fields?: Record<string, unknown> },
  paths: readonly string[],
): { placed: Placed; path: string } | undefined {
  for (const path of paths) {
    const at = positionOf(item.fields?.[path]);
    if (at) return { placed: { id: item.id, type: item.type, name: item.name, at }, path };
  }
  return undefined;
}

/**
 * The first GeoJSON geometry in a record's entity (breadth-first), with its dotted path for `$near` and
 * `$within`, e.g. `{ path: 'entity.location', at: [2.35, 48.85] }`.
 */
export function findGeometry(entity: unknown, prefix = 'entity'): { path: string; at: [number, number] } | undefined {
  const queue: [string, unknown][] = [[prefix, entity]];
  for (let i = 0; i < queue.length && i < 200; i += 1) {
    const [path, value] = queue[i] as [string, unknown];
    if (isGeometry(value)) {
      const at = firstPosition(value.coordinates);
      if (at) return { path, at };
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      for (const [k, v] of Object.entries(value)) if (/^[A-Za-z_][\w-]*$/.test(k)) queue.push([`${path}.${k}`, v]);
  }
  return undefined;
}

/** A `$near` query: records within `radiusKm` of the point (metres on the wire). */
export function nearQuery(base: Record<string, unknown>, path: string, at: [number, number], radiusKm: number) {
  const max = Math.max(1, Math.round(radiusKm * 1000));
  return { ...base, [path]: { $near: { $geometry: { type: 'Point', coordinates: at }, $max: max } } };
}

/** A `$within` query: records inside the polygon (a closed ring is made of the clicked points). */
export function withinQuery(base: Record<string, unknown>, path: string, ring: [number, number][]) {
  const first = ring[0] as [number, number];
  const closed = [...ring, first];
  return { ...base, [path]: { $within: { $geometry: { type: 'Polygon', coordinates: [closed] } } } };
}
