import type { MetaStore, Store } from '../store.js';
import { SqliteAccesses } from './accesses.js';
import { SqliteCatalog } from './catalog.js';
import { SqliteConnectors } from './connectors.js';
import { type Db, openDatabase } from './database.js';
import { SqliteEntityTypes } from './entity-types.js';
import { SqlitePolicies } from './policies.js';
import { SqliteRecords } from './records.js';
import { RecordWriter } from './records-writer-client.js';
import { SqliteTokens } from './tokens.js';
import { SqliteUsers } from './users.js';

class SqliteMeta implements MetaStore {
  private readonly q;
  constructor(db: Db) {
    this.q = {
      get: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      set: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
  }
  async get(key: string): Promise<string | undefined> {
    return this.q.get.get(key)?.value;
  }
  async set(key: string, value: string): Promise<void> {
    this.q.set.run(key, value);
  }
}

/** The SQLite implementation of `Store` (better-sqlite3, WAL, foreign keys on). */
export class SqliteStore implements Store {
  readonly meta: SqliteMeta;
  readonly users: SqliteUsers;
  readonly tokens: SqliteTokens;
  readonly entityTypes: SqliteEntityTypes;
  readonly connectors: SqliteConnectors;
  readonly policies: SqlitePolicies;
  readonly accesses: SqliteAccesses;
  readonly records: SqliteRecords;
  readonly catalog: SqliteCatalog;

  constructor(readonly db: Db) {
    this.meta = new SqliteMeta(db);
    this.users = new SqliteUsers(db);
    this.tokens = new SqliteTokens(db);
    this.entityTypes = new SqliteEntityTypes(db);
    this.connectors = new SqliteConnectors(db);
    this.policies = new SqlitePolicies(db);
    this.accesses = new SqliteAccesses(db);
    // a file-backed store writes the catalog on its own thread; an in-memory one cannot share it
    this.records = new SqliteRecords(db, db.memory ? undefined : new RecordWriter(db.name));
    // That thread checkpoints the WAL (on its commits and when idle); this connection, which
    // serves requests, only as a backstop, so a small write here rarely pays for a big checkpoint.
    if (!db.memory) db.pragma('wal_autocheckpoint = 200000');
    this.catalog = new SqliteCatalog(db);
  }

  static open(dataDir: string): SqliteStore {
    return new SqliteStore(openDatabase(dataDir));
  }

  async close(): Promise<void> {
    await this.records.close();
    if (this.db.open) {
      this.db.pragma('optimize');
      this.db.close();
    }
  }
}
