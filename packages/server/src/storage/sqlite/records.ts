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

/** Pending operations are applied in pages so a huge session never sits in memory at once. */
const OP_PAGE = 4096;

const UPSERT_SET =
  'ON CONFLICT (public_id) DO UPDATE SET type = excluded.type, name = excluded.name, doc = excluded.doc';

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
      newSession: db.prepare('INSERT INTO sessions (connector_id, session_id, mode, created) VALUES (?, ?, ?, ?)'),
      upsert: db.prepare<[string, number, string, string, string, string], { seq: number }>(
        `INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc) VALUES (?, ?, ?, ?, ?, jsonb(?))
         ${UPSERT_SET} RETURNING seq`,
      ),
      remove: db.prepare('DELETE FROM records WHERE public_id = ? AND connector_id = ?'),
      removeAll: db.prepare('DELETE FROM records WHERE connector_id = ?'),
      // set-based spatial index cleanup before a replace empties a connector, so the
      // per-row delete trigger finds nothing left to do
      removeAllGeo: db.prepare(
        `DELETE FROM record_geo WHERE id IN (SELECT m.geo_id FROM record_geo_map m
           JOIN records r ON r.seq = m.record_seq WHERE r.connector_id = ?)`,
      ),
      removeAllGeoMap: db.prepare(
        'DELETE FROM record_geo_map WHERE record_seq IN (SELECT seq FROM records WHERE connector_id = ?)',
      ),
      pendUpsert: db.prepare(
        `INSERT INTO session_ops (connector_id, op, vendor_id, public_id, doc, geo) VALUES (?, 'upsert', ?, ?, jsonb(?), ?)`,
      ),
      pendDelete: db.prepare(
        `INSERT INTO session_ops (public_id, connector_id, op, vendor_id) VALUES (?, ?, 'delete', ?)`,
      ),
      ops: db.prepare<[number, number, number], OpRow>(
        'SELECT seq, op, vendor_id, public_id, geo FROM session_ops WHERE connector_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      applyOp: db.prepare<[string, number], { seq: number }>(
        `INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc)
         SELECT public_id, connector_id, ?, vendor_id, doc ->> '$.name', doc FROM session_ops WHERE seq = ?
         ${UPSERT_SET} RETURNING seq`,
      ),
      opShape: db.prepare<[number], { n: number; keys: number; deletes: number }>(
        `SELECT count(*) AS n, count(DISTINCT vendor_id) AS keys, coalesce(sum(op = 'delete'), 0) AS deletes
         FROM session_ops WHERE connector_id = ?`,
      ),
      applyAll: db.prepare<[string, number]>(
        `INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc)
         SELECT public_id, connector_id, ?, vendor_id, doc ->> '$.name', doc FROM session_ops
         WHERE connector_id = ? ORDER BY seq
         ${UPSERT_SET}`,
      ),
      appliedGeo: db.prepare<[number], { seq: number; geo: string }>(
        `SELECT r.seq, o.geo FROM session_ops o
         JOIN records r ON r.public_id = o.public_id
         WHERE o.connector_id = ? AND o.geo IS NOT NULL ORDER BY o.seq`,
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
        // session_ops cascade from sessions: the old session's pending operations go with it
        this.q.dropSession.run(connectorId);
        this.q.newSession.run(connectorId, sessionId, mode, isoNow());
      }),
      upsert: db.transaction(
        (connectorId: number, sessionId: string, type: string, records: readonly PreparedRecord[]) => {
          const mode = isOpen(connectorId, sessionId);
          if (mode === undefined) return false;
          const stream = mode === 'stream';
          for (let i = 0; i < records.length; i++) {
            const r = records[i]!;
            try {
              if (stream) {
                const { seq } = this.q.upsert.get(r.publicId, connectorId, type, r.vendorId, r.name, r.doc)!;
                this.indexGeometries(seq, r.geometries);
              } else {
                const geo = r.geometries.length > 0 ? JSON.stringify(r.geometries) : null;
                this.q.pendUpsert.run(connectorId, r.vendorId, r.publicId, r.doc, geo);
              }
            } catch (err) {
              throw unstorable(err, i);
            }
          }
          return true;
        },
      ),
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
        if (commit && mode !== 'stream') {
          if (mode === 'replace') {
            this.q.removeAllGeo.run(connectorId);
            this.q.removeAllGeoMap.run(connectorId);
            this.q.removeAll.run(connectorId);
          }
          this.applyPending(connectorId, type);
        }
        this.q.dropSession.run(connectorId);
        return true;
      }),
    };
  }

  /** Replays the session's pending operations in posted order (inside the close transaction). */
  private applyPending(connectorId: number, type: string): void {
    const shape = this.q.opShape.get(connectorId)!;
    if (shape.deletes === 0 && shape.keys === shape.n) {
      // Only upserts, each key once: posted order is insertion order, so one set-based
      // statement gives the same catalog as replaying them one by one.
      this.q.applyAll.run(type, connectorId);
      for (const { seq, geo } of this.q.appliedGeo.all(connectorId)) {
        this.indexGeometries(seq, JSON.parse(geo) as RecordGeometry[]);
      }
      return;
    }
    let after = 0;
    for (;;) {
      const page = this.q.ops.all(connectorId, after, OP_PAGE);
      for (const op of page) {
        if (op.op === 'delete') {
          this.q.remove.run(op.public_id, connectorId);
        } else {
          const { seq } = this.q.applyOp.get(type, op.seq)!;
          this.indexGeometries(seq, op.geo === null ? [] : (JSON.parse(op.geo) as RecordGeometry[]));
        }
      }
      if (page.length < OP_PAGE) return;
      after = page[page.length - 1]!.seq;
    }
  }

  /**
   * Adds a record's geometries to the spatial index. An upsert that replaced the record
   * has already dropped the old ones (trigger `records_geo_update`).
   */
  private indexGeometries(seq: number, geometries: readonly RecordGeometry[]): void {
    for (const g of geometries) {
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
    this.tx.open(connectorId, sessionId, mode);
  }

  async upsert(
    connectorId: number,
    sessionId: string,
    type: string,
    records: readonly PreparedRecord[],
  ): Promise<boolean> {
    if (this.writer) return this.writer.call('upsert', [connectorId, sessionId, type, records]);
    return this.tx.upsert(connectorId, sessionId, type, records);
  }

  async delete(
    connectorId: number,
    sessionId: string,
    records: readonly { vendorId: string; publicId: string }[],
  ): Promise<boolean> {
    if (this.writer) return this.writer.call('delete', [connectorId, sessionId, records]);
    return this.tx.delete(connectorId, sessionId, records);
  }

  async closeSession(connectorId: number, sessionId: string, type: string, commit: boolean): Promise<boolean> {
    if (this.writer) return this.writer.call('closeSession', [connectorId, sessionId, type, commit]);
    return this.tx.close(connectorId, sessionId, type, commit);
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
