import type { ActivityStore } from './activity-store.js';
import type { AuditNote, AuditStore } from './audit-store.js';
import type { CatalogStore } from './catalog-store.js';
import type { DumpCounts, DumpItem, LoadProgress } from './dump.js';
import type { RecordStore } from './records-store.js';
import type {
  AccessRow,
  ConnectorRow,
  ConnectorValues,
  EntityTypeRow,
  EntityTypeValues,
  PolicyRow,
  PolicyValues,
  TokenKind,
  TokenRow,
  TokenSummary,
  TokenUse,
  UserRow,
  UserValues,
} from './types.js';

/**
 * The database could not serve the call: SQLite could not take a write in time (another process held it for longer
 * than the store waits); PostgreSQL was unreachable, shutting down, out of connections, or chose the call's
 * transaction as a deadlock's victim. Nothing was written (a transaction in progress was rolled back); the request may
 * be retried. Answered with 503 and `Retry-After: 1`.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message = 'the database is busy: try again', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Whether `err` is the database (or the file system under it) out of room: SQLite's `SQLITE_FULL` (from the main
 * connection or a worker thread, which keeps the code), PostgreSQL's `53100` (disk_full), or a write's `ENOSPC` /
 * `EDQUOT`. The transaction it broke was rolled back, so nothing was written. Answered with 507.
 */
