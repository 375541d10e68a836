import type { SpatialIndex } from './spatial-index.js';
import { OP_PAGE, type RecordStatements } from './statements.js';

/**
 * The commit of an accrue or replace session (inside the close transaction): applies the
 * pending operations as if replayed in posted order; `replace` then leaves only the records the
 * session carried. Sessions of upserts only, each key once (the common case), take the
 * set-based path; others are replayed.
 */
export function applyPending(
  q: RecordStatements,
  spatial: SpatialIndex,
  o: { connectorId: number; type: string; replace: boolean },
): void {
  const shape = q.opShape.get(o.connectorId)!;
  if (shape.deletes === 0 && shape.keys === shape.n) {
    applyPlanned(q, spatial, o);
    return;
  }
  let after = 0;
  for (;;) {
    const page = q.ops.all(o.connectorId, after, OP_PAGE);
    for (const op of page) {
      if (op.op === 'delete') q.remove.run(op.public_id, o.connectorId);
      else spatial.write(op.public_id, op.geo, () => q.applyOp.get(o.type, op.seq));
    }
    if (page.length < OP_PAGE) break;
    after = page[page.length - 1]!.seq;
  }
  if (o.replace) {
    // what the session did not upsert goes (a key it upserted then deleted is gone already)
    q.goneUnupserted.run(o.connectorId, o.connectorId);
    spatial.dropGone();
  }
}

/**
 * The common commit, set-based: only upserts, each key once, so applying them as a whole in
 * posted order gives the catalog a replay would. It writes only what changed: records stored
 * exactly so already are left alone, and spatial index rows are dropped and added only for
 * records whose geometries changed, are new, or (replace) go.
 */
function applyPlanned(
  q: RecordStatements,
  spatial: SpatialIndex,
  o: { connectorId: number; type: string; replace: boolean },
): void {
  q.plan.run(o.connectorId);
  if (o.replace) q.goneUnposted.run(o.connectorId);
  q.goneGeo.run();
  spatial.dropGone();
  q.updatePlanned.run(o.type);
  q.insertPlanned.run(o.type);
  spatial.addPlanned();
  q.clearPlan.run();
}
