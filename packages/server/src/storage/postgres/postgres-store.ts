import type { AuditVerdict } from '@bbk/sdk/protocol';
import { ConfigError } from '../../config.js';
import type { AutoIndexes, AutoIndexOptions } from '../auto-indexes.js';
import type { DumpCounts, DumpItem, LoadProgress } from '../dump.js';
import type { MetaStore, OpenSession, Store, StoreFigures, StoreHealth } from '../store.js';
import { PgAccesses } from './accesses.js';
import { PgActivity } from './activity.js';
import { PgAudit } from './audit.js';
import { pgAutoIndexes } from './auto-indexes.js';
import { PgCatalog } from './catalog.js';
import { PgConnectors } from './connectors.js';
import { dumpPostgres, loadPostgres } from './dump.js';
import { PgEntityTypes } from './entity-types.js';
import { migrate, PG_SCHEMA_VERSION, schemaExists, schemaVersion } from './migrations.js';
import { COMPACT_EVERY_MS, COMPACT_PERIODIC_FROM, compactChanges } from './page-marks.js';
import { type PgConnectOptions, PgDb, type Queryable } from './pg-database.js';
import { PgPolicies } from './policies.js';
import { PgRecords } from './records.js';
import { PgTokens } from './tokens.js';
import { PgUsers } from './users.js';

class PgMeta implements MetaStore {
  constructor(private readonly db: PgDb) {}
  async get(key: string): Promise<string | undefined> {
    return (await this.db.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key])).rows[0]?.value;
  }
  async set(key: string, value: string): Promise<void> {
    await this.db.query(
      'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }
}

const RECORD_COUNTS = `SELECT c.slug AS connector, e.slug AS type, c.is_live AS live,
  (SELECT count(*) FROM records r WHERE r.connector_id = c.id) AS records
FROM connectors c JOIN entity_types e ON e.id = c.entity_type_id ORDER BY c.slug COLLATE "C"`;

/** What a command that needs an existing instance says where bbk never started (`PostgresStore.exists` false). */
export function noBbkDatabase(schema: string | undefined): string {
  return `no bbk database in ${schema ? `schema ${schema}` : 'this database'}`;
}

/** Whether bbk ever migrated the database (in `schema`, when given), checked without migrating it. */
async function migrated(db: Queryable, schema: string | undefined): Promise<boolean> {
  if (schema !== undefined && !(await schemaExists(db, schema))) return false;
  return (await schemaVersion(db)) > 0;
}

/**
 * The PostgreSQL implementation of `Store` (node-postgres pool, PostGIS). It keeps no cache:
 * every read asks the database, so several processes on one database agree on the very next
 * request (a rescinded token, a deleted policy, a demoted connector).
 * @example const store = await PostgresStore.open({ url: 'postgres://bbk@localhost/bbk' });
 */
export class PostgresStore implements Store {
  /** Several bbk processes may share this database (see `Store.shared`). */
  readonly shared = true;
  readonly meta: PgMeta;
  readonly users: PgUsers;
  readonly tokens: PgTokens;
  readonly entityTypes: PgEntityTypes;
  readonly connectors: PgConnectors;
  readonly policies: PgPolicies;
  readonly accesses: PgAccesses;
  readonly records: PgRecords;
  readonly catalog: PgCatalog;
  readonly activity: PgActivity;
  readonly audit: PgAudit;

  /** Indexes that build themselves from what consumers filter on (`BBK_AUTO_INDEXES`). */
  readonly autoIndexes: AutoIndexes;
  readonly #folding: NodeJS.Timeout;

  private constructor(
    readonly db: PgDb,
    autoIndexes: AutoIndexes,
  ) {
    this.autoIndexes = autoIndexes;
    this.meta = new PgMeta(db);
    this.audit = new PgAudit(db);
    this.activity = new PgActivity(db, this.audit);
    this.users = new PgUsers(db, this.audit);
    this.tokens = new PgTokens(db, this.audit);
    this.entityTypes = new PgEntityTypes(db, this.audit);
    this.connectors = new PgConnectors(db, this.audit);
    this.policies = new PgPolicies(db, this.audit);
    this.accesses = new PgAccesses(db, this.audit);
    this.records = new PgRecords(db);
    this.catalog = new PgCatalog(db, autoIndexes);
    // writers add a row to the change log per transaction; folded here even where no one pages deep
    this.#folding = setInterval(() => {
      compactChanges(db, COMPACT_PERIODIC_FROM).catch(() => {});
    }, COMPACT_EVERY_MS);
    this.#folding.unref();
  }

  /**
   * Connects, checks PostGIS (creating it when the role may) and migrates the schema.
   * @param options.autoIndexes the automatic indexes' settings (`BBK_AUTO_INDEXES`; `max: 0` turns them off).
   */
  static async open(options: PgConnectOptions & { autoIndexes?: AutoIndexOptions }): Promise<PostgresStore> {
    const db = new PgDb(options);
    try {
      await migrate(db);
      return new PostgresStore(db, await pgAutoIndexes(db, options.autoIndexes));
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  /**
   * Whether bbk ever migrated this database (or schema), checked without migrating it: for the commands that work
   * on an existing instance (`bbk token bootstrap`), which must not create one where a typo points.
   */
  static async exists(options: PgConnectOptions): Promise<boolean> {
    const db = new PgDb({ ...options, max: 1 });
    try {
      return await migrated(db, options.schema);
    } finally {
      await db.close();
    }
  }

  /**
   * Verifies the audit log of a PostgreSQL database (or schema) without migrating it or writing anything, with or
   * without servers running on it (`bbk audit verify --database`). Throws a `ConfigError` when bbk never started there.
   */
  static async verifyAudit(options: PgConnectOptions): Promise<AuditVerdict> {
    const db = new PgDb({ ...options, max: 1 });
    try {
      if (!(await migrated(db, options.schema))) throw new ConfigError(noBbkDatabase(options.schema));
      return await new PgAudit(db).verify();
    } finally {
      await db.close();
    }
  }

  async health(): Promise<StoreHealth> {
    try {
      const version = await schemaVersion(this.db);
      return { database: true, schemaVersion: version, expectedSchemaVersion: PG_SCHEMA_VERSION };
    } catch (err) {
      return {
        database: false,
        schemaVersion: null,
        expectedSchemaVersion: PG_SCHEMA_VERSION,
        error: err instanceof Error ? err.message : String(err),
      };
    }
  }

  async figures(): Promise<StoreFigures> {
    const [counts, sessions, size] = await Promise.all([
      this.db.query<{ connector: string; type: string; live: boolean; records: number }>(RECORD_COUNTS),
      this.db.query<OpenSession>(
        'SELECT c.slug AS connector, s.mode FROM sessions s JOIN connectors c ON c.id = s.connector_id ORDER BY c.slug COLLATE "C"',
      ),
      this.db.query<{ bytes: number }>('SELECT pg_database_size(current_database()) AS bytes'),
    ]);
    return {
      records: counts.rows,
      openSessions: sessions.rows,
      databaseBytes: size.rows[0]?.bytes ?? 0,
      // the server's WAL is shared by every database on it: not this store's figure
      walBytes: 0,
    };
  }

  dump(): AsyncGenerator<DumpItem> {
    return dumpPostgres(this.db);
  }

  load(items: AsyncIterable<DumpItem>, onProgress?: LoadProgress): Promise<DumpCounts> {
    return loadPostgres(this.db, items, onProgress);
  }

  async close(): Promise<void> {
    clearInterval(this.#folding);
    await this.autoIndexes.close();
    await this.catalog.marks.settled();
    await this.db.close();
  }
}
