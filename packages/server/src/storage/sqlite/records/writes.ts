import { type SessionMode, UnstorableRecordError } from '../../records-store.js';
import { type AutoIndexKind, createAutoIndex, dropAutoIndex } from '../auto-index-ddl.js';
import { syncRecordIndexes } from '../catalog.js';
import { type Db, isoNow } from '../database.js';
import type { RecordColumns } from './columns.js';
import { applyPending } from './commit.js';
import { SpatialIndex } from './spatial-index.js';
import { prepareRecordStatements } from './statements.js';

/** A record's vendor id and public id, as a delete names it. */
export interface RecordKey {
  vendorId: string;
  publicId: string;
}

/**
 * Every write to the catalog: contributor session calls, and the deletes that cascade to a
 * connector's whole catalog. Each is one IMMEDIATE transaction; the session calls first check
 * that `sessionId` is still the open session and change nothing (returning false) when not.
 * They run on the catalog writer thread when there is one (writer-thread.ts).
 */
export interface CatalogWrites {
  /** Opens a session, discarding any open one and its pending operations (implicit rollback). */
  openSession(connectorId: number, sessionId: string, mode: SessionMode): void;
  upsert(connectorId: number, sessionId: string, type: string, columns: RecordColumns): boolean;
  delete(connectorId: number, sessionId: string, records: readonly RecordKey[]): boolean;
  closeSession(connectorId: number, sessionId: string, type: string, commit: boolean): boolean;
  /** Deletes the connector and everything of it; its token is revoked (trigger). */
  deleteConnector(id: number): boolean;
  /** Deletes the entity type and everything of it; contributor tokens are revoked (triggers). */
  deleteEntityType(slug: string): boolean;
  /** Builds an automatic index on a dotted path (auto-indexes.ts); false when it exists. */
  buildIndex(kind: AutoIndexKind, path: string): boolean;
  /** Drops an automatic index; false when there was none. */
  dropIndex(kind: AutoIndexKind, path: string): boolean;
}

/** {@link CatalogWrites} as seen from another thread: each settles once its transaction committed. */
export type AsyncCatalogWrites = {
  [K in keyof CatalogWrites]: (...args: Parameters<CatalogWrites[K]>) => Promise<ReturnType<CatalogWrites[K]>>;
};

/** jsonb() refuses documents nested deeper than SQLite's limit: that is the record's fault, not a server error. */
function unstorable(err: unknown, index: number): unknown {
  return err instanceof Error && err.message === 'malformed JSON' ? new UnstorableRecordError(index) : err;
}

