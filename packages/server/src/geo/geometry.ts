/** A position: longitude, latitude (an altitude, if given, is dropped). */
export type Position = [number, number];
/** Minimum longitude, minimum latitude, maximum longitude, maximum latitude. */
export type BBox = [number, number, number, number];

export type Point = { type: 'Point'; coordinates: Position };
export type MultiPoint = { type: 'MultiPoint'; coordinates: Position[] };
export type LineString = { type: 'LineString'; coordinates: Position[] };
export type MultiLineString = { type: 'MultiLineString'; coordinates: Position[][] };
export type Polygon = { type: 'Polygon'; coordinates: Position[][] };
export type MultiPolygon = { type: 'MultiPolygon'; coordinates: Position[][][] };
/** The flat GeoJSON geometries bbk understands (no GeometryCollection). */
export type Geometry = Point | MultiPoint | LineString | MultiLineString | Polygon | MultiPolygon;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function position(value: unknown): Position | null {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) return null;
  if (!value.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  const [lon, lat] = value as [number, number];
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) return null;
  return [lon, lat];
}

function positions(value: unknown, min: number): Position[] | null {
  if (!Array.isArray(value) || value.length < min) return null;
  const out: Position[] = [];
  for (const item of value) {
    const p = position(item);
    if (p === null) return null;
    out.push(p);
  }
  return out;
}

function ring(value: unknown): Position[] | null {
  const ps = positions(value, 4);
  if (ps === null) return null;
  const first = ps[0]!;
  const last = ps[ps.length - 1]!;
  return first[0] === last[0] && first[1] === last[1] ? ps : null;
}

function list<T>(value: unknown, item: (v: unknown) => T | null): T[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const out: T[] = [];
  for (const v of value) {
    const parsed = item(v);
    if (parsed === null) return null;
    out.push(parsed);
  }
  return out;
}

const lineString = (v: unknown) => positions(v, 2);
const polygon = (v: unknown) => list(v, ring);

/**
 * Validates a GeoJSON geometry object and returns a normalised 2-D copy, or null.
 * Positions must be finite WGS84 longitude/latitude; lines need two positions,
 * polygon rings four and must be closed. Other members (bbox, properties…) are ignored.
 * @example parseGeometry({ type: 'Point', coordinates: [1.6, 42.5] }) // { type: 'Point', coordinates: [1.6, 42.5] }
 */
export function parseGeometry(value: unknown): Geometry | null {
  if (!isRecord(value)) return null;
  const c = value.coordinates;
  switch (value.type) {
    case 'Point': {
      const p = position(c);
      return p && { type: 'Point', coordinates: p };
    }
    case 'MultiPoint': {
      const ps = list(c, position);
      return ps && { type: 'MultiPoint', coordinates: ps };
    }
    case 'LineString': {
      const ps = lineString(c);
      return ps && { type: 'LineString', coordinates: ps };
    }
    case 'MultiLineString': {
      const ls = list(c, lineString);
      return ls && { type: 'MultiLineString', coordinates: ls };
    }
    case 'Polygon': {
      const rings = polygon(c);
      return rings && { type: 'Polygon', coordinates: rings };
    }
    case 'MultiPolygon': {
      const polys = list(c, polygon);
      return polys && { type: 'MultiPolygon', coordinates: polys };
    }
    default:
      return null;
  }
}

/** Every position of a geometry, flattened. */
export function vertices(g: Geometry): Position[] {
  switch (g.type) {
    case 'Point':
      return [g.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return g.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return g.coordinates.flat();
    case 'MultiPolygon':
      return g.coordinates.flat(2);
  }
}

/** Planar bounding box of a geometry (longitude/latitude as plain numbers). */
export function geometryBBox(g: Geometry): BBox {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const [x, y] of vertices(g)) {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}
