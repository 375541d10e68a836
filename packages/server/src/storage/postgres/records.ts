import {
  type ContributionTarget,
  type PreparedRecord,
  type RecordStore,
  type SessionMode,
  type StoredRecord,
  UnstorableRecordError,
} from '../records-store.js';
import { applyPending, type PendingShape, pendingShape } from './commit.js';
import { inStoredOrder } from './documents.js';
import { isoNow, type PgDb, type Queryable } from './pg-database.js';
import { recordBatch, tooDeep, unstorable, writePending, writeStream } from './record-batches.js';

interface RecordKey {
  vendorId: string;
  publicId: string;
}

const RECORD = `SELECT seq, public_id AS "publicId", connector_id AS "connectorId", type, vendor_id AS "vendorId", name, doc
  FROM records`;

/**
 * Sessions, pending operations and catalog writes on PostgreSQL (spec §3). Every write is one
 * transaction that first locks the connector's session row (`FOR UPDATE`) and checks the session
 * id; within this process the writes of a connector also start in the order they were handed
 * over, so calls keep their posted order although the pool has several connections.
 */
export class PgRecords implements RecordStore {
  /** The last write handed over per connector: the next one starts after it settles. */
  readonly #tails = new Map<number, Promise<unknown>>();

  constructor(private readonly db: PgDb) {}

