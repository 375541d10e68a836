/**
 * A whole store as a stream of typed rows, engine-neutral (`Store.dump()` / `Store.load()`): what
 * `bbk export` writes to a bundle and `bbk import` loads into an empty store of either engine
 * (docs/MIGRATE.md). Ids, sequences, token hashes, record order and the audit chain travel as
 * stored. JSON documents kept "exactly as written" (schemas, policies, tags, addenda, evidence,
 * catalog documents) travel as their JSON text, so no engine or parser reorders them.
 */

/** The tables of a dump, in the order rows come (parents before children). */
export const DUMP_TABLES = [
  'sequences',
  'meta',
  'users',
  'entity_types',
  'connectors',
  'policies',
  'accesses',
  'tokens',
  'records',
  'usage',
  'access_usage',
  'violations',
  'access_guards',
  'audit',
] as const;

export type DumpTable = (typeof DUMP_TABLES)[number];

/** Rows per table. */
export type DumpCounts = Record<DumpTable, number>;

/** Identity sequences whose high-water mark travels, so an id is never handed out twice. */
export const DUMP_SEQUENCES = [
  'users',
  'entity_types',
  'connectors',
  'policies',
  'accesses',
  'violations',
  'records',
] as const;
export type DumpSequence = (typeof DUMP_SEQUENCES)[number];

/** The tables a dump's start item counts: every one but the sequences. */
export const DUMP_COUNTED_TABLES = DUMP_TABLES.filter((t) => t !== 'sequences');

/**
 * The tables whose rows make a store "not empty", which a load refuses: meta alone does not (an opened store may
 * hold its secret), nor guards (they belong to accesses).
 */
export const DUMP_CONTENT_TABLES = DUMP_COUNTED_TABLES.filter((t) => t !== 'meta' && t !== 'access_guards');

export interface SequenceRow {
  t: 'sequences';
  name: DumpSequence;
  /** The highest id ever handed out (0: none). */
  value: number;
}
export interface MetaRow {
  t: 'meta';
  key: string;
  value: string;
}
export interface UserDumpRow {
  t: 'users';
  id: number;
  name: string;
  email: string;
  organization: string;
  /** JSON text */
  addendum: string;
  created: string;
}
export interface EntityTypeDumpRow {
  t: 'entity_types';
  id: number;
  slug: string;
  name: string;
  description: string;
  /** JSON texts */
  schema: string;
  timeseries: string;
  tags: string;
  indexes: string;
  icon: string;
  version: number;
  created: string;
}
export interface ConnectorDumpRow {
  t: 'connectors';
  id: number;
  slug: string;
  entityTypeId: number;
  contributionId: string;
  name: string;
  description: string;
  webhook: string | null;
  cache: number;
  isLive: boolean;
  webhookSecret: string;
  created: string;
}
export interface PolicyDumpRow {
  t: 'policies';
  id: number;
  slug: string;
  name: string;
  description: string;
  /** JSON texts */
  tags: string;
  policy: string;
  version: number;
  created: string;
}
export interface AccessDumpRow {
  t: 'accesses';
  id: number;
  userId: number;
  policyId: number;
  created: string;
}
export interface TokenDumpRow {
  t: 'tokens';
  keyId: string;
  kind: 'coordinator' | 'contributor' | 'consumer';
  /** base64 of the stored hash (never the secret) */
  hash: string;
  subject: number;
  created: string;
  revoked: string | null;
  expires: string | null;
  lastUsed: string | null;
}
export interface RecordDumpRow {
  t: 'records';
  /** catalog order */
  seq: number;
  publicId: string;
  connectorId: number;
  type: string;
  vendorId: string;
  name: string;
  /** JSON text of the stored record (geometries are re-indexed from it on load) */
  doc: string;
}
export interface UsageDumpRow {
  t: 'usage';
  key: string;
  window: string;
  count: number;
}
export interface AccessUsageDumpRow {
  t: 'access_usage';
  accessId: number;
  day: string;
  calls: number;
  records: number;
  rateLimited: number;
  quotaLimited: number;
  lastUsed: string | null;
}
export interface ViolationDumpRow {
  t: 'violations';
  id: number;
  accessId: number;
  detector: string;
  severity: string;
  /** JSON text */
  evidence: string;
  firstSeen: string;
  lastSeen: string;
  count: number;
  dismissed: string | null;
}
export interface GuardDumpRow {
  t: 'access_guards';
  accessId: number;
  autoSuspend: boolean;
  suspended: string | null;
  reason: string | null;
}
export interface AuditDumpRow {
  t: 'audit';
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  /** the canonical JSON text the hash covers, verbatim */
  detail: string;
  prevHash: string;
  hash: string;
}

