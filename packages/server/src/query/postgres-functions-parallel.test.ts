import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectFunctionsSchema, TEST_DATABASE_URL } from './testing/postgres.js';

// A PL/pgSQL EXCEPTION block starts a subtransaction, which a parallel worker cannot: a function
// with one (or calling one) marked PARALLEL SAFE fails once a catalog is large enough for a
// parallel plan. Forcing every query into a worker shows it on a tiny schema.

describe.skipIf(TEST_DATABASE_URL === undefined)('query functions under parallel plans (PostgreSQL)', () => {
  let client: pg.Client;
  let schema: string;

  beforeAll(async () => {
    ({ client, schema } = await connectFunctionsSchema(TEST_DATABASE_URL!, 'bbk_test_par'));
    await client.query(`CREATE TABLE g AS SELECT i, ST_SetSRID(ST_MakePoint(i % 10, i % 5), 4326) AS geom,
      ST_SetSRID(ST_MakeEnvelope(i % 10, 0, i % 10 + 1, 1), 4326) AS area FROM generate_series(1, 200) AS i`);
  });

  afterAll(async () => {
    await client?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await client?.end();
  });

  it('functions with an EXCEPTION block, and their callers, are not parallel safe', async () => {
    const r = await client.query<{ name: string; parallel: string; src: string }>(
      `SELECT p.proname AS name, p.proparallel AS parallel, p.prosrc AS src
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1`,
      [schema],
    );
    const unsafe = new Set(r.rows.filter((f) => /\bEXCEPTION\b/i.test(f.src)).map((f) => f.name));
    expect(unsafe.size).toBeGreaterThan(0);
    // callers, to any depth
    for (let grew = true; grew; ) {
      grew = false;
      for (const f of r.rows) {
        if (!unsafe.has(f.name) && [...unsafe].some((u) => f.src.includes(`${u}(`))) {
          unsafe.add(f.name);
          grew = true;
        }
      }
    }
    const marked = r.rows.filter((f) => unsafe.has(f.name)).map((f) => [f.name, f.parallel]);
    expect(marked).toEqual(marked.map(([name]) => [name, 'u']));
  });

  it('$within and $near functions answer in a query forced into parallel mode', async () => {
    const setting = (await client.query("SELECT 1 FROM pg_settings WHERE name = 'debug_parallel_query'")).rowCount
      ? 'debug_parallel_query'
      : 'force_parallel_mode';
    await client.query(`SET ${setting} = on`);
    try {
      const r = await client.query<{ within: number; near: number }>(
        `SELECT count(*) FILTER (WHERE bbk_geo_within(geom, ST_SetSRID(ST_MakeEnvelope(-0.5, -0.5, 4.5, 4.5), 4326)))::int AS within,
                count(*) FILTER (WHERE bbk_geo_near(area, ST_SetSRID(ST_MakePoint(0.5, 0.5), 4326), NULL, 1000))::int AS near
         FROM g`,
      );
      expect(r.rows[0]).toEqual({ within: 100, near: 20 });
    } finally {
      await client.query(`RESET ${setting}`);
    }
  });
});
