import type { Statement } from 'better-sqlite3';
import type { SessionMode } from '../../records-store.js';
import type { Db } from '../database.js';

export interface TargetRow {
  connector_id: number;
  contribution_id: string;
  entity_type_id: number;
  entity_type: string;
  version: number;
  session_id: string | null;
  mode: SessionMode | null;
}

export interface RecordRow {
  seq: number;
  public_id: string;
  connector_id: number;
  type: string;
  vendor_id: string;
  name: string;
  doc: string;
}

export interface OpRow {
  seq: number;
  op: 'upsert' | 'delete';
  vendor_id: string;
  public_id: string;
  geo: string | null;
}

/**
 * Scratch tables of a commit (per connection). Each use empties them when done; a failed
 * commit leaves nothing behind either, since temp tables roll back with the transaction.
 */
export const COMMIT_TABLES = `
CREATE TEMP TABLE IF NOT EXISTS commit_plan (
  op_seq      INTEGER PRIMARY KEY, -- the pending upsert
  rec_seq     INTEGER,             -- the record it updates, or the seq a new record will get
  is_new      INTEGER NOT NULL,    -- 1 when no record has its key yet
  write       INTEGER NOT NULL,    -- 1 unless the record is stored exactly so already
  geo_changed INTEGER NOT NULL     -- 1 when an existing record's geometries change
);
CREATE TEMP TABLE IF NOT EXISTS commit_gone (
  seq    INTEGER PRIMARY KEY,      -- a record whose spatial index rows go
  doomed INTEGER NOT NULL          -- 1 when the record itself goes too (replace)
);
CREATE TEMP TABLE IF NOT EXISTS commit_geo (
  id         INTEGER PRIMARY KEY,  -- the R-tree row it becomes
  record_seq INTEGER NOT NULL,
  path       TEXT,
  min_x REAL, max_x REAL, min_y REAL, max_y REAL
);`;

/** Pending operations are applied in pages so a huge session never sits in memory at once. */
export const OP_PAGE = 4096;

const UPSERT_SET =
  'ON CONFLICT (public_id) DO UPDATE SET type = excluded.type, name = excluded.name, doc = excluded.doc, geo = excluded.geo';

/**
 * An upsert that would store the same record again writes nothing (and RETURNING gives no
 * row): a full refresh of unchanged data costs a lookup per record, not a rewrite. `name`
 * is derived from `doc`, so comparing the document covers it.
 */
const UPSERT_CHANGED = `${UPSERT_SET}
  WHERE records.doc IS NOT excluded.doc OR records.geo IS NOT excluded.geo OR records.type IS NOT excluded.type`;

/**
 * Every statement of the records store, prepared once per connection (the commit's scratch
 * tables are created first, since statements over them need them to exist).
 * @internal (its inferred type names better-sqlite3 statement types, which a declaration cannot)
 */
export function prepareRecordStatements(db: Db) {
  db.exec(COMMIT_TABLES);
  return {
    ...sessionStatements(db),
    ...recordWriteStatements(db),
    ...commitPlanStatements(db),
    ...readStatements(db),
  };
}

/** The session row and its pending operations, noted while posting. */
function sessionStatements(db: Db) {
  return {
    target: db.prepare<[string], TargetRow>(
      `SELECT c.id AS connector_id, c.contribution_id, e.id AS entity_type_id, e.slug AS entity_type, e.version,
              s.session_id, s.mode
       FROM connectors c JOIN entity_types e ON e.id = c.entity_type_id
       LEFT JOIN sessions s ON s.connector_id = c.id
       WHERE c.contribution_id = ?`,
    ),
    session: db.prepare<[number, string], { mode: SessionMode }>(
      'SELECT mode FROM sessions WHERE connector_id = ? AND session_id = ?',
    ),
    dropSession: db.prepare('DELETE FROM sessions WHERE connector_id = ?'),
    // min and max come off the index: true when only this connector has pending operations
    onlyPending: db.prepare<[number, number], { only: number }>(
      `SELECT (SELECT min(connector_id) FROM session_ops) = ? AND (SELECT max(connector_id) FROM session_ops) = ?
         AS only`,
    ),
    dropAllOps: db.prepare('DELETE FROM session_ops'),
    dropAllPendingGeo: db.prepare('DELETE FROM session_geo'),
    newSession: db.prepare('INSERT INTO sessions (connector_id, session_id, mode, created) VALUES (?, ?, ?, ?)'),
    // notes what the upsert will do at commit while the writer has time to spare (see migration 3)
    pendUpsert: db.prepare<[number, string, string, string, string | null, string]>(
      `INSERT INTO session_ops (connector_id, op, vendor_id, public_id, doc, geo, rec_seq, same_doc, same_geo)
       SELECT n.cid, 'upsert', n.vendor, n.pid, n.doc, n.geo, r.seq, r.doc = n.doc AND r.type = n.type, r.geo IS n.geo
       FROM (SELECT ? AS cid, ? AS vendor, ? AS pid, jsonb(?) AS doc, ? AS geo, ? AS type) AS n
       LEFT JOIN records r ON r.public_id = n.pid`,
    ),
    // the geometries of the pending upserts from seq on (one call's), as rows for the commit
    pendGeo: db.prepare<[number]>(
      `INSERT INTO session_geo (op_seq, n, path, min_x, max_x, min_y, max_y)
       SELECT o.seq, g.key, g.value ->> '$.path',
              g.value ->> '$.bbox[0]', g.value ->> '$.bbox[2]', g.value ->> '$.bbox[1]', g.value ->> '$.bbox[3]'
       FROM session_ops o, json_each(o.geo) g WHERE o.seq >= ? AND o.geo IS NOT NULL`,
    ),
    pendDelete: db.prepare(
      `INSERT INTO session_ops (public_id, connector_id, op, vendor_id) VALUES (?, ?, 'delete', ?)`,
    ),
    ops: db.prepare<[number, number, number], OpRow>(
      'SELECT seq, op, vendor_id, public_id, geo FROM session_ops WHERE connector_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    opShape: db.prepare<[number], { n: number; keys: number; deletes: number }>(
      `SELECT count(*) AS n, count(DISTINCT vendor_id) AS keys, coalesce(sum(op = 'delete'), 0) AS deletes
       FROM session_ops WHERE connector_id = ?`,
    ),
  };
}

