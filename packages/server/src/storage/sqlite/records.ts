import {
  type ContributionTarget,
  type PreparedRecord,
  type RecordGeometry,
  type RecordStore,
  type SessionMode,
  type StoredRecord,
  UnstorableRecordError,
} from '../records-store.js';
import { type Db, isoNow } from './database.js';
import type { RecordWriter } from './records-writer-client.js';

interface TargetRow {
  connector_id: number;
  contribution_id: string;
  entity_type_id: number;
  entity_type: string;
  version: number;
  session_id: string | null;
  mode: SessionMode | null;
}

interface RecordRow {
  seq: number;
  public_id: string;
  connector_id: number;
  type: string;
  vendor_id: string;
  name: string;
  doc: string;
}

interface OpRow {
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
const COMMIT_TABLES = `
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
);`;

/** Pending operations are applied in pages so a huge session never sits in memory at once. */
const OP_PAGE = 4096;

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
 * One upsert call's records, column by column: what crosses to the catalog writer thread
 * (five arrays of strings clone faster than one object per record).
 */
export interface RecordColumns {
  vendorIds: string[];
  publicIds: string[];
  names: string[];
  docs: string[];
  geos: (string | null)[];
}

function toColumns(records: readonly PreparedRecord[]): RecordColumns {
  const n = records.length;
  const c: RecordColumns = {
    vendorIds: new Array(n),
    publicIds: new Array(n),
    names: new Array(n),
    docs: new Array(n),
    geos: new Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    c.vendorIds[i] = r.vendorId;
    c.publicIds[i] = r.publicId;
    c.names[i] = r.name;
    c.docs[i] = r.doc;
    c.geos[i] = r.geo;
  }
  return c;
}

/** jsonb() refuses documents nested deeper than SQLite's limit: that is the record's fault, not a server error. */
function unstorable(err: unknown, index: number): unknown {
  return err instanceof Error && err.message === 'malformed JSON' ? new UnstorableRecordError(index) : err;
}

function toStored(r: RecordRow): StoredRecord {
  return {
    seq: r.seq,
    publicId: r.public_id,
    connectorId: r.connector_id,
    type: r.type,
    vendorId: r.vendor_id,
    name: r.name,
    doc: JSON.parse(r.doc) as Record<string, unknown>,
  };
}

/**
 * Sessions, pending operations and catalog writes on SQLite. Each public write
 * is one `db.transaction` that re-checks the session id first; statements are
 * prepared once; documents go in as JSON text and are stored as JSONB.
 */
export class SqliteRecords implements RecordStore {
  private readonly q;
  private readonly tx;

