import type { UsageStore } from '../limits/index.js';
import type { Ir } from '../query/index.js';
import type { TimeseriesDeclaration, TokenRow } from './types.js';

/** The identity and version of a policy: enough to find its compiled form in a cache. */
export interface PolicyHead {
  id: number;
  slug: string;
  version: number;
  /**
   * `policyByAccess` on a store several processes share: the access's stored suspension (its
   * reason), null when it is not suspended, read in the same query as the policy.
   */
  suspension?: string | null;
}

/**
 * What one consumer may see (spec §4.1): records matching `segment` whose
 * connector is live or has one of the `staged` contribution ids.
 */
export interface CatalogView {
  /** Policy data segment (dialect-neutral IR, rendered by the store). */
  segment: Ir;
  /** Contribution ids from `x-bbk-connectors` (already split, trimmed, capped at 16). */
  staged: readonly string[];
}

export interface Page {
  limit: number;
  offset: number;
}

/** A list item before URLs and legal notices are added. */
export interface CatalogEntry {
  publicId: string;
  type: string;
  name: string;
  /** The stored document, only when the list asked for it (`withDoc`), before any mask. */
  doc?: RecordDocument;
}

/** What a catalog list reads: its page, filter and type, and whether each item carries its stored document. */
export interface ListOptions extends Page {
  filter?: Ir;
  type?: string;
  /** Each item carries its stored document (`doc`): the Consumer API's `fields` (docs/CONSUMER.md). */
  withDoc?: boolean;
}

/**
 * A query that passed validation but that the database cannot run (expression depth,
 * variable count, string size): the query is unusable, so the caller answers 400.
 */
export class UnusableQueryError extends Error {
  override readonly name = 'UnusableQueryError';
}

/** An entity type with at least one visible record. */
export interface VisibleEntityType {
  slug: string;
  name: string;
  description: string;
}

/** The number of visible records of one entity type. */
export interface TypeCount {
  type: string;
  records: number;
}

/** The stored record's document (spec §3.4). */
export interface RecordDocument {
  id: string;
  name: string;
  type: string;
  entity: Record<string, unknown>;
  instance?: Record<string, unknown>;
  timeseries: Record<string, TimeseriesDeclaration>;
}

/** A visible record with what the detail needs from its connector. */
export interface CatalogRecord {
  publicId: string;
  type: string;
  name: string;
  vendorId: string;
  doc: RecordDocument;
  connector: { id: number; webhook: string | null; cache: number; webhookSecret: string };
}

/**
 * What a witnessed read reads again with the record (services/consumer-scope.ts, "Remembered admissions"):
 * the token of a production consumer call (its key id), or the policy of a development one (its slug).
 */
export type AdmissionWitness = { keyId: string } | { policySlug: string };

/** A record read with its witness, both on one snapshot. */
export interface WitnessedRecord {
  record: CatalogRecord | undefined;
  /** A `keyId` witness: the token as `tokens.get` reads it now, absent when there is none. */
  token?: TokenRow;
  /** A `policySlug` witness: the policy's head as `policyBySlug` reads it now, absent when there is none. */
  policy?: PolicyHead;
}

/** How the store runs a list (coordinator diagnostics: `GET /catalog?explain=true` on the Coordinator API). */
export interface CatalogExplain {
  /** The list's SQL as the store runs it (positional parameters), or null when nothing needs running. */
  sql: string | null;
  /** The engine's plan, outermost step first. */
  plan: string[];
  /** Indexes the plan uses. */
  indexes: string[];
  /** Rows the query looked at, and rows it returned (at most the page). */
  examined: number;
  returned: number;
  /** Time of the query alone, ms. */
  ms: number;
  /** A deep page that starts from a remembered position: that row's `seq`, and the rows skipped after it. */
  startsAt: { seq: number; skip: number } | null;
  /** The indexes the catalog built itself (`expression`, `number`, `trigram` or `compound`), most recently used first. */
  automaticIndexes: Array<{ kind: string; path: string; name: string; lastUsed: string }>;
}

/**
 * Consumer side of the catalog: policy-scoped reads (spec §4) and the usage
 * counters of rate/quota. Every read takes a `CatalogView`, so none can skip
 * the policy segment or the live/staged rule. Lists are ordered by catalog
 * insertion order (`records.seq`), entity types by slug.
 */
export interface CatalogStore extends UsageStore {
  /** A policy's head by slug (development: `x-bbk-audience`). */
  policyBySlug(slug: string): Promise<PolicyHead | undefined>;
  /** The policy of an access (production: the consumer token's subject). */
  policyByAccess(accessId: number): Promise<PolicyHead | undefined>;
  /**
   * Visible records matching `filter` (when given) and of `type` (when given).
   * A `filter` of constant false returns `[]` without touching the table. With `withDoc`, each
   * entry carries its stored document (unmasked: the caller applies the policy's masks).
   */
  list(view: CatalogView, options: ListOptions): Promise<CatalogEntry[]>;
  /** How `list` runs these options: plan, indexes, rows looked at (runs the query once, returns no rows). */
  explain(view: CatalogView, options: ListOptions): Promise<CatalogExplain>;
  /** Entity types with at least one visible record, by slug. */
  entityTypes(view: CatalogView, page: Page): Promise<VisibleEntityType[]>;
  /**
   * How many visible records (matching `filter` when given) each entity type has, by type;
   * types without any are left out (the policy preview, docs/CONSOLE.md).
   */
  countByType(view: CatalogView, options?: { filter?: Ir }): Promise<TypeCount[]>;
  /** The visible record with this public id and type. */
  record(view: CatalogView, type: string, publicId: string): Promise<CatalogRecord | undefined>;
  /**
   * `record`, and in the same statement (one snapshot) the state of `witness` as `tokens.get` or
   * `policyBySlug` would read it: a call admitted from what this process remembers is checked against
   * the database by the read that serves it, with no round trip of its own.
   */
  recordWitnessed(
    view: CatalogView,
    type: string,
    publicId: string,
    witness: AdmissionWitness,
  ): Promise<WitnessedRecord>;
  /**
   * Makes the catalog's expression indexes match the paths the entity types
   * declare (`entity_types.indexes`): creates missing ones, drops stale ones.
   * Returns the index names created and dropped.
   */
  syncIndexes(): Promise<{ created: string[]; dropped: string[] }>;
}
