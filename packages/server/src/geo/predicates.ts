import { booleanWithin } from '@turf/boolean-within';
import { geometryDistance } from './distance.js';
import type { Geometry, MultiPolygon, Polygon } from './geometry.js';

/**
 * `$near`: distance d between field and target satisfies min ≤ d ≤ max when both
 * bounds are given, d < max with only max, d > min with only min (spec §4.3).
 */
export function isNear(field: Geometry, target: Geometry, min: number | null, max: number | null): boolean {
  const d = geometryDistance(field, target);
  if (min !== null && max !== null) return d >= min && d <= max;
  if (max !== null) return d < max;
  if (min !== null) return d > min;
  return false;
}

/**
 * `$within`: the field geometry lies inside the polygon(s), planar, boundary
 * excluded as in Turf's booleanWithin. A Polygon container is read as a
 * one-polygon MultiPolygon so every field geometry type is supported.
 */
export function isWithin(field: Geometry, container: Polygon | MultiPolygon): boolean {
  const multi: MultiPolygon =
    container.type === 'Polygon' ? { type: 'MultiPolygon', coordinates: [container.coordinates] } : container;
  try {
    return booleanWithin(field as never, multi as never);
  } catch {
    return false;
  }
}