/** Writes of single records and their spatial index rows (replayed commits and catalog-wide deletes). */
function recordWriteStatements(db: Db) {
  return {
    find: db.prepare<[string], { seq: number; geo: string | null }>('SELECT seq, geo FROM records WHERE public_id = ?'),
    upsert: db.prepare<[string, number, string, string, string, string, string | null], { seq: number }>(
      `INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc, geo)
       VALUES (?, ?, ?, ?, ?, jsonb(?), ?)
       ${UPSERT_CHANGED} RETURNING seq`,
    ),
    dropGeo: db.prepare('DELETE FROM record_geo WHERE id IN (SELECT geo_id FROM record_geo_map WHERE record_seq = ?)'),
    dropGeoMap: db.prepare('DELETE FROM record_geo_map WHERE record_seq = ?'),
    dropPoints: db.prepare('DELETE FROM record_points WHERE record_seq = ?'),
    remove: db.prepare('DELETE FROM records WHERE public_id = ? AND connector_id = ?'),
    applyOp: db.prepare<[string, number], { seq: number }>(
      `INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc, geo)
       SELECT public_id, connector_id, ?, vendor_id, doc ->> '$.name', doc, geo FROM session_ops WHERE seq = ?
       ${UPSERT_CHANGED} RETURNING seq`,
    ),
    ...spatialInsertStatements(db),
  };
}

/** Inserts of one record's spatial index rows: a point's, or an R-tree row with its map row (`addGeometries`). */
export interface SpatialInserts {
  addGeo: Statement;
  addGeoMap: Statement;
  addPoint: Statement;
}

