/**
 * Wire shapes of every response (and the request bodies) of the three APIs (spec §2–§4, §9).
 * Field names are the wire names, snake_case included.
 */
import type { Query } from './query.js';

/** A JSON object with unknown content (entity data, addenda, JSON Schemas). */
export type JsonObject = Record<string, unknown>;

/** `{ id, url }` reference to another resource. */
export interface ResourceLink {
  id: string;
  url: string;
}

/** `GET /v1` on any service (spec §1.3). */
export interface Announce {
  /** Server clock, ISO-8601 UTC with milliseconds. */
  now: string;
  name: string;
  /** The service's absolute base URL. */
  base: string;
  status: 'development' | 'production';
}

// ---- Coordinator: users (§2.3) ----

/** An item of `GET /user`. */
export interface UserListItem {
  id: number;
  url: string;
  name: string;
  email: string;
  organization: string;
  /** The user holds a coordinator token. */
  coordinator: boolean;
  accesses: ResourceLink[];
}

/** `GET /user/:uid` and `GET /user/email/:email`. */
export interface UserDetail extends UserListItem {
  addendum: JsonObject;
}

// ---- Coordinator: entity types (§2.4) ----

/** One timeseries declared by an entity type. */
export interface TimeseriesDeclaration {
  /** ISO-8601 duration, e.g. `P1Y`. */
  period: string;
  value: string;
  unit: string;
}

/** An item of `GET /entity` (coordinator). */
export interface EntityTypeListItem {
  id: string;
  url: string;
  name: string;
  description: string;
  icon: string;
  tags: string[];
}

/** `GET /entity/:eid` (coordinator). */
export interface EntityTypeDetail extends EntityTypeListItem {
  schema: JsonObject;
  timeseries: Record<string, TimeseriesDeclaration>;
}

// ---- Coordinator: connectors (§2.5, §9) ----

/**
 * bbk extension on access items and connector views: the token's lifetime and use, as the coordinator sees them.
 * Absent when the server is not bbk.
 */
export interface TokenFacts {
  /** ISO-8601 time when the live token expires; `null`: it never expires (or none is live). */
  expires?: string | null;
  /** ISO-8601 time of the latest accepted call with any token of this access or connector; `null`: never. */
  last_used?: string | null;
}

/** An item of `GET /entity/:eid/connector`. */
export interface ConnectorListItem extends TokenFacts {
  id: string;
  url: string;
  name: string;
  description: string;
}

/** `GET /entity/:eid/connector/:cid/health` (bbk extension): webhook call figures since the server started. */
export interface ConnectorHealth {
  id: string;
  url: string;
  webhook: string | null;
  /** HTTP calls made (cache hits are not calls). */
  calls: number;
  /** Calls that gave no usable data: network error, timeout, non-2xx, malformed reply. */
  failures: number;
  /** Failures that were timeouts. */
  timeouts: number;
  /** Mean latency of all calls in milliseconds (0 before the first call). */
  latency_ms_avg: number;
  latency_ms_last: number | null;
  /** Why the last failed call failed. */
  last_error: string | null;
  /** ISO times of the last call, the last usable reply and the last failure. */
  last_call: string | null;
  last_success: string | null;
  last_failure: string | null;
}

/** `GET /entity/:eid/connector/:cid`. */
export interface ConnectorDetail extends ConnectorListItem {
  entity: ResourceLink;
  /** SHA-1 hex id used on the Contributor API and in `x-bbk-connectors`. */
  contribution_id: string;
  webhook: string | null;
  /** Seconds webhook replies are cached (0 = none). */
  cache: number;
  is_live: boolean;
  in_session: boolean;
}

/** Body of `POST /entity/:eid/connector/:cid` (201). */
export interface ConnectorCreated {
  /** The contribution id. */
  id: string;
  /** The contributor token, shown once. */
  token: string;
  /** bbk addition: secret for verifying webhook call signatures, shown once. */
  webhook_secret?: string;
}

// ---- Coordinator: policies and accesses (§2.6, §2.7) ----

/** Kinds of legal context entries. */
export type LegalType = 'attribution' | 'contact' | 'license' | 'note' | 'source' | 'terms';

/** One entry of a policy's `legal_context`, echoed as `legal` to consumers. */
export interface LegalItem {
  type: LegalType;
  text: string;
  link: string | null;
}

/** `policy.access_control`. */
export interface AccessControl {
  enabled: boolean;
  quota?: { max_number: number; interval_type: 'day' | 'month' };
  /** Max calls per second. */
  rate?: number;
}

/** `policy.data_segment`. */
export interface DataSegment {
  segment_query: Query;
  /** `type.entity.field`, `type.instance.field` or `type.attribute[.nested]` (§4.5, §9). */
  field_masks?: string[];
}

/** The `policy` object of a policy; extra properties are stored and echoed. */
export interface PolicyDefinition {
  access_control: AccessControl;
  data_segment: DataSegment;
  legal_context: LegalItem[];
  [extra: string]: unknown;
}

/** An item of `GET /policy`. */
export interface PolicyListItem {
  id: string;
  url: string;
  name: string;
  description: string;
  tags: string[];
}

/** `GET /policy/:pid`. */
export interface PolicyDetail extends PolicyListItem {
  policy: PolicyDefinition;
}