export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Whether `err` is a write refused because a row it refers to is gone: a foreign key violation (PostgreSQL's
 * `23503`, SQLite's `SQLITE_CONSTRAINT_FOREIGNKEY`). The services check that a parent exists before they write, so
 * this is a delete that committed in between (an entity type deleted while a connector is created under it); the
 * write is refused whole and answered 404, as if the delete had come first.
 */
export function isMissingParent(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** An unpaired UTF-16 surrogate: a string JavaScript holds (and JSON's `\\ud800` escape carries) that is not Unicode. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** `UnstorableValueError`'s `what` for a string holding a `LONE_SURROGATE`. */
export const UNPAIRED_SURROGATE = 'an unpaired UTF-16 surrogate (U+D800 to U+DFFF alone)';

/**
 * A value the database cannot hold (PostgreSQL: the character U+0000 in text or JSON). Nothing
 * was written. `statusCode` 400: the error handler answers it in the standard body.
 */
export class UnstorableValueError extends Error {
  override readonly name = 'UnstorableValueError';
  readonly statusCode = 400;
  /** @param options.what what the database cannot hold (default: the character U+0000) */
  constructor(options?: { cause?: unknown; what?: string }) {
    super(`contains ${options?.what ?? 'the character U+0000'}, which the database cannot store`, options);
  }
}

/** A minted token's storable part; the subject is filled in by the store. */
export interface NewToken {
  keyId: string;
  hash: Buffer;
  /** ISO-8601 UTC expiry; absent or `null`: never expires. */
  expires?: string | null;
}

/**
 * The async storage interface. Every method is one unit of work: a method that
 * writes several rows does so in one transaction. The SQLite implementation
 * lives in `sqlite/`; a PostgreSQL one can be added without touching services.
 * A write method's optional `audit` note is appended to the audit log in the same
 * transaction as the change it records (see `AuditNote`).
 */
export interface Store {
  /**
   * Whether several bbk processes may use this database at once (PostgreSQL). Then nothing above
   * the store may keep, between requests, state another process can change: what is remembered
   * must be keyed by a version read on every request (compiled policies, compiled schemas) or
   * not kept at all (guards, rate and quota counts). SQLite: one process owns the file.
   */
  readonly shared: boolean;
  readonly meta: MetaStore;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly entityTypes: EntityTypeStore;
  readonly connectors: ConnectorStore;
  readonly policies: PolicyStore;
  readonly accesses: AccessStore;
  /** Sessions and record writes (Contributor API). */
  readonly records: RecordStore;
  /** Policy-scoped reads and usage counters (Consumer API). */
  readonly catalog: CatalogStore;
  /** Per-access usage, violation flags and guards (docs/USAGE.md). */
  readonly activity: ActivityStore;
  /** The hash-chained audit log (docs/AUDIT.md). */
  readonly audit: AuditStore;
  /** Whether the database answers and its schema is current (`/readyz`). Never throws. */
  health(): Promise<StoreHealth>;
  /** Operational figures computed on call (`/metrics`): catalog size, open sessions, database size. */
  figures(): Promise<StoreFigures>;
  /**
   * Every row of the store, engine-neutral, from one consistent snapshot (`bbk export`, dump.ts): first a
   * `start` item with the row counts, then the rows table by table in `DUMP_TABLES` order. Open
   * contribution sessions are not carried (`start.openSessions` says how many there were).
   */
  dump(): AsyncGenerator<DumpItem>;
  /**
   * Loads a dump into this store, which must be empty (`StoreNotEmptyError` otherwise), in one
   * transaction: ids, sequences, token hashes, record order and the audit chain as dumped; nothing
   * is left when it throws (`DumpFormatError`: rows that do not fit together or counts that differ).
   * The store must be otherwise idle meanwhile (`bbk import` opens it for this alone).
   */
  load(items: AsyncIterable<DumpItem>, onProgress?: LoadProgress): Promise<DumpCounts>;
  close(): Promise<void>;
}

/** What `Store.health()` checked. Ready when `database` and the two versions are equal. */
export interface StoreHealth {
  /** A trivial query answered. */
  database: boolean;
  /** The schema version the database is at (`null` when it could not be read). */
  schemaVersion: number | null;
  /** The newest migration this build knows. */
  expectedSchemaVersion: number;
  /** Why the database did not answer. */
  error?: string;
}

/** Catalog records of one connector. */
export interface ConnectorRecordCount {
  connector: string;
  /** Its entity type's slug. */
  type: string;
  live: boolean;
  records: number;
}

/** A connector's open contribution session. */
export interface OpenSession {
  connector: string;
  mode: string;
}

/** Figures for `/metrics`, read at scrape time. */
export interface StoreFigures {
  records: ConnectorRecordCount[];
  openSessions: OpenSession[];
  /** Size of the database proper (pages × page size). */
  databaseBytes: number;
  /** Size of the write-ahead log file (0 in memory). */
  walBytes: number;
}

export interface MetaStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export interface UserStore {
  list(): Promise<UserRow[]>;
  get(id: number): Promise<UserRow | undefined>;
  getByEmail(email: string): Promise<UserRow | undefined>;
  /** Inserts; returns the new id, or `undefined` when the email is taken. */
  create(input: UserValues, audit?: AuditNote<number | undefined>): Promise<number | undefined>;
  /** Replaces name, organization, addendum. Returns false when missing. */
  update(id: number, input: Omit<UserValues, 'email'>, audit?: AuditNote<boolean>): Promise<boolean>;
  /** Deletes the user and its accesses; every token of the user is revoked. */
  delete(id: number, audit?: AuditNote<boolean>): Promise<boolean>;
  /** Whether the user sequence was ever used (bootstrap happens once). */
  sequenceUsed(): Promise<boolean>;
  organizationsStartingWith(prefix: string): Promise<string[]>;
}

/** What `TokenStore.issue` did: issued the token, found a live one (`once`), or found no subject. */
export type TokenIssue = 'issued' | 'exists' | 'gone';

/** The table of each token kind's subject. */
export const TOKEN_SUBJECTS: Readonly<Record<TokenKind, string>> = {
  coordinator: 'users',
  consumer: 'accesses',
  contributor: 'connectors',
};

export interface TokenStore {
  /**
   * Issues a token for a subject that exists (a coordinator token's user, a consumer token's access, a contributor
   * token's connector), revoking the subject's live token of that kind in the same transaction; with `once`, only
   * when the subject has no live token of that kind (a promotion). Issues for one subject take turns (its row is
   * locked for the transaction), so whatever runs at once exactly one token stays live, and a subject deleted
   * meanwhile gets none: `gone`. `audit` is given the number of tokens revoked and commits with the token.
   */
  issue(
    row: NewToken & { kind: TokenKind; subject: number },
    options?: { once?: boolean },
    audit?: AuditNote<number>,
  ): Promise<TokenIssue>;
  get(keyId: string): Promise<TokenRow | undefined>;
  /** Records when tokens were last accepted, in one transaction; a later time never goes back. */
  recordUses(uses: readonly TokenUse[]): Promise<void>;
  /** Expiry and last use of each subject's tokens of this kind; subjects without a token are absent. */
  summaries(kind: TokenKind, subjects: readonly number[]): Promise<Map<number, TokenSummary>>;
  /** Revokes every live token of this kind and subject; returns how many. */
  revokeSubject(kind: TokenKind, subject: number, audit?: AuditNote<number>): Promise<number>;
  hasLive(kind: TokenKind, subject: number): Promise<boolean>;
}

export interface EntityTypeStore {
  list(): Promise<EntityTypeRow[]>;
  get(slug: string): Promise<EntityTypeRow | undefined>;
  /** Returns false when the slug exists. */
  create(slug: string, input: EntityTypeValues, audit?: AuditNote<boolean>): Promise<boolean>;
  update(slug: string, input: EntityTypeValues, audit?: AuditNote<boolean>): Promise<boolean>;
  /** Cascades to connectors, sessions and catalog records; their tokens are revoked. */
  delete(slug: string): Promise<boolean>;
  tagsStartingWith(prefix: string): Promise<string[]>;
}

export interface ConnectorStore {
  list(entityTypeId: number): Promise<ConnectorRow[]>;
  get(entityTypeId: number, slug: string): Promise<ConnectorRow | undefined>;
  getBySlug(slug: string): Promise<ConnectorRow | undefined>;
  getById(id: number): Promise<ConnectorRow | undefined>;
  getByContributionId(contributionId: string): Promise<ConnectorRow | undefined>;
  /** Returns the new row, or undefined when the slug exists anywhere in the instance. */
  create(
    entityTypeId: number,
    slug: string,
    input: ConnectorValues & { contributionId: string; webhookSecret: string },
    token: NewToken,
    /** given the new connector's id, undefined when the slug was taken */
    audit?: AuditNote<number | undefined>,
  ): Promise<ConnectorRow | undefined>;
  update(id: number, input: ConnectorValues, audit?: AuditNote<unknown>): Promise<void>;
  setLive(id: number, live: boolean, audit?: AuditNote<unknown>): Promise<void>;
  /** Cascades to its session and catalog records; its token is revoked. False when it was already gone. */
  delete(id: number): Promise<boolean>;
  /** Ids of live connectors (cached by callers; changes bump `liveVersion`). */
  liveIds(): Promise<number[]>;
}

export interface PolicyStore {
  list(): Promise<PolicyRow[]>;
  get(slug: string): Promise<PolicyRow | undefined>;
  getById(id: number): Promise<PolicyRow | undefined>;
  create(slug: string, input: PolicyValues, audit?: AuditNote<boolean>): Promise<boolean>;
  update(slug: string, input: PolicyValues, audit?: AuditNote<boolean>): Promise<boolean>;
  /** Removes its accesses; their consumer tokens are revoked. */
  delete(slug: string, audit?: AuditNote<boolean>): Promise<boolean>;
  tagsStartingWith(prefix: string): Promise<string[]>;
}

export interface AccessStore {
  list(userId: number): Promise<AccessRow[]>;
  get(userId: number, policySlug: string): Promise<AccessRow | undefined>;
  getById(id: number): Promise<AccessRow | undefined>;
  /** Creates the access and stores its token in one transaction; undefined when it exists. */
  /** `audit` is given the new access's id, undefined when it existed. */
  create(
    userId: number,
    policyId: number,
    token: NewToken,
    audit?: AuditNote<number | undefined>,
  ): Promise<AccessRow | undefined>;
  /** Deletes the access; its token is revoked. False when it was already gone (`audit` is given which). */
  delete(id: number, audit?: AuditNote<boolean>): Promise<boolean>;
}
