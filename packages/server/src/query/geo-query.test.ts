import { beforeAll, describe, expect, it } from 'vitest';
import { type CatalogDb, countries, createCatalogDb, type TestRecord } from './testing/catalog-db.js';

// Haversine written out again here, independent of src/geo.
const R = 6_371_008.8;
function distance([lon1, lat1]: number[], [lon2, lat2]: number[]): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2! - lat1!) * rad) / 2) ** 2 +
    Math.cos(lat1! * rad) * Math.cos(lat2! * rad) * Math.sin(((lon2! - lon1!) * rad) / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(a));
}

const all = countries();
const coords = (r: TestRecord) => (r.entity.location as { coordinates: number[] }).coordinates;
// Far-flung points: both poles, both sides of the antimeridian.
const edges: TestRecord[] = [
  { id: 'north', name: 'north', entity: { location: { type: 'Point', coordinates: [120, 89.5] } } },
  { id: 'north2', name: 'north2', entity: { location: { type: 'Point', coordinates: [-60, 89.8] } } },
  { id: 'south', name: 'south', entity: { location: { type: 'Point', coordinates: [0, -89.9] } } },
  { id: 'east', name: 'east', entity: { location: { type: 'Point', coordinates: [179.95, 10] } } },
  { id: 'west', name: 'west', entity: { location: { type: 'Point', coordinates: [-179.95, 10] } } },
];
const points = [...all, ...edges];

let cat: CatalogDb;
beforeAll(() => {
  cat = createCatalogDb(points);
  // Fields that are not valid GeoJSON never match and never fail the query.
  for (const [i, location] of [
    'Point',
    5,
    null,
    [1, 2],
    { type: 'Point', coordinates: ['a', 'b'] },
    { type: 'Point', coordinates: [1000, 0] },
    {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 1],
        ],
      ],
    },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [-3.4, 55.3] } },
  ].entries()) {
    cat.insert({ id: `bad${i}`, name: `bad${i}`, entity: { location } });
  }
});

const near = (at: number[], bounds: { $min?: number; $max?: number }) => ({
  'entity.location': { $near: { $geometry: { type: 'Point', coordinates: at }, ...bounds } },
});
const expected = (at: number[], test: (d: number) => boolean) =>
  points.filter((r) => test(distance(coords(r), at))).map((r) => r.id);

