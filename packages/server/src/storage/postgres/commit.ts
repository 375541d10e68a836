import { NEW_GEO_ROWS, REINDEX_CHANGED_ROWS } from './geometries.js';
import type { Queryable } from './pg-database.js';

/** Per key of the session, the last pending operation and the last delete. */
const KEYS = `keys AS (
  SELECT public_id, max(seq) AS last_seq, max(seq) FILTER (WHERE op = 'delete') AS last_delete
  FROM session_ops WHERE connector_id = $1 GROUP BY public_id)`;

/**
 * What a commit is given of its session, read just before its transaction: the connector's pending
 * operations, and whether they are `simple` (upserts only, each key once: the common refresh), which
 * `applyPending` confirms inside the transaction before it relies on it.
 */
export interface PendingShape {
  pending: number;
  simple: boolean;
}

/**
 * Before a commit, outside its transaction: the session's shape, and, when the connector's pending
 * operations clearly outnumber what the planner believes `session_ops` holds (its statistics predate
 * the session: autovacuum has not caught up, or never ran on a fresh schema), `ANALYZE session_ops`.
 * With statistics of an empty table the planner joins the session's operations by nested loops,
 * quadratic in their number (a first-load replace of 2,000 records took 16 s, of 100,000 it never
 * ended). Outside the transaction, ANALYZE's lock (which ANALYZEs of other processes wait for) is held
 * only while it samples. A simple session of `HASH_ONLY_FROM` operations or more needs no statistics:
 * its statements join nothing by nested loops (0.3 s saved at 100,000).
 */
export async function pendingShape(db: Queryable, connectorId: number): Promise<PendingShape> {
  const r = await db.query<{ pending: number; keys: number; deletes: number; estimate: number }>(
    // keys counted by hashing (a GROUP BY): count(DISTINCT) sorts, 70 against 48 ms at 100,000
    `SELECT coalesce(sum(n), 0)::int AS pending, count(*)::int AS keys, coalesce(sum(d), 0)::int AS deletes,
            (SELECT reltuples FROM pg_class WHERE oid = 'session_ops'::regclass) AS estimate
     FROM (SELECT count(*) AS n, count(*) FILTER (WHERE op = 'delete') AS d
           FROM session_ops WHERE connector_id = $1 GROUP BY public_id) AS k`,
    [connectorId],
  );
  const { pending, keys, deletes, estimate } = r.rows[0] ?? { pending: 0, keys: 0, deletes: 0, estimate: 0 };
  const simple = deletes === 0 && keys === pending;
  const stale = pending >= ANALYZE_FROM && pending > 2 * Math.max(Number(estimate), 0);
  if (stale && !(simple && pending >= HASH_ONLY_FROM)) await db.query('ANALYZE session_ops');
  return { pending, simple };
}

/** `work_mem` of a commit's transaction (PostgreSQL's default, 4 MB, sorts 100,000 documents on disk). */
const COMMIT_WORK_MEM = '64MB';

/** Pending operations from which a commit refreshes the planner's statistics first (below, any plan is quick). */
const ANALYZE_FROM = 200;

/**
 * Pending operations from which a commit joins by hashing only. Its statements join the session's operations
 * with each other and with `records`, and the planner's figures mislead it there: for a first load under a new
 * connector it took every new key for one already in the catalog (ids of other connectors' records look alike
 * to it), estimated the `NOT EXISTS` at one row and nested-looped 100,000 operations against 33,000 groups
 * (a 100,000-record replace commit ran for more than 9 minutes). A hash join is never quadratic; below this,
 * index lookups per operation are the better plan and any plan is quick.
 */
const HASH_ONLY_FROM = 2000;

/**
 * The commit of an accrue or replace session (inside the close transaction), set-based with the
 * catalog a replay in posted order would give: a key the session deleted is removed (and, when
 * upserted again afterwards, comes back as a new record); a key it only upserted keeps its place
 * and takes the last upserted document; new records follow in the order of their first upsert
 * after their last delete. `replace` then leaves only the records the session upserted. `shape`: the
 * session as `pendingShape` read it just before the transaction. Its `pending` chooses the join method
 * only; its `simple` is used only when `posted` (the session's tallies as the transaction locked them,
 * which every post updates in its own transaction) shows that no post landed since (so a post that
 * races the close cannot make the commit wrong). A simple session (upserts only, each key once) needs no grouping by key: the
 * operations are the last upserts, in posted order.
 */
export async function applyPending(
  c: Queryable,
  o: { connectorId: number; type: string; replace: boolean; shape: PendingShape; posted: number },
): Promise<void> {
  const { pending } = o.shape;
  // Costs past jit_above_cost (a large commit; enable_nestloop = off adds a billion to the lateral join that
  // makes its geometry rows) would compile its plans first: 0.4 s per statement for 100,000 operations.
  await c.query('SET LOCAL jit = off');
  if (pending >= HASH_ONLY_FROM) await c.query('SET LOCAL enable_nestloop = off');
  const simple = o.shape.simple && o.posted === pending;
  // the transaction holds the session's lock, so no other write adds records of the connector meanwhile
  const stored = await hasRecords(c, o.connectorId);
  const { carried, had } = stored ? await updateStored(c, o, simple) : { carried: 0, had: 0 };
  // a simple session whose every key is stored has nothing to insert
  if (!(simple && carried === pending)) await insertNew(c, o, stored, simple);
  // nor, when it carried every record the connector had, anything to sweep
  if (o.replace && stored && !(simple && carried === had)) {
    // what the session did not upsert goes (a key it upserted then deleted is gone already). The
    // planner's figures for this connector's records predate the commit, and a nested-loop anti join
    // over them is quadratic: this sweep reads every record of the connector anyway, so it is a hash
    // anti join whatever the statistics say.
    await c.query('SET LOCAL enable_nestloop = off');
    await c.query(
      `DELETE FROM records r WHERE r.connector_id = $1 AND NOT EXISTS (
         SELECT 1 FROM session_ops o WHERE o.connector_id = $1 AND o.op = 'upsert' AND o.public_id = r.public_id)`,
      [o.connectorId],
    );
  }
}

