/**
 * `bbk export` and `bbk import`: a whole store to a bundle file and a bundle into an empty store, of
 * either engine (docs/MIGRATE.md). The engine-specific work is the stores' `dump()` and `load()`.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DUMP_TABLES, type DumpCounts, DumpFormatError, type DumpTable, StoreNotEmptyError } from '../dump.js';
import { PostgresStore } from '../postgres/postgres-store.js';
import { DB_FILE } from '../sqlite/database.js';
import { SqliteStore } from '../sqlite/sqlite-store.js';
import { type Store, UnstorableValueError } from '../store.js';
import { BundleError, type BundleHeader, readBundle, readBundleHeader, writeBundle } from './format.js';

/** The store of `bbk start`: PostgreSQL when `database` is set, else SQLite in `dataDir`. */
export interface TransferStore {
  dataDir: string;
  database?: string | undefined;
  databaseSchema?: string | undefined;
}

/** Rows done so far, of all the bundle holds; `table` is the one being copied. */
export interface TransferProgress {
  table: DumpTable;
  done: number;
  total: number;
}

/** Why an export or import was refused. */
export type TransferErrorCode = 'NO_DATABASE' | 'EXISTS' | 'NO_DIRECTORY' | 'NO_FILE' | 'NOT_EMPTY' | 'UNSTORABLE';

/** An export or import refused for a reason the caller can act on (nothing was written). */
export class TransferError extends Error {
  override readonly name = 'TransferError';
  constructor(
    readonly code: TransferErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What an export wrote or an import loaded. */
export interface TransferResult {
  file: string;
  engine: 'sqlite' | 'postgres';
  /** the engine the bundle came from */
  source: 'sqlite' | 'postgres';
  counts: DumpCounts;
  /** open contribution sessions left out of the bundle */
  openSessions: number;
  bytes: number;
  durationMs: number;
}

const total = (c: DumpCounts) => DUMP_TABLES.reduce((n, t) => n + c[t], 0);
const engineOf = (where: TransferStore) => (where.database ? 'postgres' : 'sqlite');

/**
 * Writes the whole store to `to` (a bundle), from one snapshot; safe while a server runs on it.
 * The file appears only when complete (temporary file, fsync, rename).
 * @example await exportBundle({ dataDir: '.bbk', to: 'bbk.bundle.gz' })
 */
export async function exportBundle(
  options: TransferStore & { to: string; force?: boolean; onProgress?: (p: TransferProgress) => void },
): Promise<TransferResult> {
  const file = resolve(options.to);
  if (!options.database && !existsSync(join(options.dataDir, DB_FILE)))
    throw new TransferError('NO_DATABASE', `no bbk database in ${resolve(options.dataDir)}`);
  if (!existsSync(dirname(file)) || !statSync(dirname(file)).isDirectory())
    throw new TransferError('NO_DIRECTORY', `directory ${dirname(file)} does not exist`);
  if (!options.force && existsSync(file)) throw new TransferError('EXISTS', `${file} exists (--force replaces it)`);
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.partial`);
  const started = performance.now();
  const store = await openTransferStore(options);
  let header: BundleHeader;
  try {
    let done = 0;
    let all = 0;
    const dump = store.dump();
    const rows = (async function* () {
      for await (const item of dump) {
        if (item.t === 'start') all = total(item.counts);
        yield item;
      }
    })();
    header = await writeBundle(temp, rows, (row) => {
      done++;
      if (done % 5000 === 0) options.onProgress?.({ table: row.t, done, total: all });
    });
    syncFile(temp);
    renameSync(temp, file);
  } catch (err) {
    if (existsSync(temp)) unlinkSync(temp);
    throw err;
  } finally {
    await store.close();
  }
  return {
    file,
    engine: header.source.engine,
    source: header.source.engine,
    counts: header.counts,
    openSessions: header.openSessions,
    bytes: statSync(file).size,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Loads a bundle into an empty store, in one transaction (nothing is left when it fails): the
 * PostgreSQL database (its schema migrated first), or SQLite in `dataDir`. A SQLite database that
 * does not exist yet is built beside it and moved into place only once complete, never over a file
 * that appeared meanwhile. A store that holds data is refused (`NOT_EMPTY`).
 * @example await importBundle({ database: 'postgres://…', dataDir: '.bbk', from: 'bbk.bundle.gz' })
 */
export async function importBundle(
  options: TransferStore & { from: string; onProgress?: (p: TransferProgress) => void },
): Promise<TransferResult> {
  const file = resolve(options.from);
  if (!existsSync(file) || !statSync(file).isFile()) throw new TransferError('NO_FILE', `no bundle file ${file}`);
  const started = performance.now();
  const header = await readBundleHeader(file);
  const all = total(header.counts);
  // the stores report rows loaded per table; the bar counts them all
  const loaded = new Map<DumpTable, number>();
  const progress = (table: DumpTable, rows: number) => {
    loaded.set(table, rows);
    const done = [...loaded.values()].reduce((a, b) => a + b, 0);
    options.onProgress?.({ table, done: Math.min(done, all), total: all });
  };
  const load = async (store: Store) => {
    try {
      await store.load(readBundle(file), progress);
    } catch (err) {
      if (err instanceof StoreNotEmptyError) throw new TransferError('NOT_EMPTY', err.message);
      if (err instanceof DumpFormatError)
        throw new BundleError('CORRUPT', `the bundle does not add up: ${err.message}`);
      // SQLite stores U+0000 and unpaired surrogates, PostgreSQL cannot (docs/POSTGRES.md): such an instance cannot
      // move there as is
      if (err instanceof UnstorableValueError)
        throw new TransferError('UNSTORABLE', `a value of the bundle ${err.message}; nothing was imported`);
      throw err;
    }
    await store.catalog.syncIndexes();
  };
  const target = resolve(options.dataDir, DB_FILE);
  if (options.database || existsSync(target)) {
    const store = await openTransferStore(options);
    try {
      await load(store);
    } finally {
      await store.close();
    }
  } else await importIntoNewFile(options.dataDir, load);
  return {
    file,
    engine: engineOf(options),
    source: header.source.engine,
    counts: header.counts,
    openSessions: header.openSessions,
    bytes: statSync(file).size,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Builds the SQLite database in a directory of its own inside `dataDir`, then links it into place. */
async function importIntoNewFile(dataDir: string, load: (store: Store) => Promise<void>): Promise<void> {
  const createdDir = !existsSync(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const work = join(dataDir, `.import-${randomBytes(6).toString('hex')}`);
  try {
    const store = SqliteStore.open(work);
    try {
      await load(store);
    } finally {
      await store.close();
    }
    // one self-contained file: the WAL folded in and gone
    const db = new Database(join(work, DB_FILE));
    db.pragma('journal_mode = DELETE');
    db.close();
    syncFile(join(work, DB_FILE));
    try {
      linkSync(join(work, DB_FILE), join(dataDir, DB_FILE));
    } catch (err) {
      if ((err as { code?: string }).code === 'EEXIST')
        throw new TransferError('NOT_EMPTY', `${join(dataDir, DB_FILE)} appeared during the import: not replaced`);
      throw err;
    }
  } catch (err) {
    if (createdDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function openTransferStore(where: TransferStore): Promise<Store> {
  if (where.database) return PostgresStore.open({ url: where.database, schema: where.databaseSchema, max: 2 });
  return SqliteStore.open(where.dataDir);
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
