import type { Transaction } from 'better-sqlite3';
import { syncRecordIndexes } from './catalog.js';
import type { Db } from './database.js';

/**
 * The deletes that cascade to a whole catalog (a connector's records, an entity type's
 * connectors and records, their spatial index rows and pending operations): each one
 * transaction, run where the catalog is written, so that with a catalog writer thread a
 * delete of 100,000 records takes that thread's time, not the event loop's.
 */
export interface Purges {
  /** Deletes the connector and everything of it; its token is revoked (trigger). */
  deleteConnector(id: number): Promise<boolean>;
  /** Deletes the entity type and everything of it; contributor tokens are revoked (triggers). */
  deleteEntityType(slug: string): Promise<boolean>;
}

/** The purge transactions on one connection (run them with `.immediate`). */
export function purgeTransactions(db: Db): {
  deleteConnector: Transaction<(id: number) => boolean>;
  deleteEntityType: Transaction<(slug: string) => boolean>;
} {
  const connector = db.prepare('DELETE FROM connectors WHERE id = ?');
  const entityType = db.prepare('DELETE FROM entity_types WHERE slug = ?');
  return {
    deleteConnector: db.transaction((id: number) => connector.run(id).changes === 1),
    deleteEntityType: db.transaction((slug: string) => {
      const deleted = entityType.run(slug).changes === 1;
      // the expression indexes that only this type declared go with it
      if (deleted) syncRecordIndexes(db);
      return deleted;
    }),
  };
}
