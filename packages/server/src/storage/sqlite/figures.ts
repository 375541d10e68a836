import { statSync } from 'node:fs';
import { MIGRATIONS } from '../migrations/index.js';
import type { ConnectorRecordCount, OpenSession, StoreFigures, StoreHealth } from '../store.js';
import type { CatalogReaders } from './catalog-readers.js';
import type { Db } from './database.js';

/** The newest migration's number: `PRAGMA user_version` of a current database. */
export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

// One row per connector, with its entity type: a count over the records_connector index.
const RECORD_COUNTS = `SELECT c.slug AS connector, e.slug AS type, c.is_live AS live,
  (SELECT count(*) FROM records r WHERE r.connector_id = c.id) AS records
FROM connectors c JOIN entity_types e ON e.id = c.entity_type_id ORDER BY c.slug`;

interface CountRow {
  connector: string;
  type: string;
  live: number;
  records: number;
}

/**
 * Readiness and operational figures of the SQLite store (`/readyz`, `/metrics`). Health is two
 * trivial statements on the main connection; the record counts, which read an index per
 * connector, run on a catalog reader thread when there is one.
 */
export class SqliteFigures {
  readonly #q;

  constructor(
    private readonly db: Db,
    private readonly readers: CatalogReaders | undefined,
  ) {
    this.#q = {
      one: db.prepare<[], { ok: number }>('SELECT 1 AS ok'),
      counts: db.prepare<[], CountRow>(RECORD_COUNTS),
      sessions: db.prepare<[], OpenSession>(
        'SELECT c.slug AS connector, s.mode AS mode FROM sessions s JOIN connectors c ON c.id = s.connector_id ORDER BY c.slug',
      ),
    };
  }

  async health(): Promise<StoreHealth> {
    try {
      const answered = this.#q.one.get()?.ok === 1;
      const version = this.db.pragma('user_version', { simple: true }) as number;
      return { database: answered, schemaVersion: version, expectedSchemaVersion: SCHEMA_VERSION };
    } catch (err) {
      return {
        database: false,
        schemaVersion: null,
        expectedSchemaVersion: SCHEMA_VERSION,
        error: err instanceof Error ? err.message : String(err),
      };
    }
  }

  async figures(): Promise<StoreFigures> {
    const rows = this.readers ? await this.readers.all<CountRow>(RECORD_COUNTS, []) : this.#q.counts.all();
    const records: ConnectorRecordCount[] = rows.map((r) => ({
      connector: r.connector,
      type: r.type,
      live: r.live === 1,
      records: r.records,
    }));
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    return {
      records,
      openSessions: this.#q.sessions.all(),
      databaseBytes: pageSize * pages,
      walBytes: this.db.memory ? 0 : fileSize(`${this.db.name}-wal`),
    };
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
