import Database from 'better-sqlite3';
import { extractGeometries } from '../../geo/index.js';
import {
  DUMP_CONTENT_TABLES,
  DUMP_COUNTED_TABLES,
  DUMP_SEQUENCES,
  DumpChecker,
  type DumpCounts,
  type DumpItem,
  type DumpRow,
  type LoadProgress,
  type RecordDumpRow,
  StoreNotEmptyError,
  zeroCounts,
} from '../dump.js';
import type { Db } from './database.js';
import { SQLITE_RECORDS, SQLITE_TABLES } from './dump-tables.js';
import { addGeometries } from './records/spatial-index.js';
import { spatialInsertStatements } from './records/statements.js';
import type { WriteGate } from './write-gate.js';

/**
 * Every row of the store from one read snapshot: a read transaction on a connection of its own
 * (the file may be served meanwhile; WAL keeps the snapshot), or the store's own connection in memory.
 */
export async function* dumpSqlite(db: Db): AsyncGenerator<DumpItem> {
  const snap = db.memory ? db : new Database(db.name, { readonly: true, fileMustExist: true });
  try {
    if (!db.memory) {
      snap.pragma('busy_timeout = 5000');
      snap.exec('BEGIN');
    }
    const counts = zeroCounts();
    counts.sequences = DUMP_SEQUENCES.length;
    for (const t of DUMP_COUNTED_TABLES)
      counts[t] = (snap.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    const openSessions = (snap.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
    yield { t: 'start', engine: 'sqlite', counts, openSessions };
    yield* sequences(snap);
    for (const table of DUMP_COUNTED_TABLES) {
      if (table === 'records') {
        for (const r of snap.prepare(SQLITE_RECORDS.select).iterate() as IterableIterator<Record<string, unknown>>)
          yield recordRow(r);
        continue;
      }
      const spec = SQLITE_TABLES[table];
      for (const r of snap.prepare(spec.select).iterate() as IterableIterator<Record<string, unknown>>)
        yield spec.toRow(r);
    }
  } finally {
    if (!db.memory) {
      if (snap.inTransaction) snap.exec('COMMIT');
      snap.close();
    }
  }
}

function* sequences(db: Db): Generator<DumpRow> {
  const seq = db.prepare<[string], { seq: number }>('SELECT seq FROM sqlite_sequence WHERE name = ?');
  const maxRecord = db.prepare<[], { m: number }>('SELECT coalesce(max(seq), 0) AS m FROM records');
  for (const name of DUMP_SEQUENCES) {
    const value = name === 'records' ? (maxRecord.get()?.m ?? 0) : (seq.get(name)?.seq ?? 0);
    yield { t: 'sequences', name, value };
  }
}

function recordRow(r: Record<string, unknown>): RecordDumpRow {
  return {
    t: 'records',
    seq: r.seq as number,
    publicId: r.public_id as string,
    connectorId: r.connector_id as number,
    type: r.type as string,
    vendorId: r.vendor_id as string,
    name: r.name as string,
    doc: r.doc as string,
  };
}

/** What a store holds that makes it not empty (absent: nothing). */
export function sqliteContents(db: Db): Partial<DumpCounts> | undefined {
  const found: Partial<DumpCounts> = {};
  for (const t of DUMP_CONTENT_TABLES) {
    const n = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    if (n > 0) found[t] = n;
  }
  const used = (db.prepare('SELECT coalesce(max(seq), 0) AS m FROM sqlite_sequence').get() as { m: number }).m;
  if (used > 0) found.sequences = used;
  return Object.keys(found).length > 0 ? found : undefined;
}

/**
 * Loads a dump into this (empty) store in one IMMEDIATE transaction on the main connection, alone
 * through the write gate: committed when the last row and the counts check out, rolled back
 * (nothing left) on any error. Geometries are indexed from each record's document.
 */
export async function loadSqlite(
  db: Db,
  gate: WriteGate,
  items: AsyncIterable<DumpItem>,
  onProgress?: LoadProgress,
): Promise<DumpCounts> {
  return gate.alone(async () => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const found = sqliteContents(db);
      if (found) throw new StoreNotEmptyError(found);
      const counts = await loadRows(db, items, onProgress);
      db.exec('COMMIT');
      return counts;
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
  });
}

async function loadRows(db: Db, items: AsyncIterable<DumpItem>, onProgress?: LoadProgress): Promise<DumpCounts> {
  const checker = new DumpChecker();
  const insert = new Map<string, Database.Statement>();
  const writeRecord = recordWriter(db);
  const setSeq = db.prepare('UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?');
  const addSeq = db.prepare('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)');
  for await (const item of items) {
    if (!checker.take(item)) continue;
    if (item.t === 'sequences') {
      if (item.name !== 'records' && item.value > 0 && setSeq.run(item.value, item.name).changes === 0)
        addSeq.run(item.name, item.value);
    } else if (item.t === 'records') writeRecord(item);
    else {
      const spec = SQLITE_TABLES[item.t] as (typeof SQLITE_TABLES)['meta'];
      const stmt = insert.get(item.t) ?? db.prepare(spec.insert);
      insert.set(item.t, stmt);
      stmt.run(...spec.params(item as never));
    }
    const n = checker.counts[item.t];
    if (onProgress && n % 10_000 === 0) onProgress(item.t, n);
  }
  return checker.end();
}

/** Writes one catalog record with its `geo` column and spatial index rows. */
function recordWriter(db: Db): (r: RecordDumpRow) => void {
  const insert = db.prepare(SQLITE_RECORDS.insert);
  const spatial = spatialInsertStatements(db);
  return (r) => {
    // every GeoJSON geometry has coordinates: most documents need no parse at all
    const geometries = r.doc.includes('"coordinates"') ? extractGeometries(JSON.parse(r.doc)) : [];
    const geo = geometries.length > 0 ? JSON.stringify(geometries) : null;
    insert.run(r.seq, r.publicId, r.connectorId, r.type, r.vendorId, r.name, r.doc, geo);
    addGeometries(spatial, r.seq, geometries);
  };
}
