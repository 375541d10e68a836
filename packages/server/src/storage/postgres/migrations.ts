import { POSTGRES_FUNCTIONS, POSTGRES_GEO_FUNCTIONS } from '../../query/index.js';
import type { Migration } from '../migrations/index.js';
import { POSTGRES_LIMIT_FUNCTIONS, RATE_WINDOWS_SCHEMA } from './limits.js';
import type { PgDb, Queryable } from './pg-database.js';
import { CASCADES_BY_TRIGGER, CATALOG_CHANGES, COVERING_TYPE_INDEX, INITIAL_SCHEMA } from './schema.js';
import { ACTIVITY_SCHEMA, AUDIT_SCHEMA, TOKEN_LIFETIMES_SCHEMA } from './schema-activity.js';

/**
 * Numbered schema migrations of the PostgreSQL engine. Each runs once, in order, in its own
 * transaction, and is recorded in `bbk_migrations`. Never edit a shipped one: add the next number.
 */
export const PG_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: INITIAL_SCHEMA },
  { version: 2, name: 'access usage and violations', sql: ACTIVITY_SCHEMA },
  { version: 3, name: 'audit trail', sql: AUDIT_SCHEMA },
  { version: 4, name: 'token lifetimes', sql: TOKEN_LIFETIMES_SCHEMA },
  { version: 5, name: 'shared rate windows and session tallies', sql: RATE_WINDOWS_SCHEMA },
  { version: 6, name: 'covering entity type index', sql: COVERING_TYPE_INDEX },
  { version: 7, name: 'catalog change log', sql: CATALOG_CHANGES },
  { version: 8, name: 'catalog cascades by trigger', sql: CASCADES_BY_TRIGGER },
];

/** The newest migration's number: the version of a current database. */
export const PG_SCHEMA_VERSION = PG_MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** PostGIS is missing and bbk could not create it; says how to install it. */
export class PostgisMissingError extends Error {
  override readonly name = 'PostgisMissingError';
  constructor(database: string, major: string, cause: unknown) {
    super(
      `PostGIS is not installed in database ${database}: install the package postgresql-${major}-postgis-3 (Debian) ` +
        'and run CREATE EXTENSION postgis, or let bbk create it with a superuser',
      { cause },
    );
  }
}

/**
 * The schema named for bbk's tables (`databaseSchema`, `BBK_DATABASE_SCHEMA`) does not exist. Without this check
 * the tables would go to the next schema on the search path (`public`), beside whatever else lives there. Its
 * `code` is PostgreSQL's own for an unknown schema (`3F000`, invalid_schema_name).
 */
export class SchemaMissingError extends Error {
  override readonly name = 'SchemaMissingError';
  readonly code = '3F000';
  constructor(schema: string, database: string) {
    super(
      `database schema "${schema}" does not exist in database ${database}: create it (CREATE SCHEMA ${schema}) ` +
        "or leave BBK_DATABASE_SCHEMA unset to use the role's search path",
    );
  }
}

const RECORDED = `CREATE TABLE IF NOT EXISTS bbk_migrations (
  version integer PRIMARY KEY,
  name    text NOT NULL,
  applied timestamptz NOT NULL DEFAULT now()
)`;

/** The schema version the database is at (0 when bbk never migrated it: there is no `bbk_migrations`). */
export async function schemaVersion(db: Queryable): Promise<number> {
  // two statements: one that names bbk_migrations fails where the table is missing, whatever CASE guards it
  const recorded = await db.query<{ found: boolean }>("SELECT to_regclass('bbk_migrations') IS NOT NULL AS found");
  if (recorded.rows[0]?.found !== true) return 0;
  const r = await db.query<{ v: number | null }>('SELECT coalesce(max(version), 0) AS v FROM bbk_migrations');
  return r.rows[0]?.v ?? 0;
}

/**
 * Makes sure PostGIS is there (creating the extension when the role may), then applies every
 * migration newer than the database's and refreshes the query functions. A session advisory
 * lock, keyed by the schema, keeps two processes starting at once from both migrating.
 */
export async function migrate(db: PgDb): Promise<void> {
  const client = await db.pool.connect();
  try {
    if (db.schema !== undefined) await ensureSchema(client, db.schema);
    await ensurePostgis(client, db.schema !== undefined);
    await client.query("SELECT pg_advisory_lock(hashtext('bbk migrations ' || current_schema()))");
    try {
      await client.query(RECORDED);
      const current = await schemaVersion(client);
      for (const m of PG_MIGRATIONS) {
        if (m.version <= current) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO bbk_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new Error(`PostgreSQL migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, {
            cause: err,
          });
        }
      }
      await client.query(POSTGRES_FUNCTIONS);
      await client.query(POSTGRES_GEO_FUNCTIONS);
      await client.query(POSTGRES_LIMIT_FUNCTIONS);
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('bbk migrations ' || current_schema()))");
    }
  } finally {
    client.release();
  }
}

/** Whether the named schema exists in the connected database. */
export async function schemaExists(client: Queryable, schema: string): Promise<boolean> {
  return (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rows.length > 0;
}

/** The named schema exists (`SchemaMissingError` when not). */
async function ensureSchema(client: Queryable, schema: string): Promise<void> {
  if (await schemaExists(client, schema)) return;
  const r = await client.query<{ db: string }>('SELECT current_database() AS db');
  throw new SchemaMissingError(schema, r.rows[0]?.db ?? '?');
}

/** `inPublic`: with a schema of bbk's own, PostGIS goes to `public` (on the search path) so it outlives that schema. */
async function ensurePostgis(client: Queryable, inPublic: boolean): Promise<void> {
  const has = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'postgis'");
  if (has.rowCount === 1) return;
  try {
    // another process may create it at the same moment: the loser's error is harmless
    await client.query(`CREATE EXTENSION IF NOT EXISTS postgis${inPublic ? ' SCHEMA public' : ''}`);
  } catch (err) {
    const again = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'postgis'");
    if (again.rowCount === 1) return;
    const info = await client.query<{ db: string; major: string }>(
      "SELECT current_database() AS db, current_setting('server_version_num')::int / 10000 || '' AS major",
    );
    const row = info.rows[0] ?? { db: '?', major: '15' };
    throw new PostgisMissingError(row.db, row.major, err);
  }
}
