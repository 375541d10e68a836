import type { Db } from '../database.js';

/**
 * The rows a bare catalog test needs before its records: entity type `t` (id 1) and connector `c` of it
 * (id 1, contribution id `cid`), live unless `live` is false. Records then go in with `connector_id` 1.
 */
export function typeAndConnector(db: Db, { live = true }: { live?: boolean } = {}): void {
  const now = new Date().toISOString();
  db.prepare("INSERT INTO entity_types (slug, name, description, created) VALUES ('t', 'T', 'T', ?)").run(now);
  db.prepare(
    `INSERT INTO connectors (slug, entity_type_id, contribution_id, name, description, is_live, webhook_secret, created)
     VALUES ('c', 1, 'cid', 'C', 'C', ?, 's', ?)`,
  ).run(live ? 1 : 0, now);
}