export type DumpRow =
  | SequenceRow
  | MetaRow
  | UserDumpRow
  | EntityTypeDumpRow
  | ConnectorDumpRow
  | PolicyDumpRow
  | AccessDumpRow
  | TokenDumpRow
  | RecordDumpRow
  | UsageDumpRow
  | AccessUsageDumpRow
  | ViolationDumpRow
  | GuardDumpRow
  | AuditDumpRow;

/**
 * The first item of `Store.dump()`: the row counts of the snapshot the rows that follow come from,
 * and what was deliberately left out (open contribution sessions and their pending operations).
 */
export interface DumpStart {
  t: 'start';
  engine: 'sqlite' | 'postgres';
  counts: DumpCounts;
  /** Open sessions not carried over: their connectors' contributors open a new session after the move. */
  openSessions: number;
}

export type DumpItem = DumpStart | DumpRow;

/** Progress of a load: rows loaded so far, per table. */
export type LoadProgress = (table: DumpTable, rows: number) => void;

/** `Store.load` refused: the store already holds data. Nothing was written. */
export class StoreNotEmptyError extends Error {
  override readonly name = 'StoreNotEmptyError';
  constructor(readonly found: Partial<DumpCounts>) {
    const what = Object.entries(found)
      .map(([table, n]) => (table === 'sequences' ? 'ids already handed out' : `${n} ${table}`))
      .join(', ');
    super(`the target store is not empty (${what}): import only into a new, empty store`);
  }
}

/** A dump whose rows do not fit together (unknown kind, out of order, counts that differ). Nothing was written. */
export class DumpFormatError extends Error {
  override readonly name = 'DumpFormatError';
}

/** Counts of every table set to 0. */
export function zeroCounts(): DumpCounts {
  return Object.fromEntries(DUMP_TABLES.map((t) => [t, 0])) as DumpCounts;
}

/**
 * Checks the item stream a store loads: the start item first and once, then rows in `DUMP_TABLES`
 * order, each a known kind, counted; `end()` compares the counts with those the start item announced.
 * Shared by both engines' `load`.
 */
export class DumpChecker {
  readonly counts = zeroCounts();
  #expected: DumpCounts | undefined;
  #at = 0;

  /**
   * Takes the next item of a dump as a loader reads it: `false` for the start item (it must come first, and
   * once), `true` for a row, which must come in table order and is counted.
   */
  take(item: DumpItem): item is DumpRow {
    if (item.t === 'start') {
      if (this.#expected) throw new DumpFormatError('a second start item');
      this.#expected = item.counts;
      return false;
    }
    if (!this.#expected) throw new DumpFormatError('rows before the start item');
    const index = DUMP_TABLES.indexOf(item.t);
    if (index < 0) throw new DumpFormatError(`unknown row kind ${JSON.stringify((item as { t?: unknown }).t)}`);
    if (index < this.#at) throw new DumpFormatError(`a ${item.t} row after the ${DUMP_TABLES[this.#at]} rows`);
    this.#at = index;
    this.counts[item.t]++;
    return true;
  }

  /** The counts, once every row has come as the start item announced. */
  end(): DumpCounts {
    const expected = this.#expected;
    if (!expected) throw new DumpFormatError('no start item: not a dump');
    for (const t of DUMP_TABLES) {
      if (this.counts[t] !== expected[t])
        throw new DumpFormatError(`${t}: ${this.counts[t]} rows, the dump announced ${expected[t]}`);
    }
    return this.counts;
  }
}

/** Rows of one table handed to the engine together (records: one multi-row insert). */
export const LOAD_BATCH = 1000;
