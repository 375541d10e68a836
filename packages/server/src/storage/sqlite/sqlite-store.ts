import type { DumpCounts, DumpItem, LoadProgress } from '../dump.js';
import type { MetaStore, Store, StoreFigures, StoreHealth } from '../store.js';
import { SqliteAccesses } from './accesses.js';
import { SqliteActivity } from './activity.js';
import { SqliteAudit } from './audit.js';
import { type AutoIndexes, type AutoIndexOptions, sqliteAutoIndexes } from './auto-indexes.js';
import { SqliteCatalog } from './catalog.js';
import { CatalogReaders } from './catalog-readers.js';
import { Checkpointer } from './checkpointer.js';
import { SqliteConnectors } from './connectors.js';
import { type Db, openDatabase, pruneStatistics } from './database.js';
import { dumpSqlite, loadSqlite } from './dump.js';
import { SqliteEntityTypes } from './entity-types.js';
import { SqliteFigures } from './figures.js';
import { SqlitePolicies } from './policies.js';
import { catalogWrites, localWrites, SqliteRecords, WriterThread } from './records/index.js';
import { SqliteTokens } from './tokens.js';
import { SqliteUsers } from './users.js';
import { WriteGate } from './write-gate.js';

class SqliteMeta implements MetaStore {
  private readonly q;
  constructor(
    db: Db,
    private readonly gate: WriteGate,
  ) {
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
    await this.gate.write(() => this.q.set.run(key, value));
  }
}

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** Indexes that build themselves on the paths consumers filter on (auto-indexes.ts). */
  autoIndexes?: AutoIndexOptions;
  /**
   * Rows a list may look at on the main connection before it goes to a reader thread (bounded-lists.ts);
   * 0 sends every list to the readers. For tests and benchmarks; the default suits every deployment.
   */
  mainThreadRows?: number;
}

/** The SQLite implementation of `Store` (better-sqlite3, WAL, foreign keys on). */
export class SqliteStore implements Store {
  /** One process owns the file (see `Store.shared`). */
  readonly shared = false;
  readonly meta: SqliteMeta;
  readonly users: SqliteUsers;
  readonly tokens: SqliteTokens;
  readonly entityTypes: SqliteEntityTypes;
  readonly connectors: SqliteConnectors;
  readonly policies: SqlitePolicies;
  readonly accesses: SqliteAccesses;
  readonly records: SqliteRecords;
  readonly catalog: SqliteCatalog;
  readonly activity: SqliteActivity;
  readonly audit: SqliteAudit;
  private readonly readers: CatalogReaders | undefined;
  readonly #gate: WriteGate;
  readonly #figures: SqliteFigures;
  readonly #checkpointer: Checkpointer | undefined;

  readonly autoIndexes: AutoIndexes;

  constructor(
    readonly db: Db,
    options: SqliteStoreOptions = {},
  ) {
    // every write of this process to the file takes its turn here (write-gate.ts)
    const gate = new WriteGate(db);
    this.#gate = gate;
    // a file-backed store writes the catalog on its own thread; an in-memory one cannot share it
    const writes = db.memory ? localWrites(catalogWrites(db)) : new WriterThread(db.name, gate);
    this.meta = new SqliteMeta(db, gate);
    // coordinator changes append their audit entries in their own transactions (audit.ts)
    this.audit = new SqliteAudit(db, gate);
    this.users = new SqliteUsers(db, gate, this.audit);
    this.tokens = new SqliteTokens(db, gate, this.audit);
    this.entityTypes = new SqliteEntityTypes(db, gate, writes, this.audit);
    this.connectors = new SqliteConnectors(db, gate, writes, this.audit);
    this.policies = new SqlitePolicies(db, gate, this.audit);
    this.accesses = new SqliteAccesses(db, gate, this.audit);
    this.records = new SqliteRecords(db, writes);
    this.activity = new SqliteActivity(db, gate, this.audit);
    // The checkpointer thread copies the WAL into the database (checkpoints.ts); this
    // connection, which serves requests, only as a backstop if that thread fell far behind.
    this.#checkpointer = db.memory ? undefined : new Checkpointer(db.name);
    if (!db.memory) db.pragma('wal_autocheckpoint = 200000');
    // Within this process the gate keeps writers apart, so a lock is only ever held by another
    // process; the gate then waits for it off the event loop, and SQLite itself only briefly.
    if (!db.memory) db.pragma('busy_timeout = 50');
    // This connection reads one record at a time (details, tokens) and pages of lists; 16 MB holds every interior
    // page it walks, and a leaf it misses is in the operating system's cache (bench/README.md, "Index-served lists
    // on the main thread"). The writer thread keeps connect()'s larger cache for its commits.
    if (!db.memory) db.pragma('cache_size = -16384');
    this.readers = db.memory ? undefined : new CatalogReaders(db.name);
    this.autoIndexes = sqliteAutoIndexes(
      db,
      { build: (kind, path) => writes.buildIndex(kind, path), drop: (kind, path) => writes.dropIndex(kind, path) },
      options.autoIndexes,
    );
    this.catalog = new SqliteCatalog(db, gate, this.readers, this.autoIndexes, options.mainThreadRows);
    this.#figures = new SqliteFigures(db, this.readers);
  }

  health(): Promise<StoreHealth> {
    return this.#figures.health();
  }

  figures(): Promise<StoreFigures> {
    return this.#figures.figures();
  }

  dump(): AsyncGenerator<DumpItem> {
    return dumpSqlite(this.db);
  }

  load(items: AsyncIterable<DumpItem>, onProgress?: LoadProgress): Promise<DumpCounts> {
    return loadSqlite(this.db, this.#gate, items, onProgress);
  }

  static open(dataDir: string, options: SqliteStoreOptions = {}): SqliteStore {
    return new SqliteStore(openDatabase(dataDir), options);
  }

  async close(): Promise<void> {
    await this.autoIndexes.close();
    await this.readers?.close();
    await this.records.close();
    await this.#checkpointer?.close();
    if (this.db.open) {
      try {
        // upkeep only: a full disk (or any failure here) must not keep the database from closing
        this.db.pragma('optimize');
        pruneStatistics(this.db);
      } catch {}
      this.db.close();
    }
  }
}
