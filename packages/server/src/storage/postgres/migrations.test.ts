// PostgreSQL start-up: migrations recorded once under the advisory lock, and the PostGIS check.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../query/testing/postgres.js';
import {
  PG_MIGRATIONS,
  PG_SCHEMA_VERSION,
  PostgisMissingError,
  SchemaMissingError,
  schemaVersion,
} from './migrations.js';
import { PostgresStore } from './postgres-store.js';
import { createTestSchema } from './testing/pg-schema.js';

const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const d of drops) await d();
});

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL migrations', () => {
  it('two processes starting at once migrate once; a restart applies nothing', async () => {
    const place = await createTestSchema(TEST_DATABASE_URL!);
    drops.push(place.drop);
    const open = () => PostgresStore.open({ url: TEST_DATABASE_URL!, schema: place.schema, max: 2 });
    const [a, b] = await Promise.all([open(), open()]);
    await Promise.all([a.close(), b.close()]);
    const again = await open();
    expect(await again.health()).toEqual({
      database: true,
      schemaVersion: PG_SCHEMA_VERSION,
      expectedSchemaVersion: PG_SCHEMA_VERSION,
    });
    await again.close();
    const rows = await admin((c) =>
      c.query(`SELECT version, name FROM ${place.schema}.bbk_migrations ORDER BY version`),
    );
    expect(rows.rows).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('schemaVersion is 0 where bbk never migrated (no bbk_migrations table), and exists() says false', async () => {
    const place = await createTestSchema(TEST_DATABASE_URL!);
    drops.push(place.drop);
    const version = await admin(async (c) => {
      await c.query(`SET search_path TO ${place.schema}`);
      return schemaVersion(c);
    });
    expect(version).toBe(0);
    expect(await PostgresStore.exists({ url: TEST_DATABASE_URL!, schema: place.schema })).toBe(false);
  });

  it('without PostGIS, and a role that may not create it, start-up says how to install it', async () => {
    const name = `bbk_nogis_${process.pid}_${Date.now().toString(36)}`;
    await admin(async (c) => {
      await c.query(`CREATE ROLE ${name} LOGIN PASSWORD 'pw' NOSUPERUSER`);
      await c.query(`CREATE DATABASE ${name} OWNER ${name}`);
    });
    drops.push(() =>
      admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${name}`);
      }),
    );
    const url = new URL(TEST_DATABASE_URL!);
    url.username = name;
    url.password = 'pw';
    url.pathname = `/${name}`;
    const opened = PostgresStore.open({ url: url.toString() });
    await expect(opened).rejects.toBeInstanceOf(PostgisMissingError);
    await expect(opened).rejects.toThrow(
      `PostGIS is not installed in database ${name}: install the package postgresql-15-postgis-3 (Debian) and run CREATE EXTENSION postgis, or let bbk create it with a superuser`,
    );
  });

  it('a schema that does not exist stops start-up, and nothing is created in public instead', async () => {
    const schema = `bbk_missing_${process.pid}_${Date.now().toString(36)}`;
    const publicTables = () =>
      admin(
        async (c) => (await c.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0].n,
      );
    const before = await publicTables();
    const opened = PostgresStore.open({ url: TEST_DATABASE_URL!, schema, max: 1 });
    await expect(opened).rejects.toBeInstanceOf(SchemaMissingError);
    await expect(opened).rejects.toMatchObject({
      code: '3F000',
      message: expect.stringMatching(
        new RegExp(
          `^database schema "${schema}" does not exist in database \\w+: create it \\(CREATE SCHEMA ${schema}\\)`,
        ),
      ),
    });
    expect(await publicTables()).toBe(before);
  });
});