  async target(contributionId: string): Promise<ContributionTarget | undefined> {
    type Row = ContributionTarget & {
      sessionId: string | null;
      mode: SessionMode | null;
      upserts: number;
      deletes: number;
    };
    const r = await this.db.query<Row>(
      `SELECT c.id AS "connectorId", c.contribution_id AS "contributionId", e.id AS "entityTypeId",
              e.slug AS "entityType", e.version AS "typeVersion", s.session_id AS "sessionId", s.mode,
              s.upserts, s.deletes
       FROM connectors c JOIN entity_types e ON e.id = c.entity_type_id
       LEFT JOIN sessions s ON s.connector_id = c.id
       WHERE c.contribution_id = $1`,
      [contributionId],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    const { sessionId, mode, upserts, deletes, ...rest } = row;
    const open = sessionId !== null && mode !== null;
    return { ...rest, session: open ? { id: sessionId, mode, posted: { upserts, deletes } } : undefined };
  }

  openSession(connectorId: number, sessionId: string, mode: SessionMode): Promise<void> {
    return this.#inOrder(connectorId, (c) => this.#open(c, connectorId, sessionId, mode));
  }

  // async: what throws before the hand-over rejects; nothing is awaited before it, so calls queue in call order
  async upsert(
    connectorId: number,
    sessionId: string,
    type: string,
    records: readonly PreparedRecord[],
  ): Promise<boolean> {
    const deep = tooDeep(records);
    if (deep >= 0) throw new UnstorableRecordError(deep);
    // built while earlier writes of the connector run: the queue holds only the database's work
    const batch = recordBatch(records);
    return this.#inOrder(connectorId, async (c) => {
      const session = await lockSession(c, connectorId, sessionId);
      if (session === undefined) return false;
      try {
        if (session.mode === 'stream') await writeStream(c, connectorId, type, batch);
        else await writePending(c, connectorId, batch);
      } catch (err) {
        throw unstorable(err, records);
      }
      await tally(c, connectorId, 'upserts', records.length);
      return true;
    });
  }

  delete(connectorId: number, sessionId: string, records: readonly RecordKey[]): Promise<boolean> {
    return this.#inOrder(connectorId, async (c) => {
      const session = await lockSession(c, connectorId, sessionId);
      if (session === undefined) return false;
      const ids = records.map((r) => r.publicId);
      if (session.mode === 'stream') {
        await c.query('DELETE FROM records WHERE connector_id = $1 AND public_id = ANY($2::text[])', [
          connectorId,
          ids,
        ]);
      } else {
        await c.query(
          `INSERT INTO session_ops (connector_id, op, vendor_id, public_id)
           SELECT $1, 'delete', t.vendor_id, t.public_id FROM (
             SELECT * FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(public_id, vendor_id, ord) ORDER BY ord) AS t`,
          [connectorId, ids, records.map((r) => r.vendorId)],
        );
      }
      await tally(c, connectorId, 'deletes', records.length);
      return true;
    });
  }

  closeSession(connectorId: number, sessionId: string, type: string, commit: boolean): Promise<boolean> {
    let shape: PendingShape = { pending: 0, simple: false };
    const before = commit
      ? async () => {
          shape = await pendingShape(this.db, connectorId);
        }
      : undefined;
    return this.#inOrder(
      connectorId,
      async (c) => {
        const session = await lockSession(c, connectorId, sessionId);
        if (session === undefined) return false;
        if (commit && session.mode !== 'stream') {
          await applyPending(c, {
            connectorId,
            type,
            replace: session.mode === 'replace',
            shape,
            posted: session.posted,
          });
        }
        // its pending operations cascade
        await c.query('DELETE FROM sessions WHERE connector_id = $1', [connectorId]);
        return true;
      },
      before,
    );
  }

  async get(connectorId: number, vendorId: string): Promise<StoredRecord | undefined> {
    const r = await this.db.query<StoredRecord>(`${RECORD} WHERE connector_id = $1 AND vendor_id = $2`, [
      connectorId,
      vendorId,
    ]);
    const row = r.rows[0];
    return row && { ...row, doc: inStoredOrder(row.doc) };
  }

  async list(connectorId: number): Promise<StoredRecord[]> {
    const r = await this.db.query<StoredRecord>(`${RECORD} WHERE connector_id = $1 ORDER BY seq`, [connectorId]);
    return r.rows.map((row) => ({ ...row, doc: inStoredOrder(row.doc) }));
  }

  async count(connectorId?: number): Promise<number> {
    const r =
      connectorId === undefined
        ? await this.db.query<{ n: number }>('SELECT count(*) AS n FROM records')
        : await this.db.query<{ n: number }>('SELECT count(*) AS n FROM records WHERE connector_id = $1', [
            connectorId,
          ]);
    return r.rows[0]?.n ?? 0;
  }

  async pendingCount(connectorId: number): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT count(*) AS n FROM session_ops WHERE connector_id = $1', [
      connectorId,
    ]);
    return r.rows[0]?.n ?? 0;
  }

  async geometryCount(seq: number): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT count(*) AS n FROM record_geo WHERE record_seq = $1', [seq]);
    return r.rows[0]?.n ?? 0;
  }

  /** Opens a session: the connector's row (then session row) is locked, the old session and its operations go. */
  async #open(c: Queryable, connectorId: number, sessionId: string, mode: SessionMode): Promise<void> {
    // NO KEY UPDATE: serialises openings of this connector without blocking its record writes' key checks
    await c.query('SELECT 1 FROM connectors WHERE id = $1 FOR NO KEY UPDATE', [connectorId]);
    await c.query('DELETE FROM sessions WHERE connector_id = $1', [connectorId]);
    await c.query('INSERT INTO sessions (connector_id, session_id, mode, created) VALUES ($1, $2, $3, $4)', [
      connectorId,
      sessionId,
      mode,
      isoNow(),
    ]);
  }

  /**
   * Runs `work` in a transaction after the connector's previously handed-over writes settled
   * (`before`, when given, first and outside the transaction).
   */
  #inOrder<T>(connectorId: number, work: (c: Queryable) => Promise<T>, before?: () => Promise<void>): Promise<T> {
    const previous = this.#tails.get(connectorId) ?? Promise.resolve();
    const run = async () => {
      await before?.();
      return this.db.tx(work);
    };
    const next = previous.then(run, run);
    const tail = next.catch(() => {});
    this.#tails.set(connectorId, tail);
    void tail.then(() => {
      if (this.#tails.get(connectorId) === tail) this.#tails.delete(connectorId);
    });
    return next;
  }
}

/** Adds to what the open (locked) session posted: its audit entry's counts, whichever process closes it. */
async function tally(c: Queryable, connectorId: number, what: 'upserts' | 'deletes', n: number): Promise<void> {
  await c.query(`UPDATE sessions SET ${what} = ${what} + $2 WHERE connector_id = $1`, [connectorId, n]);
}

/**
 * Locks the connector's session row when `sessionId` is its open session: its mode and how many
 * operations it has posted (its tallies), or undefined.
 */
async function lockSession(
  c: Queryable,
  connectorId: number,
  sessionId: string,
): Promise<{ mode: SessionMode; posted: number } | undefined> {
  const r = await c.query<{ mode: SessionMode; posted: number }>(
    'SELECT mode, (upserts + deletes)::int AS posted FROM sessions WHERE connector_id = $1 AND session_id = $2 FOR UPDATE',
    [connectorId, sessionId],
  );
  return r.rows[0];
}
