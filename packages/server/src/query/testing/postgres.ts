import pg from 'pg';
import { POSTGRES_FUNCTIONS, POSTGRES_GEO_FUNCTIONS } from '../postgres-functions.js';

/**
 * The PostgreSQL server tests run against: `BBK_TEST_DATABASE_URL` (for example
 * `postgres://bbk:bbk@127.0.0.1:5432/postgres`). Unset, the PostgreSQL tests are skipped;
 * `scripts/test.mjs` says so in one line, and `.ci/run` starts a server and sets it.
 */
export const TEST_DATABASE_URL: string | undefined = process.env.BBK_TEST_DATABASE_URL || undefined;

let schemas = 0;

/**
 * A connected client whose search path is a fresh schema (`<prefix>_<pid>_<time>_<n>`) holding the query
 * renderer's SQL functions, PostGIS in `public` (created once per database; the advisory lock keeps parallel
 * fixtures apart). The caller creates its tables there and drops the schema when done.
 */
export async function connectFunctionsSchema(
  url: string,
  prefix: string,
): Promise<{ client: pg.Client; schema: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const schema = `${prefix}_${process.pid}_${Date.now().toString(36)}_${schemas++}`;
  await client.query('SELECT pg_advisory_lock(7246)');
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public');
  } finally {
    await client.query('SELECT pg_advisory_unlock(7246)');
  }
  await client.query(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}, public`);
  await client.query(POSTGRES_FUNCTIONS);
  await client.query(POSTGRES_GEO_FUNCTIONS);
  return { client, schema };
}
