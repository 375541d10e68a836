import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../migrations/index.js';

export type Db = Database.Database;

/** File name of the catalog database inside the data directory. */
export const DB_FILE = 'bbk.sqlite';

/**
 * Opens (creating if needed) the database in `dataDir`, sets the pragmas and
 * applies pending migrations. `:memory:` gives a private in-memory database.
 */
export function openDatabase(dataDir: string): Db {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    file = join(dataDir, DB_FILE);
  }
  const db = connect(file);
  migrate(db);
  if (pruneStatistics(db) > 0) db.exec('ANALYZE sqlite_schema'); // reloads the statistics this connection holds
  return db;
}

/** Where SQLite keeps its STAT4 samples of index values, and which of them bbk keeps (`pruneStatistics`). */
const PRUNE_STAT4 = `DELETE FROM sqlite_stat4
  WHERE idx NOT LIKE 'records!_a!_%' ESCAPE '!' AND idx NOT LIKE 'records!_x!_%' ESCAPE '!'`;

/**
 * Deletes the STAT4 samples (what `ANALYZE` records of each index's values) of every index but the expression
 * indexes on catalog paths (automatic `records_a_`, declared `records_x_`); returns how many rows went. Once an
 * index has samples, SQLite plans each statement that could use it for the values bound to it, and prepares
 * such a statement again every time values are bound to it: every call, with better-sqlite3 (the planner's
 * parameter sensitivity; `SQLITE_DBCONFIG_ENABLE_QPSG` turns it off, but better-sqlite3 has no call for it).
 * An entity detail's read (the record by public id, joined to its connector, with the type and the segment)
 * paid that at every request: 10 → 25 µs once the first automatic index had been built, with its `ANALYZE`
 * (bench/README.md). (A read on one unique key alone is not planned again: SQLite knows it finds one row.)
 * One-row plans need no samples: the unique and the built-in indexes are told apart by the per-index averages (`sqlite_stat1`),
 * which stay. The expression indexes keep theirs: they serve catalog lists, where a value's frequency decides
 * the plan (a rare value is read through its index, a common one in catalog order), and preparing again costs
 * little against a list. A one-row read with a segment on such a path keeps it out of the plan
 * (`SqliteCatalog`'s record statement).
 */
export function pruneStatistics(db: Db): number {
  if (!db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4'").get()) return 0;
  return db.prepare(PRUNE_STAT4).run().changes;
}

/**
 * Opens a connection with bbk's pragmas (the catalog writer thread opens its own
 * connection to the same file this way). A long busy timeout: with the writer on its
 * own connection, a write may wait for the other's transaction, never fail on it.
 */
export function connect(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 60000');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  // Checkpoint every ~160 MB of WAL instead of SQLite's ~4 MB: contributor calls are one
  // transaction each, and every call dirties pages all over the random public-id index; rarer
  // checkpoints copy each such page to the database once instead of many times (1,000 → 10,000
  // pages: about -25% CPU per record; 10,000 → 40,000: about -15% more, bench/README.md).
  // After a checkpoint the WAL file is cut back to 64 MB, so an idle catalog does not keep it all.
  // With a catalog writer thread, that thread also checkpoints when idle and the main connection
  // only as a backstop (sqlite-store.ts, checkpoints.ts).
  db.pragma('wal_autocheckpoint = 40000');
  db.pragma('journal_size_limit = 67108864');
  return db;
}

/** Applies every migration newer than `PRAGMA user_version`, each in its own transaction. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

/** Current UTC time as ISO-8601 with milliseconds. */
export function isoNow(): string {
  return new Date().toISOString();
}

export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
