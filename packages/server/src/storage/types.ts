import type { PolicyHead } from './catalog-store.js';

/** Rows as the services see them (storage-neutral). JSON columns arrive parsed. */

export interface UserRow {
  id: number;
  name: string;
  email: string;
  organization: string;
  addendum: Record<string, unknown>;
  coordinator: boolean;
  /** Policy slugs this user holds an access to, in access creation order. */
  accesses: string[];
}

export interface UserValues {
  name: string;
  email: string;
  organization: string;
  addendum: Record<string, unknown>;
}

export interface TimeseriesDeclaration {
  period: string;
  value: string;
  unit: string;
}

export interface EntityTypeRow {
  id: number;
  slug: string;
  name: string;
  description: string;
  schema: Record<string, unknown>;
  timeseries: Record<string, TimeseriesDeclaration>;
  tags: string[];
  icon: string;
  /** Dotted record paths with a catalog expression index (bbk extension). */
  indexes: string[];
  /** Bumped on every update; keys compiled-schema caches. */
  version: number;
}

export interface EntityTypeValues {
  name: string;
  description: string;
  schema: Record<string, unknown>;
  timeseries: Record<string, TimeseriesDeclaration>;
  tags: string[];
  icon: string;
  indexes: string[];
}

export interface ConnectorRow {
  id: number;
  slug: string;
  entityTypeId: number;
  entityType: string;
  contributionId: string;
  name: string;
  description: string;
  webhook: string | null;
  cache: number;
  isLive: boolean;
  webhookSecret: string;
  inSession: boolean;
}

export interface ConnectorValues {
  name: string;
  description: string;
  webhook: string | null;
  cache: number;
}

export interface PolicyRow {
  id: number;
  slug: string;
  name: string;
  description: string;
  tags: string[];
  policy: PolicyDocument;
  /** Bumped on every update; keys compiled-policy caches. */
  version: number;
}

export interface PolicyDocument {
  access_control: {
    enabled: boolean;
    quota?: { max_number: number; interval_type: 'day' | 'month' };
    rate?: number;
    [k: string]: unknown;
  };
  data_segment: {
    segment_query: Record<string, unknown>;
    field_masks?: string[];
    [k: string]: unknown;
  };
  legal_context: Array<{ type: string; text: string; link: string | null }>;
  [k: string]: unknown;
}

export interface PolicyValues {
  name: string;
  description: string;
  tags: string[];
  policy: PolicyDocument;
}

export interface AccessRow {
  id: number;
  userId: number;
  policy: string;
  created: string;
}

export type TokenKind = 'coordinator' | 'contributor' | 'consumer';

export interface TokenRow {
  keyId: string;
  kind: TokenKind;
  hash: Buffer;
  subject: number;
  revoked: boolean;
  /** ISO-8601 UTC time after which the token is refused (401), or `null`: it never expires. */
  expires: string | null;
  /**
   * A consumer token only: the head of its access's policy, read in the same statement as the token (what
   * `catalog.policyByAccess` gives), `null` when the access or its policy is gone. Absent for other kinds.
   * The consumer call uses it instead of a second lookup (services/consumer-scope.ts).
   */
  policy?: PolicyHead | null;
}

/** What a coordinator sees of a subject's tokens (access and connector views). */
export interface TokenSummary {
  /** Expiry of the subject's live token; `null` when it has none, or no live token. */
  expires: string | null;
  /** Most recent acceptance of any token of the subject (ISO-8601 UTC); `null` when never used. */
  lastUsed: string | null;
}

/** One token's most recent acceptance, as remembered in memory until written. */
export interface TokenUse {
  keyId: string;
  /** ISO-8601 UTC */
  at: string;
}