async function hasRecords(c: Queryable, connectorId: number): Promise<boolean> {
  const r = await c.query<{ stored: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM records WHERE connector_id = $1) AS stored',
    [connectorId],
  );
  return r.rows[0]?.stored === true;
}

/** Per key, its last pending operation when it is an upsert (needs `keys`). */
const LAST = `last AS (SELECT o.public_id, o.doc, o.geo FROM session_ops o JOIN keys k ON o.seq = k.last_seq WHERE o.op = 'upsert')`;

/**
 * The same for a simple session: every operation is the last upsert of its key. Read where it is used (twice)
 * rather than kept: keeping 100,000 documents cost more than reading them again (0.12 s of an update's 2.7 s).
 */
const LAST_SIMPLE = 'last AS NOT MATERIALIZED (SELECT public_id, doc, geo FROM session_ops WHERE connector_id = $1)';

/**
 * The session's deletes, then its last upserts of the keys the connector has stored (their places kept).
 * Returns how many of the session's keys are stored (`carried`) and how many records the connector had
 * (`had`, read in the same statement, so before its writes).
 */
async function updateStored(
  c: Queryable,
  o: { connectorId: number; type: string },
  simple: boolean,
): Promise<{ carried: number; had: number }> {
  if (!simple) {
    await c.query(
      `DELETE FROM records r USING (SELECT DISTINCT public_id FROM session_ops WHERE connector_id = $1 AND op = 'delete') d
       WHERE r.public_id = d.public_id AND r.connector_id = $1`,
      [o.connectorId],
    );
  }
  const r = await c.query<{ carried: number; had: number }>(
    `WITH ${simple ? LAST_SIMPLE : `${KEYS}, ${LAST}`},
     old AS (SELECT r.seq, r.geo FROM records r JOIN last USING (public_id) WHERE r.connector_id = $1),
     up AS (
       UPDATE records r SET type = $2, name = last.doc ->> 'name', doc = last.doc, geo = last.geo
       FROM last WHERE r.public_id = last.public_id AND r.connector_id = $1
         AND (r.doc IS DISTINCT FROM last.doc OR r.geo IS DISTINCT FROM last.geo OR r.type IS DISTINCT FROM $2)
       RETURNING r.seq, r.geo),
     changed AS (SELECT up.seq, up.geo FROM up JOIN old USING (seq) WHERE up.geo IS DISTINCT FROM old.geo),
     ${REINDEX_CHANGED_ROWS}
     SELECT (SELECT count(*)::int FROM old) AS carried,
            (SELECT count(*)::int FROM records WHERE connector_id = $1) AS had`,
    [o.connectorId, o.type],
  );
  return r.rows[0] ?? { carried: 0, had: 0 };
}

/**
 * The keys not stored, in the order of their first upsert after their last delete, with their last documents
 * (a simple session: its operations in posted order). A first load (`stored` false) looks none up: every key
 * is new, and the lookup would read all of `records`.
 */
async function insertNew(
  c: Queryable,
  o: { connectorId: number; type: string },
  stored: boolean,
  simple: boolean,
): Promise<void> {
  const unstored = stored ? 'AND NOT EXISTS (SELECT 1 FROM records r WHERE r.public_id = o.public_id)' : '';
  // the new records are sorted by first upsert with their documents: in memory, not on disk
  if (!simple) await c.query(`SET LOCAL work_mem = '${COMMIT_WORK_MEM}'`);
  const news = simple
    ? // in posted order straight off session_ops_connector: nothing to group, join or sort
      `SELECT o.public_id, o.vendor_id, o.doc, o.geo FROM session_ops o
       WHERE o.connector_id = $1 ${unstored} ORDER BY o.seq`
    : `SELECT o.public_id, o.vendor_id, o.doc, o.geo, f.first_seq
       FROM session_ops o JOIN keys k ON o.seq = k.last_seq JOIN first f ON f.public_id = o.public_id
       WHERE o.op = 'upsert' ${unstored}
       ORDER BY f.first_seq`;
  const keyed = simple
    ? ''
    : `${KEYS},
     first AS (
       SELECT o.public_id, min(o.seq) AS first_seq FROM session_ops o JOIN keys k USING (public_id)
       WHERE o.connector_id = $1 AND o.op = 'upsert' AND o.seq > coalesce(k.last_delete, 0) GROUP BY o.public_id),`;
  await c.query(
    `WITH ${keyed}
     ins AS (
       INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc, geo)
       SELECT n.public_id, $1, $2, n.vendor_id, n.doc ->> 'name', n.doc, n.geo FROM (${news}) AS n
       RETURNING seq, geo),
     changed AS (SELECT seq, geo FROM ins WHERE geo IS NOT NULL)
     ${NEW_GEO_ROWS}`,
    [o.connectorId, o.type],
  );
}
