// A point's spatial index geometry made from its coordinates is the one PostGIS's GeoJSON parser makes.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectFunctionsSchema, TEST_DATABASE_URL } from '../../query/testing/postgres.js';
import { geometryOf } from './geometries.js';

describe.skipIf(!TEST_DATABASE_URL)('geometryOf (PostgreSQL)', () => {
  // a connection with PostGIS is all it needs, not a store with its schema
  let client: pg.Client;
  let schema: string;

  beforeAll(async () => {
    ({ client, schema } = await connectFunctionsSchema(TEST_DATABASE_URL!, 'bbk_test_geo'));
  });
  afterAll(async () => {
    await client?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await client?.end();
  });

  it('gives every geometry byte for byte as ST_GeomFromGeoJSON does, points through ST_MakePoint', async () => {
    const point = (x: number, y: number) => ({ type: 'Point', coordinates: [x, y] });
    const geometries = [
      point(0, 0),
      point(-0, -0),
      point(1.6, 42.5),
      point(-179.99999999999997, 89.99999999999999),
      point(180, -90),
      point(1e-7, -2.5e-9),
      point(12.345678901234567, -98.76543210987654),
      point(3, 4),
      {
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1.5, 2.25],
        ],
      },
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
    ];
    const entries = JSON.stringify(geometries.map((geometry, i) => ({ path: `p${i}`, geometry })));
    const r = await client.query<{ path: string; same: boolean; kind: string }>(
      `SELECT e ->> 'path' AS path, GeometryType(${geometryOf('e')}) AS kind,
              ST_AsEWKB(${geometryOf('e')}) = ST_AsEWKB(ST_SetSRID(ST_GeomFromGeoJSON((e -> 'geometry')::text), 4326)) AS same
       FROM jsonb_array_elements($1::jsonb) AS e`,
      [entries],
    );
    expect(r.rows.map((row) => row.same)).toEqual(geometries.map(() => true));
    expect(r.rows.map((row) => row.kind)).toEqual([
      ...geometries.slice(0, 8).map(() => 'POINT'),
      'LINESTRING',
      'POLYGON',
    ]);
  });
});
