import { reindexGeometries } from './geometries.js';
import type { Queryable } from './pg-database.js';

/**
 * Per key of the session whose last operation is an upsert: that operation's `seq` and the
 * `first_seq` of the key's first upsert after its last delete (where a new record takes its place).
 *
 * Window functions over one scan of the session's operations (narrow columns; the documents are
 * fetched by `seq` afterwards), with no join between derived sets: session_ops fills and empties with
 * every session, so its statistics are usually stale (analysed while empty, the planner expects a
 * handful of rows), and a plan chosen for a handful of rows must stay linear for 100,000. The former
 * form, CTEs joined to each other, became nested loops over CTE scans there: quadratic, minutes for
 * 5,000 pending records.
 */
const LAST = `ops AS (
  SELECT seq, op, public_id, max(seq) OVER k AS last_seq,
         coalesce(max(seq) FILTER (WHERE op = 'delete') OVER k, 0) AS last_delete
  FROM session_ops WHERE connector_id = $1 WINDOW k AS (PARTITION BY public_id)),
 lasts AS (
  SELECT seq, op, last_seq,
         min(seq) FILTER (WHERE op = 'upsert' AND seq > last_delete) OVER (PARTITION BY public_id) AS first_seq
  FROM ops)`;

/** The last upserted document of each key: public_id, vendor_id, doc, geo, first_seq. */
const LAST_DOCS = `${LAST},
 last AS (
  SELECT o.public_id, o.vendor_id, o.doc, o.geo, l.first_seq
  FROM lasts l JOIN session_ops o ON o.seq = l.seq WHERE l.seq = l.last_seq AND l.op = 'upsert')`;

/**
 * The commit of an accrue or replace session (inside the close transaction), set-based with the
 * catalog a replay in posted order would give: a key the session deleted is removed (and, when
 * upserted again afterwards, comes back as a new record); a key it only upserted keeps its place
 * and takes the last upserted document; new records follow in the order of their first upsert
 * after their last delete. `replace` then leaves only the records the session upserted.
 */
export async function applyPending(
  c: Queryable,
  o: { connectorId: number; type: string; replace: boolean },
): Promise<void> {
  await c.query(
    `DELETE FROM records r USING (SELECT DISTINCT public_id FROM session_ops WHERE connector_id = $1 AND op = 'delete') d
     WHERE r.public_id = d.public_id AND r.connector_id = $1`,
    [o.connectorId],
  );
  // the records' old geometries are read in the FROM list (RETURNING sees only the new row)
  const updated = await c.query<{ seq: number }>(
    `WITH ${LAST_DOCS},
     up AS (
       UPDATE records r SET type = $2, name = s.doc ->> 'name', doc = s.doc, geo = s.geo
       FROM (SELECT last.doc, last.geo, x.seq, x.geo IS DISTINCT FROM last.geo AS geo_changed
             FROM last JOIN records x ON x.public_id = last.public_id AND x.connector_id = $1) s
       WHERE r.seq = s.seq
         AND (r.doc IS DISTINCT FROM s.doc OR r.geo IS DISTINCT FROM s.geo OR r.type IS DISTINCT FROM $2)
       RETURNING r.seq, s.geo_changed)
     SELECT seq FROM up WHERE geo_changed`,
    [o.connectorId, o.type],
  );
  const inserted = await c.query<{ seq: number }>(
    `WITH ${LAST_DOCS},
     ins AS (
       INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc, geo)
       SELECT n.public_id, $1, $2, n.vendor_id, n.doc ->> 'name', n.doc, n.geo FROM (
         SELECT * FROM last WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.public_id = last.public_id)
         ORDER BY first_seq) AS n
       RETURNING seq, geo)
     SELECT seq FROM ins WHERE geo IS NOT NULL`,
    [o.connectorId, o.type],
  );
  if (o.replace) {
    // what the session did not upsert goes (a key it upserted then deleted is gone already); EXCEPT is a
    // hashed or sorted set operation whatever the statistics say
    await c.query(
      `DELETE FROM records r USING (
         SELECT public_id FROM records WHERE connector_id = $1
         EXCEPT SELECT public_id FROM session_ops WHERE connector_id = $1 AND op = 'upsert') gone
       WHERE r.public_id = gone.public_id AND r.connector_id = $1`,
      [o.connectorId],
    );
  }
  await reindexGeometries(
    c,
    [...updated.rows, ...inserted.rows].map((r) => r.seq),
  );
}
