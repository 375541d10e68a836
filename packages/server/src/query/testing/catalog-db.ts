// Test support: an in-memory catalog with the production table shapes
// (docs/ARCHITECTURE.md), loaded with country records. Not used at run time.
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { extractGeometries, isPoint } from '../../geo/index.js';
import { compileQuery, registerSqliteFunctions, renderSqlite, validateQuery } from '../index.js';
import type { FieldMask } from '../masks.js';

export interface TestRecord {
  id: string;
  name: string;
  entity: Record<string, unknown>;
  instance?: Record<string, unknown>;
}

/** The 199 country records of the example data (id, name, entity, instance). */
export function countries(): TestRecord[] {
  return JSON.parse(readFileSync(new URL('./countries.json', import.meta.url), 'utf8')) as TestRecord[];
}

export const TIMESERIES = { population: { period: 'P1Y', value: 'people', unit: 'x' } };

export interface CatalogDb {
  db: Database.Database;
  insert(record: TestRecord, type?: string, timeseries?: Record<string, unknown>): void;
  /** Vendor ids of the records matching `q`, in insertion order; throws on an invalid query. */
  ids(q: unknown, masks?: readonly FieldMask[]): string[];
}

export function createCatalogDb(records: readonly TestRecord[] = [], type = 'country'): CatalogDb {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE records (
      seq INTEGER PRIMARY KEY, public_id TEXT NOT NULL UNIQUE, connector_id INTEGER NOT NULL,
      type TEXT NOT NULL, vendor_id TEXT NOT NULL, name TEXT NOT NULL, doc BLOB NOT NULL,
      UNIQUE (connector_id, vendor_id));
    CREATE VIRTUAL TABLE record_geo USING rtree(id, min_x, max_x, min_y, max_y, +record_seq INTEGER, +path TEXT);
    CREATE TABLE record_points (record_seq INTEGER NOT NULL, n INTEGER NOT NULL, path TEXT NOT NULL,
      x REAL NOT NULL, y REAL NOT NULL, PRIMARY KEY (record_seq, n)) WITHOUT ROWID;
    CREATE INDEX record_points_xy ON record_points (path, x, y);
  `);
  registerSqliteFunctions(db);
  const insertRecord = db.prepare(
    'INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc) VALUES (?, 1, ?, ?, ?, jsonb(?))',
  );
  const insertGeo = db.prepare(
    'INSERT INTO record_geo (min_x, max_x, min_y, max_y, record_seq, path) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertPoint = db.prepare('INSERT INTO record_points (record_seq, n, path, x, y) VALUES (?, ?, ?, ?, ?)');
  const insert = (record: TestRecord, recordType = type, timeseries: Record<string, unknown> = TIMESERIES) => {
    const doc = { ...record, type: recordType, timeseries };
    const { lastInsertRowid } = insertRecord.run(
      `${recordType}:${record.id}`,
      recordType,
      record.id,
      record.name,
      JSON.stringify(doc),
    );
    // as the store indexes them: points beside the R-tree (storage/sqlite/records/spatial-index.ts)
    for (const [n, { path, bbox }] of extractGeometries(doc).entries()) {
      if (isPoint(path, bbox)) insertPoint.run(lastInsertRowid, n, path, bbox[0], bbox[1]);
      else insertGeo.run(bbox[0], bbox[2], bbox[1], bbox[3], lastInsertRowid, path);
    }
  };
  for (const r of records) insert(r);
  const ids = (q: unknown, masks: readonly FieldMask[] = []) => {
    const v = validateQuery(q);
    if (!v.ok) throw new Error(`invalid query ${JSON.stringify(q).slice(0, 200)}: ${v.reason}`);
    const { sql, params } = renderSqlite(compileQuery(v.query, { masks }));
    return db
      .prepare(`SELECT vendor_id FROM records r WHERE ${sql} ORDER BY r.seq`)
      .pluck()
      .all(...params) as string[];
  };
  return { db, insert, ids };
}