  /**
   * @param writer when given, the write methods run on the catalog writer thread (its own
   * connection to the same file), so that parsing and validating the next call on this
   * thread overlaps with SQLite writing the previous one; reads stay on `db`.
   */
  constructor(
    readonly db: Db,
    private readonly writer?: RecordWriter,
  ) {
    db.exec(COMMIT_TABLES);
    this.q = {
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
      dropOps: db.prepare('DELETE FROM session_ops WHERE connector_id = ?'),
      newSession: db.prepare('INSERT INTO sessions (connector_id, session_id, mode, created) VALUES (?, ?, ?, ?)'),
      find: db.prepare<[string], { seq: number; geo: string | null }>(
        'SELECT seq, geo FROM records WHERE public_id = ?',
      ),
      upsert: db.prepare<[string, number, string, string, string, string, string | null], { seq: number }>(
        `INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc, geo)
         VALUES (?, ?, ?, ?, ?, jsonb(?), ?)
         ${UPSERT_CHANGED} RETURNING seq`,
      ),
      dropGeo: db.prepare(
        'DELETE FROM record_geo WHERE id IN (SELECT geo_id FROM record_geo_map WHERE record_seq = ?)',
      ),
      dropGeoMap: db.prepare('DELETE FROM record_geo_map WHERE record_seq = ?'),
      remove: db.prepare('DELETE FROM records WHERE public_id = ? AND connector_id = ?'),
      // notes what the upsert will do at commit while the writer has time to spare (see migration 3)
      pendUpsert: db.prepare<[number, string, string, string, string | null, string]>(
        `INSERT INTO session_ops (connector_id, op, vendor_id, public_id, doc, geo, rec_seq, same_doc, same_geo)
         SELECT n.cid, 'upsert', n.vendor, n.pid, n.doc, n.geo, r.seq, r.doc = n.doc AND r.type = n.type, r.geo IS n.geo
         FROM (SELECT ? AS cid, ? AS vendor, ? AS pid, jsonb(?) AS doc, ? AS geo, ? AS type) AS n
         LEFT JOIN records r ON r.public_id = n.pid`,
      ),
      pendDelete: db.prepare(
        `INSERT INTO session_ops (public_id, connector_id, op, vendor_id) VALUES (?, ?, 'delete', ?)`,
      ),
      ops: db.prepare<[number, number, number], OpRow>(
        'SELECT seq, op, vendor_id, public_id, geo FROM session_ops WHERE connector_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      applyOp: db.prepare<[string, number], { seq: number }>(
        `INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc, geo)
         SELECT public_id, connector_id, ?, vendor_id, doc ->> '$.name', doc, geo FROM session_ops WHERE seq = ?
         ${UPSERT_CHANGED} RETURNING seq`,
      ),
      opShape: db.prepare<[number], { n: number; keys: number; deletes: number }>(
        `SELECT count(*) AS n, count(DISTINCT vendor_id) AS keys, coalesce(sum(op = 'delete'), 0) AS deletes
         FROM session_ops WHERE connector_id = ?`,
      ),
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
      plannedGeo: db.prepare<[], { seq: number; geo: string }>(
        `SELECT p.rec_seq AS seq, o.geo FROM commit_plan p JOIN session_ops o ON o.seq = p.op_seq
         WHERE (p.is_new OR p.geo_changed) AND o.geo IS NOT NULL ORDER BY p.op_seq`,
      ),
      addGeo: db.prepare(
        'INSERT INTO record_geo (min_x, max_x, min_y, max_y, record_seq, path) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      addGeoMap: db.prepare('INSERT INTO record_geo_map (record_seq, geo_id) VALUES (?, ?)'),
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
      geoCount: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM record_geo_map WHERE record_seq = ?'),
    };

    const isOpen = (connectorId: number, sessionId: string) => this.q.session.get(connectorId, sessionId)?.mode;

    this.tx = {
      open: db.transaction((connectorId: number, sessionId: string, mode: SessionMode) => {
        // implicit rollback: the old session and its pending operations go
        this.dropSession(connectorId);
        this.q.newSession.run(connectorId, sessionId, mode, isoNow());
      }),
      upsert: db.transaction((connectorId: number, sessionId: string, type: string, c: RecordColumns) => {
        const mode = isOpen(connectorId, sessionId);
        if (mode === undefined) return false;
        const stream = mode === 'stream';
        for (let i = 0; i < c.docs.length; i++) {
          const publicId = c.publicIds[i]!;
          const geo = c.geos[i]!;
          try {
            if (stream) {
              this.write(publicId, geo, () =>
                this.q.upsert.get(publicId, connectorId, type, c.vendorIds[i]!, c.names[i]!, c.docs[i]!, geo),
              );
            } else {
              this.q.pendUpsert.run(connectorId, c.vendorIds[i]!, publicId, c.docs[i]!, geo, type);
            }
          } catch (err) {
            throw unstorable(err, i);
          }
        }
        return true;
      }),
      delete: db.transaction(
        (connectorId: number, sessionId: string, records: readonly { vendorId: string; publicId: string }[]) => {
          const mode = isOpen(connectorId, sessionId);
          if (mode === undefined) return false;
          for (const r of records) {
            if (mode === 'stream') this.q.remove.run(r.publicId, connectorId);
            else this.q.pendDelete.run(r.publicId, connectorId, r.vendorId);
          }
          return true;
        },
      ),
      close: db.transaction((connectorId: number, sessionId: string, type: string, commit: boolean) => {
        const mode = isOpen(connectorId, sessionId);
        if (mode === undefined) return false;
        if (commit && mode !== 'stream') this.applyPending(connectorId, type, mode === 'replace');
        this.dropSession(connectorId);
        return true;
      }),
    };
  }

  /**
   * Ends the connector's session and discards its pending operations: with no other session
   * pending, one truncate of the table (trigger `sessions_ops_cleanup` covers other deletes).
   */
  private dropSession(connectorId: number): void {
    if (this.q.onlyPending.get(connectorId, connectorId)?.only === 1) this.q.dropAllOps.run();
    else this.q.dropOps.run(connectorId);
    this.q.dropSession.run(connectorId);
  }

  /**
   * Applies the session's pending operations as if replayed in posted order (inside the
   * close transaction); `replace` then leaves only the records the session carried.
   */
  private applyPending(connectorId: number, type: string, replace: boolean): void {
    const shape = this.q.opShape.get(connectorId)!;
    if (shape.deletes === 0 && shape.keys === shape.n) {
      this.applyPlanned(connectorId, type, replace);
      return;
    }
    let after = 0;
    for (;;) {
      const page = this.q.ops.all(connectorId, after, OP_PAGE);
      for (const op of page) {
        if (op.op === 'delete') this.q.remove.run(op.public_id, connectorId);
        else this.write(op.public_id, op.geo, () => this.q.applyOp.get(type, op.seq));
      }
      if (page.length < OP_PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    if (replace) {
      // what the session did not upsert goes (a key it upserted then deleted is gone already)
      this.q.goneUnupserted.run(connectorId, connectorId);
      this.dropGone();
    }
  }

  /**
   * The common commit, set-based: only upserts, each key once, so applying them as a whole in
   * posted order gives the catalog a replay would. It writes only what changed: records stored
   * exactly so already are left alone, and spatial index rows are dropped and added only for
   * records whose geometries changed, are new, or (replace) go.
   */
  private applyPlanned(connectorId: number, type: string, replace: boolean): void {
    this.q.plan.run(connectorId);
    if (replace) this.q.goneUnposted.run(connectorId);
    this.q.goneGeo.run();
    this.dropGone();
    this.q.updatePlanned.run(type);
    this.q.insertPlanned.run(type);
    for (const { seq, geo } of this.q.plannedGeo.all()) {
      this.indexGeometries(seq, geo);
    }
    this.q.clearPlan.run();
  }

  /** Drops the spatial index rows of the records in `commit_gone`, then the doomed records themselves. */
  private dropGone(): void {
    this.q.dropGoneGeo.run();
    this.q.dropGoneGeoMap.run();
    this.q.dropGone.run();
    this.q.clearGone.run();
  }

  /**
   * Upserts one record with `upsert` (which returns nothing when the record is stored exactly
   * so already) and keeps its spatial index rows in step: dropped and re-added only when its
   * geometries changed.
   */
  private write(publicId: string, geo: string | null, upsert: () => { seq: number } | undefined): void {
    const old = this.q.find.get(publicId);
    const written = upsert();
    if (written === undefined || (old !== undefined && old.geo === geo)) return;
    if (old !== undefined) {
      this.q.dropGeo.run(old.seq);
      this.q.dropGeoMap.run(old.seq);
    }
    if (geo !== null) this.indexGeometries(written.seq, geo);
  }

  /** Adds a record's geometries (`geo` text) to the spatial index. */
  private indexGeometries(seq: number, geo: string): void {
    for (const g of JSON.parse(geo) as RecordGeometry[]) {
      const [minX, minY, maxX, maxY] = g.bbox;
      const id = this.q.addGeo.run(minX, maxX, minY, maxY, seq, g.path).lastInsertRowid;
      this.q.addGeoMap.run(seq, id);
    }
  }

  async target(contributionId: string): Promise<ContributionTarget | undefined> {
    const r = this.q.target.get(contributionId);
    if (!r) return undefined;
    return {
      connectorId: r.connector_id,
      contributionId: r.contribution_id,
      entityTypeId: r.entity_type_id,
      entityType: r.entity_type,
      typeVersion: r.version,
      session: r.session_id !== null && r.mode !== null ? { id: r.session_id, mode: r.mode } : undefined,
    };
  }

  async openSession(connectorId: number, sessionId: string, mode: SessionMode): Promise<void> {
    if (this.writer) return this.writer.call('openSession', [connectorId, sessionId, mode]);
    this.tx.open.immediate(connectorId, sessionId, mode);
  }

  async upsert(
    connectorId: number,
    sessionId: string,
    type: string,
    records: readonly PreparedRecord[],
  ): Promise<boolean> {
    const columns = toColumns(records);
    if (this.writer) return this.writer.call('upsertColumns', [connectorId, sessionId, type, columns]);
    return this.tx.upsert.immediate(connectorId, sessionId, type, columns);
  }

  /** `upsert` as the writer thread receives it. */
  async upsertColumns(connectorId: number, sessionId: string, type: string, columns: RecordColumns): Promise<boolean> {
    return this.tx.upsert.immediate(connectorId, sessionId, type, columns);
  }

  async delete(
    connectorId: number,
    sessionId: string,
    records: readonly { vendorId: string; publicId: string }[],
  ): Promise<boolean> {
    if (this.writer) return this.writer.call('delete', [connectorId, sessionId, records]);
    return this.tx.delete.immediate(connectorId, sessionId, records);
  }

  async closeSession(connectorId: number, sessionId: string, type: string, commit: boolean): Promise<boolean> {
    if (this.writer) return this.writer.call('closeSession', [connectorId, sessionId, type, commit]);
    return this.tx.close.immediate(connectorId, sessionId, type, commit);
  }

  /** Stops the writer thread once its queued writes are done. */
  async close(): Promise<void> {
    await this.writer?.close();
  }

  async get(connectorId: number, vendorId: string): Promise<StoredRecord | undefined> {
    const r = this.q.get.get(connectorId, vendorId);
    return r && toStored(r);
  }

  async list(connectorId: number): Promise<StoredRecord[]> {
    return this.q.list.all(connectorId).map(toStored);
  }

  async count(connectorId?: number): Promise<number> {
    return (connectorId === undefined ? this.q.count.get() : this.q.countOf.get(connectorId))?.n ?? 0;
  }

  async pendingCount(connectorId: number): Promise<number> {
    return this.q.pending.get(connectorId)?.n ?? 0;
  }

  async geometryCount(seq: number): Promise<number> {
    return this.q.geoCount.get(seq)?.n ?? 0;
  }
}