export function spatialInsertStatements(db: Db): SpatialInserts {
  return {
    addGeo: db.prepare(
      'INSERT INTO record_geo (min_x, max_x, min_y, max_y, record_seq, path) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    addGeoMap: db.prepare('INSERT INTO record_geo_map (record_seq, geo_id) VALUES (?, ?)'),
    addPoint: db.prepare('INSERT INTO record_points (record_seq, n, path, x, y) VALUES (?, ?, ?, ?, ?)'),
  };
}

/** A `session_geo` row (alias `g`) that is one point: indexed in `record_points`, not in the R-tree (`isPoint`). */
const POINT = 'g.path IS NOT NULL AND g.min_x = g.max_x AND g.min_y = g.max_y';

/** The set-based commit: plan, sweep, update and insert over the scratch tables. */
function commitPlanStatements(db: Db) {
  return {
    clearPlan: db.prepare('DELETE FROM commit_plan'),
    clearGone: db.prepare('DELETE FROM commit_gone'),
    // a new record gets the next seq in posted order, as one-by-one inserts would give it,
    // fixed here so its spatial index rows need no lookup by public id afterwards
    plan: db.prepare<[number]>(
      `INSERT INTO commit_plan (op_seq, rec_seq, is_new, write, geo_changed)
       SELECT seq,
              coalesce(rec_seq, (SELECT coalesce(max(seq), 0) FROM records)
                + sum(rec_seq IS NULL) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING)),
              rec_seq IS NULL,
              rec_seq IS NULL OR NOT same_doc OR NOT same_geo,
              rec_seq IS NOT NULL AND NOT same_geo
       FROM session_ops WHERE connector_id = ? ORDER BY seq`,
    ),
    goneUnposted: db.prepare<[number]>(
      `INSERT INTO commit_gone (seq, doomed) SELECT seq, 1 FROM records
       WHERE connector_id = ? AND seq NOT IN (SELECT rec_seq FROM commit_plan WHERE NOT is_new)`,
    ),
    goneUnupserted: db.prepare<[number, number]>(
      `INSERT INTO commit_gone (seq, doomed) SELECT seq, 1 FROM records WHERE connector_id = ?
       AND public_id NOT IN (SELECT public_id FROM session_ops WHERE connector_id = ? AND op = 'upsert')`,
    ),
    goneGeo: db.prepare('INSERT INTO commit_gone (seq, doomed) SELECT rec_seq, 0 FROM commit_plan WHERE geo_changed'),
    dropGoneGeo: db.prepare(
      'DELETE FROM record_geo WHERE id IN (SELECT m.geo_id FROM commit_gone g JOIN record_geo_map m ON m.record_seq = g.seq)',
    ),
    dropGoneGeoMap: db.prepare('DELETE FROM record_geo_map WHERE record_seq IN (SELECT seq FROM commit_gone)'),
    dropGonePoints: db.prepare('DELETE FROM record_points WHERE record_seq IN (SELECT seq FROM commit_gone)'),
    dropGone: db.prepare('DELETE FROM records WHERE seq IN (SELECT seq FROM commit_gone WHERE doomed)'),
    updatePlanned: db.prepare<[string]>(
      `UPDATE records SET type = ?, name = o.doc ->> '$.name', doc = o.doc, geo = o.geo
       FROM commit_plan p JOIN session_ops o ON o.seq = p.op_seq
       WHERE p.write AND NOT p.is_new AND records.seq = p.rec_seq`,
    ),
    insertPlanned: db.prepare<[string]>(
      `INSERT INTO records (seq, public_id, connector_id, type, vendor_id, name, doc, geo)
       SELECT p.rec_seq, o.public_id, o.connector_id, ?, o.vendor_id, o.doc ->> '$.name', o.doc, o.geo
       FROM commit_plan p JOIN session_ops o ON o.seq = p.op_seq WHERE p.is_new ORDER BY p.op_seq`,
    ),
    // the geometries of new and moved records, numbered as one-by-one R-tree inserts in posted
    // order would number them (the R-tree gives a new row the largest id + 1 of its rowid table)
    planGeo: db.prepare(
      `INSERT INTO commit_geo (id, record_seq, path, min_x, max_x, min_y, max_y)
       SELECT (SELECT coalesce(max(rowid), 0) FROM record_geo_rowid) + row_number() OVER (ORDER BY g.op_seq, g.n),
              p.rec_seq, g.path, g.min_x, g.max_x, g.min_y, g.max_y
       FROM commit_plan p JOIN session_geo g ON g.op_seq = p.op_seq
       WHERE (p.is_new OR p.geo_changed) AND NOT (${POINT})`,
    ),
    // the points among them go to record_points (migration 9), in posted order: the table's key order
    addPlannedPoints: db.prepare(
      `INSERT INTO record_points (record_seq, n, path, x, y)
       SELECT p.rec_seq, g.n, g.path, g.min_x, g.min_y
       FROM commit_plan p JOIN session_geo g ON g.op_seq = p.op_seq
       WHERE (p.is_new OR p.geo_changed) AND ${POINT}`,
    ),
    addPlannedGeo: db.prepare(
      `INSERT INTO record_geo (id, min_x, max_x, min_y, max_y, record_seq, path)
       SELECT id, min_x, max_x, min_y, max_y, record_seq, path FROM commit_geo ORDER BY id`,
    ),
    addPlannedGeoMap: db.prepare(
      'INSERT INTO record_geo_map (record_seq, geo_id) SELECT record_seq, id FROM commit_geo',
    ),
    clearGeo: db.prepare('DELETE FROM commit_geo'),
  };
}

/** Reads of stored records and counts. */
function readStatements(db: Db) {
  return {
    get: db.prepare<[number, string], RecordRow>(
      `SELECT seq, public_id, connector_id, type, vendor_id, name, json(doc) AS doc FROM records
       WHERE connector_id = ? AND vendor_id = ?`,
    ),
    list: db.prepare<[number], RecordRow>(
      `SELECT seq, public_id, connector_id, type, vendor_id, name, json(doc) AS doc FROM records
       WHERE connector_id = ? ORDER BY seq`,
    ),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM records'),
    countOf: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM records WHERE connector_id = ?'),
    pending: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM session_ops WHERE connector_id = ?'),
    geoCount: db.prepare<[number, number], { n: number }>(
      `SELECT (SELECT count(*) FROM record_geo_map WHERE record_seq = ?)
            + (SELECT count(*) FROM record_points WHERE record_seq = ?) AS n`,
    ),
  };
}

/** The prepared statements of the records store. */
export type RecordStatements = ReturnType<typeof prepareRecordStatements>;