describe('$near on points', () => {
  const UK = [-3.435973, 55.378051];

  it('the documented query: $min 0, $max 750 km around the UK', () => {
    const ids = cat.ids(near(UK, { $min: 0, $max: 750_000 }));
    expect(ids).toEqual(expected(UK, (d) => d >= 0 && d <= 750_000));
    expect(ids).toContain('GB');
    expect(ids).toContain('IE');
    expect(ids).not.toContain('FR'); // France's centroid is ~ 900 km away
  });

  it.each([
    [UK, { $max: 1_000_000 }, (d: number) => d < 1_000_000],
    [UK, { $min: 5_000_000 }, (d: number) => d > 5_000_000],
    [UK, { $min: 500_000, $max: 1_500_000 }, (d: number) => d >= 500_000 && d <= 1_500_000],
    [[2.35, 48.86], { $max: 300_000 }, (d: number) => d < 300_000],
    [[139.7, 35.7], { $max: 2_000_000 }, (d: number) => d < 2_000_000],
    [[179.9, -17], { $max: 1_500_000 }, (d: number) => d < 1_500_000], // Fiji, across the antimeridian
    [[-179.99, 10], { $max: 50_000 }, (d: number) => d < 50_000],
    [[0, 90], { $max: 100_000 }, (d: number) => d < 100_000],
    [[0, -90], { $max: 100_000 }, (d: number) => d < 100_000],
    [[100, 0], { $max: 20_000_000 }, (d: number) => d < 20_000_000],
    [[0, 0], { $min: 1, $max: 0 }, () => false],
  ])('around %j with %j', (at, bounds, test) => {
    const ids = cat.ids(near(at, bounds));
    expect(ids).toEqual(expected(at, test));
  });

  it('edge cases match what they should', () => {
    expect(cat.ids(near([-179.99, 10], { $max: 50_000 }))).toEqual(['east', 'west']);
    expect(cat.ids(near([0, 90], { $max: 100_000 }))).toEqual(['north', 'north2']);
    expect(cat.ids(near([179.9, -17], { $max: 1_500_000 }))).toContain('FJ');
    expect(cat.ids(near([179.9, -17], { $max: 1_500_000 }))).toContain('TO');
  });

  it('uses the spatial index for $max (the prefilter alone already narrows the rows)', () => {
    const { db } = cat;
    const rows = db
      .prepare(
        'SELECT count(*) FROM record_geo WHERE min_x <= ? AND max_x >= ? AND min_y <= ? AND max_y >= ? AND path = ?',
      )
      .pluck()
      .get(-3.4 + 10, -3.4 - 10, 55.4 + 7, 55.4 - 7, 'entity.location') as number;
    expect(rows).toBeLessThan(60);
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT r.seq FROM records r WHERE r.seq IN (SELECT record_seq FROM record_geo WHERE min_x <= 1 AND max_x >= 0 AND min_y <= 1 AND max_y >= 0 AND path = 'x')`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/VIRTUAL TABLE INDEX/);
  });

  it('two geo operators in one query', () => {
    const q = {
      $and: [near([-3.4, 55.4], { $max: 1_500_000 }), near([2.35, 48.86], { $max: 1_000_000 })],
      name: { $ne: 'France' },
    };
    const ids = cat.ids(q);
    const exp = points
      .filter((r) => distance(coords(r), [-3.4, 55.4]) < 1_500_000 && distance(coords(r), [2.35, 48.86]) < 1_000_000)
      .filter((r) => r.name !== 'France')
      .map((r) => r.id);
    expect(ids).toEqual(exp);
    expect(ids.length).toBeGreaterThan(3);
  });
});

describe('$within', () => {
  // The documented box around the British Isles.
  const box = {
    type: 'Polygon',
    coordinates: [
      [
        [-12.386341, 59.062341],
        [-12.386341, 49.952269],
        [2.500282, 49.952269],
        [2.500282, 59.062341],
        [-12.386341, 59.062341],
      ],
    ],
  };

  it('the documented polygon', () => {
    const ids = cat.ids({ 'entity.location': { $within: { $geometry: box } } });
    const exp = points
      .filter((r) => {
        const [x, y] = coords(r) as [number, number];
        return x > -12.386341 && x < 2.500282 && y > 49.952269 && y < 59.062341;
      })
      .map((r) => r.id);
    expect(ids).toEqual(exp);
    expect(ids).toEqual(['GB', 'IE']);
  });

  it('a MultiPolygon, with a hole', () => {
    const ring = (x0: number, y0: number, x1: number, y1: number) => [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ];
    const multi = {
      type: 'MultiPolygon',
      coordinates: [[ring(-12.4, 49.9, 2.5, 59.1), ring(-5, 53, 0, 54)], [ring(130, 30, 146, 46)]],
    };
    const ids = cat.ids({ 'entity.location': { $within: { $geometry: multi } } });
    expect(ids).toEqual(['GB', 'IE', 'JP']);
    // GB's point (-3.4, 55.4) is outside the hole; a hole around it excludes it
    const holed = { type: 'Polygon', coordinates: [ring(-12.4, 49.9, 2.5, 59.1), ring(-4, 55, -3, 56)] };
    expect(cat.ids({ 'entity.location': { $within: { $geometry: holed } } })).toEqual(['IE']);
  });
});

describe('non-point record geometries', () => {
  const shapes = createCatalogDb([
    {
      id: 'line',
      name: 'line',
      entity: {
        g: {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [0, 10],
          ],
        },
      },
    },
    {
      id: 'poly',
      name: 'poly',
      entity: {
        g: {
          type: 'Polygon',
          coordinates: [
            [
              [4, 4],
              [6, 4],
              [6, 6],
              [4, 6],
              [4, 4],
            ],
          ],
        },
      },
    },
    {
      id: 'multi',
      name: 'multi',
      instance: {
        g: {
          type: 'MultiPoint',
          coordinates: [
            [20, 0],
            [1, 1],
          ],
        },
      },
      entity: {},
    },
  ]);
  const at = (coordinates: number[], bounds: { $min?: number; $max?: number }, path = 'entity.g') => ({
    [path]: { $near: { $geometry: { type: 'Point', coordinates }, ...bounds } },
  });

  it('$near measures to the nearest point of a line or polygon (0 inside)', () => {
    const toLine = distance([1, 5], [0, 5]);
    expect(shapes.ids(at([1, 5], { $max: Math.ceil(toLine) + 100 }))).toEqual(['line']);
    expect(shapes.ids(at([1, 5], { $max: Math.floor(toLine) - 100 }))).toEqual([]);
    expect(shapes.ids(at([5, 5], { $max: 1 }))).toEqual(['poly']);
    expect(shapes.ids(at([5, 5], { $min: 0 }))).toEqual(['line']); // d = 0 inside the polygon: not > 0
    expect(shapes.ids(at([5, 5], { $min: 0, $max: 0 }))).toEqual(['poly']);
    expect(shapes.ids(at([1, 0], { $max: 160_000 }, 'instance.g'))).toEqual(['multi']);
  });

  it('$near with a polygon target', () => {
    const target = {
      type: 'Polygon',
      coordinates: [
        [
          [1, 4],
          [3, 4],
          [3, 6],
          [1, 6],
          [1, 4],
        ],
      ],
    };
    const q = { 'entity.g': { $near: { $geometry: target, $max: Math.ceil(distance([3, 5], [4, 5])) + 100 } } };
    expect(shapes.ids(q)).toEqual(['line', 'poly']);
  });

  it('$within for lines and polygons', () => {
    const big = {
      type: 'Polygon',
      coordinates: [
        [
          [-1, -1],
          [7, -1],
          [7, 7],
          [-1, 7],
          [-1, -1],
        ],
      ],
    };
    expect(shapes.ids({ 'entity.g': { $within: { $geometry: big } } })).toEqual(['poly']);
    const tall = {
      type: 'Polygon',
      coordinates: [
        [
          [-1, -1],
          [7, -1],
          [7, 11],
          [-1, 11],
          [-1, -1],
        ],
      ],
    };
    expect(shapes.ids({ 'entity.g': { $within: { $geometry: tall } } })).toEqual(['line', 'poly']);
  });
});
