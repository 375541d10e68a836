import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haversine } from '../geo/index.js';
import { countries, createCatalogDb, type TestRecord } from './testing/catalog-db.js';
import { createPgCatalogDb, type PgCatalogDb } from './testing/pg-catalog-db.js';
import { TEST_DATABASE_URL } from './testing/postgres.js';

// $near / $within on PostgreSQL (PostGIS + bbk_geo_near) must give exactly what the SQLite engine
// gives (Turf + geo/distance.ts), bounds included: the same records, in the same order.

type Position = [number, number];
const lon = fc.double({ min: -180, max: 180, noNaN: true });
const lat = fc.double({ min: -90, max: 90, noNaN: true });
const position = fc.tuple(lon, lat) as fc.Arbitrary<Position>;
// shapes near a centre, so that they meet each other and the query shapes often
const near = (c: Position, spread: number) =>
  fc
    .tuple(fc.double({ min: -spread, max: spread, noNaN: true }), fc.double({ min: -spread, max: spread, noNaN: true }))
    .map(([dx, dy]): Position => [Math.max(-180, Math.min(180, c[0] + dx)), Math.max(-90, Math.min(90, c[1] + dy))]);
const box = (c: Position, w: number, h: number): Position[][] => {
  const [x0, y0] = [Math.max(-180, c[0] - w), Math.max(-90, c[1] - h)];
  const [x1, y1] = [Math.min(180, c[0] + w), Math.min(90, c[1] + h)];
  return [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ];
};
const CENTRE: Position = [10, 45];
const geometry = fc.oneof(
  near(CENTRE, 8).map((p) => ({ type: 'Point', coordinates: p })),
  position.map((p) => ({ type: 'Point', coordinates: p })),
  fc.array(near(CENTRE, 8), { minLength: 1, maxLength: 4 }).map((ps) => ({ type: 'MultiPoint', coordinates: ps })),
  fc.array(near(CENTRE, 8), { minLength: 2, maxLength: 5 }).map((ps) => ({ type: 'LineString', coordinates: ps })),
  fc
    .tuple(
      near(CENTRE, 8),
      fc.double({ min: 0.01, max: 3, noNaN: true }),
      fc.double({ min: 0.01, max: 3, noNaN: true }),
    )
    .map(([c, w, h]) => ({ type: 'Polygon', coordinates: box(c, w, h) })),
  fc
    .tuple(near(CENTRE, 8), near(CENTRE, 8))
    .map(([a, b]) => ({ type: 'MultiPolygon', coordinates: [box(a, 0.5, 0.5), box(b, 1, 0.2)] })),
);

const shapes: TestRecord[] = fc
  .sample(geometry, { numRuns: 120, seed: 20261202 })
  .map((location, i) => ({ id: `s${i}`, name: `s${i}`, entity: { location, other: { place: location } } }));
const edges: TestRecord[] = [
  { id: 'north', name: 'north', entity: { location: { type: 'Point', coordinates: [120, 89.5] } } },
  { id: 'south', name: 'south', entity: { location: { type: 'Point', coordinates: [0, -89.9] } } },
  { id: 'east', name: 'east', entity: { location: { type: 'Point', coordinates: [179.95, 10] } } },
  { id: 'west', name: 'west', entity: { location: { type: 'Point', coordinates: [-179.95, 10] } } },
  { id: 'bad', name: 'bad', entity: { location: { type: 'Point', coordinates: [1000, 0] } } },
  { id: 'list', name: 'list', entity: { places: [{ type: 'Point', coordinates: [10.5, 45.5] }] } },
];
const records = [...countries(), ...edges, ...shapes];
const pointsOf = records.flatMap((r) => {
  const l = r.entity.location as { type?: string; coordinates?: unknown } | undefined;
  return l?.type === 'Point' ? [l.coordinates as Position] : [];
});

describe.skipIf(TEST_DATABASE_URL === undefined)('$near and $within on PostgreSQL', () => {
  let pg: PgCatalogDb;
  const sqlite = createCatalogDb(records);
  beforeAll(async () => {
    pg = await createPgCatalogDb(TEST_DATABASE_URL as string, records);
  });
  afterAll(async () => {
    await pg?.close();
  });

  it('$near: random targets and bounds, and bounds exactly at a record', async () => {
    const bound = fc.oneof(fc.constant(undefined), fc.double({ min: 0, max: 2_000_000, noNaN: true }).map(Math.round));
    const target = fc.oneof(
      near(CENTRE, 10).map((p) => ({ type: 'Point', coordinates: p })),
      geometry,
    );
    await fc.assert(
      fc.asyncProperty(
        target,
        bound,
        bound,
        fc.nat(pointsOf.length - 1),
        fc.boolean(),
        async (g, min, max, k, exact) => {
          let bounds: { $min?: number; $max?: number } = { $min: min, $max: max };
          if (g.type === 'Point' && exact) {
            // a bound at the distance of a record
            // (bounds are whole metres: the record sits within a metre of the bound)
            const d = haversine(g.coordinates as Position, pointsOf[k] as Position);
            const at = max !== undefined && max % 2 === 0 ? Math.floor(d) : Math.ceil(d);
            bounds = min === undefined ? { $max: at } : { $min: Math.min(min, at), $max: at };
          }
          if (bounds.$min === undefined && bounds.$max === undefined) bounds = { $max: 500_000 };
          const q = { 'entity.location': { $near: { $geometry: g, ...JSON.parse(JSON.stringify(bounds)) } } };
          expect(await pg.ids(q), JSON.stringify(q)).toEqual(sqlite.ids(q));
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  }, 120_000);

  it('$within: random polygons and multipolygons', async () => {
    const container = fc.oneof(
      fc
        .tuple(
          near(CENTRE, 8),
          fc.double({ min: 0.1, max: 6, noNaN: true }),
          fc.double({ min: 0.1, max: 6, noNaN: true }),
        )
        .map(([c, w, h]) => ({ type: 'Polygon', coordinates: box(c, w, h) })),
      fc
        .tuple(near(CENTRE, 8), near(CENTRE, 8))
        .map(([a, b]) => ({ type: 'MultiPolygon', coordinates: [box(a, 2, 2), box(b, 3, 1)] })),
      fc.constant({ type: 'Polygon', coordinates: box([0, 0], 180, 90) }),
    );
    await fc.assert(
      fc.asyncProperty(container, fc.constantFrom('entity.location', 'entity.other.place'), async (g, path) => {
        const q = { [path]: { $within: { $geometry: g } } };
        expect(await pg.ids(q), JSON.stringify(q)).toEqual(sqlite.ids(q));
      }),
      { numRuns: 150, seed: 43 },
    );
  }, 120_000);

  it('geometries in arrays, masks over geometries, and negation', async () => {
    const at = { type: 'Point', coordinates: [10.5, 45.5] };
    for (const [q, masks] of [
      [{ 'entity.places.0': { $near: { $geometry: at, $max: 1000 } } }, []],
      [
        { 'entity.location': { $near: { $geometry: at, $max: 300_000 } } },
        [{ type: 'country', path: ['entity', 'location'] }],
      ],
      [
        { entity: { $ne: null }, 'entity.location': { $near: { $geometry: at, $max: 300_000 } } },
        [{ type: 'country', path: ['entity', 'other'] }],
      ],
      [
        {
          $not: {
            'entity.location': { $within: { $geometry: { type: 'Polygon', coordinates: box([10, 45], 3, 3) } } },
          },
        },
        [],
      ],
    ] as const) {
      expect(await pg.ids(q, masks as never), JSON.stringify(q)).toEqual(sqlite.ids(q, masks as never));
    }
  });
});
