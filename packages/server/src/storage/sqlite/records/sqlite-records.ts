import type {
  ContributionTarget,
  PreparedRecord,
  RecordStore,
  SessionMode,
  StoredRecord,
} from '../../records-store.js';
import type { Db } from '../database.js';
import { toColumns } from './columns.js';
import { prepareRecordStatements, type RecordRow, type RecordStatements } from './statements.js';
import type { AsyncCatalogWrites, RecordKey } from './writes.js';

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
 * Sessions, pending operations and catalog writes on SQLite (spec §3). Reads run on `db`;
 * writes go through `writes`: the catalog writer thread for a file-backed store, so that
 * parsing and validating the next call on this thread overlaps with SQLite writing the
 * previous one, or this connection for an in-memory one.
 */
export class SqliteRecords implements RecordStore {
  private readonly q: RecordStatements;

  constructor(
    db: Db,
    private readonly writes: AsyncCatalogWrites & { close?(): Promise<void> },
  ) {
    this.q = prepareRecordStatements(db);
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

  openSession(connectorId: number, sessionId: string, mode: SessionMode): Promise<void> {
    return this.writes.openSession(connectorId, sessionId, mode);
  }

  upsert(connectorId: number, sessionId: string, type: string, records: readonly PreparedRecord[]): Promise<boolean> {
    return this.writes.upsert(connectorId, sessionId, type, toColumns(records));
  }

  delete(connectorId: number, sessionId: string, records: readonly RecordKey[]): Promise<boolean> {
    return this.writes.delete(connectorId, sessionId, records);
  }

  closeSession(connectorId: number, sessionId: string, type: string, commit: boolean): Promise<boolean> {
    return this.writes.closeSession(connectorId, sessionId, type, commit);
  }

  /** Stops the writer thread once its queued writes are done. */
  async close(): Promise<void> {
    await this.writes.close?.();
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
    return this.q.geoCount.get(seq, seq)?.n ?? 0;
  }
}