/** The catalog writes on one connection; statements are prepared once, documents stored as JSONB. */
export function catalogWrites(db: Db): CatalogWrites {
  const q = prepareRecordStatements(db);
  const spatial = new SpatialIndex(q);
  const deleteConnector = db.prepare('DELETE FROM connectors WHERE id = ?');
  const deleteEntityType = db.prepare('DELETE FROM entity_types WHERE slug = ?');
  const isOpen = (connectorId: number, sessionId: string) => q.session.get(connectorId, sessionId)?.mode;

  /**
   * Ends the connector's session and discards its pending operations: with no other session
   * pending, one truncate of the operations and one of their geometry rows (otherwise trigger
   * `sessions_ops_cleanup` deletes the connector's).
   */
  const dropSession = (connectorId: number): void => {
    if (q.onlyPending.get(connectorId, connectorId)?.only === 1) {
      q.dropAllPendingGeo.run();
      q.dropAllOps.run();
    }
    q.dropSession.run(connectorId);
  };

  const tx = {
    openSession: db.transaction((connectorId: number, sessionId: string, mode: SessionMode) => {
      // implicit rollback: the old session and its pending operations go
      dropSession(connectorId);
      q.newSession.run(connectorId, sessionId, mode, isoNow());
    }),
    upsert: db.transaction((connectorId: number, sessionId: string, type: string, c: RecordColumns) => {
      const mode = isOpen(connectorId, sessionId);
      if (mode === undefined) return false;
      const stream = mode === 'stream';
      let firstPending: number | bigint | undefined;
      for (let i = 0; i < c.docs.length; i++) {
        const publicId = c.publicIds[i]!;
        const geo = c.geos[i]!;
        try {
          if (stream) {
            spatial.write(publicId, geo, () =>
              q.upsert.get(publicId, connectorId, type, c.vendorIds[i]!, c.names[i]!, c.docs[i]!, geo),
            );
          } else {
            const seq = q.pendUpsert.run(connectorId, c.vendorIds[i]!, publicId, c.docs[i]!, geo, type).lastInsertRowid;
            firstPending ??= seq;
          }
        } catch (err) {
          throw unstorable(err, i);
        }
      }
      // this call's pending geometries as rows, in one statement (this transaction wrote every seq from the first on)
      if (firstPending !== undefined) q.pendGeo.run(Number(firstPending));
      return true;
    }),
    delete: db.transaction((connectorId: number, sessionId: string, records: readonly RecordKey[]) => {
      const mode = isOpen(connectorId, sessionId);
      if (mode === undefined) return false;
      for (const r of records) {
        if (mode === 'stream') q.remove.run(r.publicId, connectorId);
        else q.pendDelete.run(r.publicId, connectorId, r.vendorId);
      }
      return true;
    }),
    closeSession: db.transaction((connectorId: number, sessionId: string, type: string, commit: boolean) => {
      const mode = isOpen(connectorId, sessionId);
      if (mode === undefined) return false;
      if (commit && mode !== 'stream') applyPending(q, spatial, { connectorId, type, replace: mode === 'replace' });
      dropSession(connectorId);
      return true;
    }),
    deleteConnector: db.transaction((id: number) => deleteConnector.run(id).changes === 1),
    deleteEntityType: db.transaction((slug: string) => {
      const deleted = deleteEntityType.run(slug).changes === 1;
      // the expression indexes that only this type declared go with it
      if (deleted) syncRecordIndexes(db);
      return deleted;
    }),
    buildIndex: db.transaction((kind: AutoIndexKind, path: string) => createAutoIndex(db, kind, path, isoNow())),
    dropIndex: db.transaction((kind: AutoIndexKind, path: string) => dropAutoIndex(db, kind, path)),
  };

  return {
    openSession: (connectorId, sessionId, mode) => tx.openSession.immediate(connectorId, sessionId, mode),
    upsert: (connectorId, sessionId, type, columns) => tx.upsert.immediate(connectorId, sessionId, type, columns),
    delete: (connectorId, sessionId, records) => tx.delete.immediate(connectorId, sessionId, records),
    closeSession: (connectorId, sessionId, type, commit) =>
      tx.closeSession.immediate(connectorId, sessionId, type, commit),
    deleteConnector: (id) => tx.deleteConnector.immediate(id),
    deleteEntityType: (slug) => tx.deleteEntityType.immediate(slug),
    buildIndex: (kind, path) => {
      // a build reads the whole catalog once: a small page cache serves it as well, and leaves
      // no cache full of pages that contributor writes will not need (memory that stays resident)
      const cacheSize = db.pragma('cache_size', { simple: true }) as number;
      db.pragma('cache_size = -4096');
      try {
        return tx.buildIndex.immediate(kind, path);
      } finally {
        db.pragma('shrink_memory');
        db.pragma(`cache_size = ${cacheSize}`);
      }
    },
    dropIndex: (kind, path) => tx.dropIndex.immediate(kind, path),
  };
}

/** The writes of this connection, behind the async interface (a store without a writer thread). */
export function localWrites(writes: CatalogWrites): AsyncCatalogWrites {
  return {
    openSession: async (...a) => writes.openSession(...a),
    upsert: async (...a) => writes.upsert(...a),
    delete: async (...a) => writes.delete(...a),
    closeSession: async (...a) => writes.closeSession(...a),
    deleteConnector: async (...a) => writes.deleteConnector(...a),
    deleteEntityType: async (...a) => writes.deleteEntityType(...a),
    buildIndex: async (...a) => writes.buildIndex(...a),
    dropIndex: async (...a) => writes.dropIndex(...a),
  };
}
