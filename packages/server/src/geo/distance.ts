import { booleanIntersects } from '@turf/boolean-intersects';
import { type BBox, type Geometry, type Position, vertices } from './geometry.js';

/** Mean Earth radius in metres (the value Turf uses). */
export const EARTH_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;
const MARGIN = 1e-6;

/**
 * Great-circle distance in metres between two [lon, lat] positions (haversine).
 * @example haversine([0, 0], [0, 1]) // ≈ 111195
 */
export function haversine(a: Position, b: Position): number {
  const dLat = (b[1] - a[1]) * RAD;
  const dLon = (b[0] - a[0]) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

type Segment = [Position, Position];

function segments(g: Geometry): Segment[] {
  const lines: Position[][] =
    g.type === 'LineString'
      ? [g.coordinates]
      : g.type === 'MultiLineString' || g.type === 'Polygon'
        ? g.coordinates
        : g.type === 'MultiPolygon'
          ? g.coordinates.flat()
          : [];
  const out: Segment[] = [];
  for (const line of lines) {
    for (let i = 1; i < line.length; i++) out.push([line[i - 1]!, line[i]!]);
  }
  return out;
}

// Nearest point of the (planar, lon/lat) segment to p, found in an equirectangular
// projection centred on p, then measured on the sphere.
function segmentDistance(p: Position, [a, b]: Segment): number {
  const k = Math.cos(p[1] * RAD);
  const ax = (a[0] - p[0]) * k;
  const ay = a[1] - p[1];
  const bx = (b[0] - p[0]) * k;
  const by = b[1] - p[1];
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  return haversine(p, [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
}

function distanceTo(p: Position, g: Geometry, segs: Segment[]): number {
  let best = Number.POSITIVE_INFINITY;
  if (segs.length === 0) {
    for (const q of vertices(g)) best = Math.min(best, haversine(p, q));
  } else {
    for (const s of segs) best = Math.min(best, segmentDistance(p, s));
  }
  return best;
}

function pointLike(g: Geometry): boolean {
  return g.type === 'Point' || g.type === 'MultiPoint';
}

/**
 * Distance in metres between two geometries, read as planar shapes in lon/lat
 * (straight segments, filled polygons) and measured on the sphere: 0 when they
 * intersect, else the smallest haversine distance between a vertex of one and the
 * nearest point of the other's segments (or points).
 */
export function geometryDistance(a: Geometry, b: Geometry): number {
  if (pointLike(a) && pointLike(b)) {
    let best = Number.POSITIVE_INFINITY;
    for (const p of vertices(a)) for (const q of vertices(b)) best = Math.min(best, haversine(p, q));
    return best;
  }
  if (intersects(a, b)) return 0;
  const segsA = segments(a);
  const segsB = segments(b);
  let best = Number.POSITIVE_INFINITY;
  for (const p of vertices(a)) best = Math.min(best, distanceTo(p, b, segsB));
  for (const p of vertices(b)) best = Math.min(best, distanceTo(p, a, segsA));
  return best;
}

type Part = { type: 'Point'; coordinates: Position } | { type: 'LineString' | 'Polygon'; coordinates: unknown };

const samePosition = (p: Position, q: Position) => p[0] === q[0] && p[1] === q[1];
const withoutRepeats = (line: Position[]) => line.filter((p, i) => i === 0 || !samePosition(p, line[i - 1]!));

/**
 * The single parts of a geometry, with repeated consecutive positions dropped and a line that
 * collapses to one position read as that point. Turf takes a zero-length segment for a vertical
 * line through its longitude, so `[[10, 45], [10, 45]]` would meet every point at longitude 10.
 */
function parts(g: Geometry): Part[] {
  const line = (coordinates: Position[]): Part => {
    const kept = withoutRepeats(coordinates);
    return kept.length === 1 ? { type: 'Point', coordinates: kept[0]! } : { type: 'LineString', coordinates: kept };
  };
  const polygon = (rings: Position[][]): Part => {
    const kept = rings.map(withoutRepeats);
    return { type: 'Polygon', coordinates: kept.every((r) => r.length >= 4) ? kept : rings };
  };
  switch (g.type) {
    case 'Point':
      return [g];
    case 'MultiPoint':
      return g.coordinates.map((coordinates) => ({ type: 'Point', coordinates }));
    case 'LineString':
      return [line(g.coordinates)];
    case 'MultiLineString':
      return g.coordinates.map(line);
    case 'Polygon':
      return [polygon(g.coordinates)];
    case 'MultiPolygon':
      return g.coordinates.map(polygon);
  }
}

/** Whether two geometries share a point (planar, boundaries included), part by part. */
function intersects(a: Geometry, b: Geometry): boolean {
  const pb = parts(b);
  return parts(a).some((x) => pb.some((y) => booleanIntersects(x as never, y as never)));
}

/**
 * A planar box that contains every point within `metres` of `box` on the sphere,
 * or null when it would be the whole world. Longitudes widen to ±180 when the
 * circle reaches a pole or wraps the antimeridian (never split in two).
 */
export function expandBBox(box: BBox, metres: number): BBox | null {
  // Over-estimate slightly (1e-6° ≈ 11 cm), so float rounding can never exclude a true match.
  const delta = (metres / EARTH_RADIUS_M) * (1 + 1e-9) + 1e-12;
  const dLat = delta / RAD + MARGIN;
  const minY = box[1] - dLat;
  const maxY = box[3] + dLat;
  if (minY <= -90 && maxY >= 90) return null;
  // Widest longitude offset of a circle of angular radius delta: at the box's highest |latitude|.
  const phi = Math.max(Math.abs(box[1]), Math.abs(box[3])) * RAD;
  const s = Math.sin(Math.min(delta, Math.PI / 2));
  const cosPhi = Math.cos(phi);
  let minX = -180;
  let maxX = 180;
  if (minY > -90 && maxY < 90 && s < cosPhi) {
    const dLon = Math.asin(s / cosPhi) / RAD + MARGIN;
    if (box[0] - dLon > -180 && box[2] + dLon < 180) {
      minX = box[0] - dLon;
      maxX = box[2] + dLon;
    }
  }
  return [minX, Math.max(-90, minY), maxX, Math.min(90, maxY)];
}
