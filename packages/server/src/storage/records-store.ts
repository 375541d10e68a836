/**
 * Contribution side of the catalog: sessions, pending operations and record
 * writes (spec §3). Owned by the Contributor API.
 *
 * Every write method is one transaction that first checks that `sessionId` is
 * still the connector's open session, so a call never half-applies and a stale
 * id never touches the catalog.
 */
import { extractGeometries, type FoundShape } from '../geo/index.js';

export type SessionMode = 'stream' | 'accrue' | 'replace';

/** The connector's open session (at most one per connector). */
export interface OpenSession {
  id: string;
  mode: SessionMode;
  /**
   * Records upserted and ids deleted through the session so far, as stored by a store several
   * processes share (PostgreSQL: counted in each write's transaction); absent on SQLite, where the
   * one process counts them in memory (services/session-audit.ts).
   */
  posted?: { upserts: number; deletes: number };
}

/** What a contributor call needs to know about the connector named by a contribution id. */
export interface ContributionTarget {
  connectorId: number;
  contributionId: string;
  entityTypeId: number;
  /** Entity type slug: the stored record's `type`. */
  entityType: string;
  /** entity_types.version: keys the compiled-schema cache. */
  typeVersion: number;
  session: OpenSession | undefined;
}

/** A geometry found in a record, for the spatial index (`geo/extractGeometries`). */
export interface RecordGeometry {
  path: string;
  /** min x, min y, max x, max y */
  bbox: readonly [number, number, number, number];
}

/** A validated record, ready to store. Built once by the sessions service. */
export interface PreparedRecord {
  vendorId: string;
  /** sha1("{contribution id}:{vendor id}") */
  publicId: string;
  name: string;
  /** JSON text of the stored record `{id, name, entity, instance?, type, timeseries}` (spec §3.4). */
  doc: string;
  /** JSON text of its geometries (`RecordGeometry[]`, as `geo/extractGeometries` lists them); null when none. */
  geo: string | null;
  /** The same geometries as normalised GeoJSON, in the same order (`extractGeometries`' shapes): what PostgreSQL indexes. */
  shapes: readonly FoundShape[];
}

/** A prepared record's `geo` and `shapes`, found in its document (or the posted record: the same sections). */
export function preparedGeometries(doc: unknown): Pick<PreparedRecord, 'geo' | 'shapes'> {
  const shapes: FoundShape[] = [];
  const geometries = extractGeometries(doc, shapes);
  return { geo: geometries.length > 0 ? JSON.stringify(geometries) : null, shapes };
}

/** A record as stored (reads for tests, tools and the CLI). */
export interface StoredRecord {
  seq: number;
  publicId: string;
  connectorId: number;
  type: string;
  vendorId: string;
  name: string;
  doc: Record<string, unknown>;
}

/**
 * Thrown by `upsert` when record `index` cannot be stored (the store limits JSON nesting:
 * SQLite JSONB takes at most 1000 levels, the stored record's own object included).
 * The call's transaction is rolled back: nothing was stored.
 */
export class UnstorableRecordError extends Error {
  override readonly name = 'UnstorableRecordError';
  constructor(readonly index: number) {
    super(`record ${index} cannot be stored`);
  }
}

/** Deepest nesting of `entity` / `instance` the store accepts ({} is 1 level). */
export const MAX_SECTION_DEPTH = 999;

export interface RecordStore {
  /** The connector with this contribution id, its entity type and open session; undefined when unknown. */
  target(contributionId: string): Promise<ContributionTarget | undefined>;
  /** Opens a session, discarding any open one and its pending operations (implicit rollback). */
  openSession(connectorId: number, sessionId: string, mode: SessionMode): Promise<void>;
  /**
   * Upserts (stream: into the catalog; accrue/replace: as pending operations), in array order.
   * Returns false, changing nothing, when `sessionId` is not the open session.
   */
  upsert(connectorId: number, sessionId: string, type: string, records: readonly PreparedRecord[]): Promise<boolean>;
  /** Deletes by vendor id, like `upsert`; unknown ids are ignored. */
  delete(
    connectorId: number,
    sessionId: string,
    records: readonly { vendorId: string; publicId: string }[],
  ): Promise<boolean>;
  /**
   * Closes the session. Commit: accrue applies pending operations as if in posted order; replace
   * does too, then leaves only the records the session upserted. Rollback discards pending operations.
   * Returns false, changing nothing, when `sessionId` is not the open session.
   */
  closeSession(connectorId: number, sessionId: string, type: string, commit: boolean): Promise<boolean>;
  /** One record by vendor id, whatever the connector's live state. */
  get(connectorId: number, vendorId: string): Promise<StoredRecord | undefined>;
  /** The connector's records in catalog order (seq). */
  list(connectorId: number): Promise<StoredRecord[]>;
  /** Number of records, of one connector or of the whole catalog. */
  count(connectorId?: number): Promise<number>;
  /** Pending operations of the connector's open session. */
  pendingCount(connectorId: number): Promise<number>;
  /** Rows in the spatial index for one record (0 when it has no geometry). */
  geometryCount(seq: number): Promise<number>;
}