/** An item of `GET /user/:uid/access` and `GET /user/:uid/access/:pid`. */
export interface AccessItem extends TokenFacts {
  id: string;
  url: string;
  policy: ResourceLink;
  /** ISO-8601 creation time. */
  created: string;
}

/** bbk extension: a record named by a policy preview (`added`, `removed`). */
export interface PreviewRecordRef {
  /** Public id (SHA-1 hex). */
  id: string;
  type: string;
  name: string;
}

/** bbk extension: a record of a policy preview's sample, as a consumer of the policy would see it (masks applied). */
export interface PreviewRecord extends PreviewRecordRef {
  entity: JsonObject;
  instance: JsonObject;
  /** The timeseries declarations the masks leave. */
  timeseries: Record<string, TimeseriesDeclaration>;
  legal: LegalItem[];
}

/** bbk extension: the records a policy change lets in (`added`) or shuts out (`removed`). */
export interface PreviewChange {
  /** How many records in all. */
  records: number;
  /** The first of them (at most 100), in catalog order. */
  items: PreviewRecordRef[];
  /** More records than `items` holds. */
  truncated: boolean;
}

/**
 * bbk extension: `POST /policy/:pid/preview`, what a consumer of the posted policy would see
 * (live connectors only); nothing is stored. `added` and `removed` compare it with the stored
 * policy `:pid`, and are `null` when there is none.
 */
export interface PolicyPreview {
  /** Visible records in all. */
  records: number;
  /** Visible records per entity type, by type; types without any are left out. */
  types: { type: string; records: number }[];
  /** The first visible records (at most 10), in catalog order, masks applied. */
  sample: PreviewRecord[];
  added: PreviewChange | null;
  removed: PreviewChange | null;
}

// ---- Contributor (§3) ----

/** Session modes (§3.5). */
export type SessionMode = 'accrue' | 'stream' | 'replace';

/** Session action report: each posted vendor id mapped to its public id (§3.3). */
export type SessionReport = Record<string, string>;

// ---- Consumer (§4.2) ----

/** An item of `GET /catalog` and `GET /entity/:type`. */
export interface CatalogItem {
  /** Public id (SHA-1 hex). */
  id: string;
  url: string;
  type: string;
  name: string;
  legal: LegalItem[];
  /**
   * Only when the list was asked `fields` (bbk extension): each asked path the record has and the policy
   * shows (e.g. `'entity.location'`) → its stored value, masks applied.
   */
  fields?: Record<string, unknown>;
}

/** An item of the consumer's `GET /entity` (no `legal`). */
export interface ConsumerEntityType {
  id: string;
  url: string;
  name: string;
  description: string;
}

/** A timeseries of an entity detail: the declaration plus its URL. */
export interface EntityTimeseries extends TimeseriesDeclaration {
  url: string;
}

/** `GET /entity/:type/:id` (consumer). `E` and `I` type the `entity` and `instance` data. */
export interface EntityDetail<E extends object = JsonObject, I extends object = JsonObject> {
  id: string;
  url: string;
  type: string;
  name: string;
  entity: E;
  instance: I;
  timeseries: Record<string, EntityTimeseries>;
  legal: LegalItem[];
}

/** One point of `GET /entity/:type/:id/timeseries/:tsid`, newest first. */
export interface TimeseriesPoint<V = unknown> {
  from: string;
  to?: string;
  value: V;
}

// ---- Request bodies ----

/** Body of `POST /user`. */
export interface UserInput {
  name: string;
  email: string;
  organization: string;
  addendum?: JsonObject;
}

/** Body of `PUT /user/:uid` (email is immutable and ignored). */
export interface UserUpdateInput {
  name: string;
  organization: string;
  addendum?: JsonObject;
}

/** Body of `POST`/`PUT /entity/:eid`. */
export interface EntityTypeInput {
  name: string;
  description: string;
  schema?: JsonObject;
  timeseries?: Record<string, TimeseriesDeclaration>;
  tags?: string[];
  icon?: string;
  /** bbk extension: dotted paths (`entity.iso`) the catalog keeps an expression index for; at most 16. */
  indexes?: string[];
}

/** Body of `POST`/`PUT /entity/:eid/connector/:cid`. */
export interface ConnectorInput {
  name: string;
  description: string;
  webhook?: string | null;
  cache?: number;
  /**
   * bbk extension, create only (ignored by update): when the contributor token expires, as in
   * {@link TokenLifetime}. Absent: never.
   */
  expires?: string | null;
}

/**
 * Optional body of the calls that issue a token (bbk extension, see `tokenLifetimeSchema`).
 * @example await coordinator.accesses.grant(2, 'over-a-billion', { expires: '90d' })
 */
export interface TokenLifetime {
  /** A duration from now (`90d`, `12h`, `30m`, `45s`, `2w`) or a future ISO-8601 time; `null` or absent: never. */
  expires?: string | null;
}

/** Body of `POST`/`PUT /policy/:pid`. */
export interface PolicyInput {
  name: string;
  description: string;
  tags?: string[];
  policy: PolicyDefinition;
}

/** One record of a contributor upsert (§3.2). */
export interface RecordInput<E extends object = JsonObject, I extends object = JsonObject> {
  /** The connector's own key ("vendor id"), 1–256 characters. */
  id: string;
  name: string;
  entity: E;
  instance?: I;
}
