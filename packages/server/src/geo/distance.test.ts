import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BBox,
  EARTH_RADIUS_M,
  expandBBox,
  type Geometry,
  geometryDistance,
  haversine,
  type Position,
} from './index.js';

const RAD = Math.PI / 180;

// Destination point on the sphere (independent of the code under test).
function destination([lon, lat]: Position, bearingDeg: number, metres: number): Position {
  const d = metres / EARTH_RADIUS_M;
  const b = bearingDeg * RAD;
  const p1 = lat * RAD;
  const l1 = lon * RAD;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  const lonDeg = ((((l2 / RAD + 540) % 360) + 360) % 360) - 180;
  return [lonDeg, p2 / RAD];
}

// The reference formula above loses up to ~1e-6° near the poles (asin close to 1).
const SLACK = 1e-6;
const inBox = ([x, y]: Position, [minX, minY, maxX, maxY]: BBox) =>
  x >= minX - SLACK && x <= maxX + SLACK && y >= minY - SLACK && y <= maxY + SLACK;

describe('haversine', () => {
  it('matches known distances', () => {
    expect(haversine([0, 0], [0, 1])).toBeCloseTo(111_195.08, 1);
    expect(haversine([0, 0], [180, 0])).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
    expect(haversine([179.5, 0], [-179.5, 0])).toBeCloseTo(111_195.08, 1);
    expect(haversine([-0.1276, 51.5072], [2.3522, 48.8566])).toBeCloseTo(343_923, -3); // London–Paris
  });
});

describe('geometryDistance', () => {
  const line = {
    type: 'LineString' as const,
    coordinates: [
      [0, 0],
      [0, 10],
    ] as Position[],
  };
  const polygon = {
    type: 'Polygon' as const,
    coordinates: [
      [
        [0, 0],
        [2, 0],
        [2, 2],
        [0, 2],
        [0, 0],
      ],
    ] as Position[][],
  };

  it('points: haversine', () => {
    expect(
      geometryDistance({ type: 'Point', coordinates: [0, 0] }, { type: 'Point', coordinates: [0, 1] }),
    ).toBeCloseTo(111_195.08, 1);
    expect(
      geometryDistance(
        {
          type: 'MultiPoint',
          coordinates: [
            [0, 5],
            [0, 1],
          ],
        },
        { type: 'Point', coordinates: [0, 0] },
      ),
    ).toBeCloseTo(111_195.08, 1);
  });

  it('to a line: distance to its nearest point', () => {
    expect(geometryDistance({ type: 'Point', coordinates: [1, 5] }, line)).toBeCloseTo(haversine([1, 5], [0, 5]), -1);
    expect(geometryDistance(line, { type: 'Point', coordinates: [0, 12] })).toBeCloseTo(haversine([0, 10], [0, 12]), 3);
  });

  it('inside or touching a polygon: 0; outside: distance to the boundary', () => {
    expect(geometryDistance({ type: 'Point', coordinates: [1, 1] }, polygon)).toBe(0);
    expect(geometryDistance(polygon, { type: 'Point', coordinates: [2, 1] })).toBe(0);
    expect(geometryDistance({ type: 'Point', coordinates: [3, 1] }, polygon)).toBeCloseTo(
      haversine([3, 1], [2, 1]),
      -1,
    );
    expect(geometryDistance(line, polygon)).toBe(0);
  });
});

describe('geometryDistance with repeated positions', () => {
  it('a zero-length segment is a point, not a line through its longitude', () => {
    const far = haversine([10, 0], [10, 45]);
    const point: Geometry = { type: 'Point', coordinates: [10, 0] };
    for (const coordinates of [
      [
        [10, 45],
        [10, 45],
      ],
      [
        [10, 45],
        [10, 45],
        [12, 46],
      ],
    ] as Position[][]) {
      expect(geometryDistance({ type: 'LineString', coordinates }, point)).toBeCloseTo(far, 3);
      expect(geometryDistance({ type: 'MultiLineString', coordinates: [coordinates] }, point)).toBeCloseTo(far, 3);
    }
    expect(
      geometryDistance(
        {
          type: 'LineString',
          coordinates: [
            [10, 0],
            [10, 0],
          ],
        },
        point,
      ),
    ).toBe(0);
  });
});

describe('expandBBox', () => {
  it('contains every point within the distance, near poles and the antimeridian too', () => {
    const lon = fc.double({ min: -180, max: 180, noNaN: true });
    const lat = fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }), fc.constantFrom(89.99, -89.99, 0));
    const edgeLon = fc.oneof(lon, fc.constantFrom(179.99, -179.99, 180, -180));
    fc.assert(
      fc.property(
        edgeLon,
        lat,
        fc.integer({ min: 0, max: 25_000_000 }),
        fc.double({ min: 0, max: 360, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (x, y, max, bearing, f) => {
          const box = expandBBox([x, y, x, y], max);
          const p = destination([x, y], bearing, max * f);
          if (box !== null) expect(inBox(p, box)).toBe(true);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('stays tight away from poles and the antimeridian', () => {
    const box = expandBBox([0, 0, 0, 0], 111_195)!;
    expect(box[0]).toBeCloseTo(-1, 3);
    expect(box[2]).toBeCloseTo(1, 3);
    expect(box[1]).toBeCloseTo(-1, 3);
    expect(box[3]).toBeCloseTo(1, 3);
    const north = expandBBox([10, 60, 10, 60], 111_195)!;
    expect(north[2] - 10).toBeCloseTo(Math.asin(Math.sin(RAD) / Math.cos(60 * RAD)) / RAD, 3);
  });

  it('widens longitudes when wrapping or reaching a pole; null for the whole world', () => {
    expect(expandBBox([179.9, 0, 179.9, 0], 100_000)).toEqual([-180, expect.any(Number), 180, expect.any(Number)]);
    expect(expandBBox([0, 89.5, 0, 89.5], 100_000)![0]).toBe(-180);
    expect(expandBBox([0, 89.5, 0, 89.5], 100_000)![3]).toBe(90);
    expect(expandBBox([0, 0, 0, 0], 20_100_000)).toBeNull();
  });
});
