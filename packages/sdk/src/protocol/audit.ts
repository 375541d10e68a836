/**
 * The audit trail (bbk extension, docs/AUDIT.md): wire shapes of `GET /audit` and `GET /audit/verify`
 * on the Coordinator API, and the rules of their query parameters, declared once for server and clients.
 */

/**
 * Who made a change: `coordinator:<user id>` (`coordinator` alone in development mode, which has no
 * tokens), `contributor:<connector slug>`, `consumer:<access id>` (`consumer` in development mode) or `system`.
 */
export type AuditActor = string;

/** What an entry records, e.g. `user.create`, `policy.update`, `token.reissue`, `session.commit`, `consumer.activity`. */
export type AuditAction =
  | 'user.create'
  | 'user.update'
  | 'user.delete'
  | 'entity-type.create'
  | 'entity-type.update'
  | 'entity-type.delete'
  | 'connector.create'
  | 'connector.update'
  | 'connector.live'
  | 'connector.delete'
  | 'policy.create'
  | 'policy.update'
  | 'policy.delete'
  | 'access.create'
  | 'access.delete'
  | 'token.issue'
  | 'token.reissue'
  | 'token.rescind'
  | 'session.commit'
  | 'session.rollback'
  | 'consumer.activity';

/** One entry of the hash-chained audit log. */
export interface AuditEntry {
  /** Position in the log: 1, 2, 3… without gaps. */
  seq: number;
  /** When it was appended, ISO-8601 UTC with milliseconds. */
  at: string;
  actor: AuditActor;
  action: AuditAction | string;
  /** What it acted on: `user:3`, `entity-type:country`, `connector:wikipedia`, `policy:open`, `access:3/open`. */
  target: string;
  /** `before` / `after` states, counts… Never a token, token hash or webhook secret. */
  detail: Record<string, unknown>;
  /** `hash` of the entry before (64 zeros for the first). */
  prev_hash: string;
  /** sha256 (hex) of the entry's canonical JSON (docs/AUDIT.md). */
  hash: string;
}

/** Why verification stopped at an entry. */
export type AuditBreakReason = 'hash mismatch' | 'prev link broken' | 'gap in seq' | 'head mismatch';

/** `GET /audit/verify`: 200 either way. */
export type AuditVerdict =
  | { intact: true; entries: number; head: string }
  | { intact: false; entries: number; broken: { seq: number; reason: AuditBreakReason } };

/** Query of `GET /audit`. */
export interface AuditQuery {
  /** `coordinator:3` exactly, or a kind (`coordinator`) for every actor of that kind. */
  actor?: string;
  /** `policy:open` exactly, or a kind (`policy`) for every target of that kind. */
  target?: string;
  /** Exact action, e.g. `token.issue`. */
  action?: string;
  /** Entries at or after this ISO-8601 instant. */
  since?: string;
  /** Entries strictly before this ISO-8601 instant. */
  until?: string;
  /** Entries with a greater `seq` (paging forward). */
  after?: number;
  /** Entries with a smaller `seq` (paging backward). */
  before?: number;
  /** 1–1000, default 100. */
  limit?: number;
  /** `asc` (default: oldest first) or `desc` (newest first). */
  order?: 'asc' | 'desc';
}

/** Rules of the `GET /audit` parameters. */
export const AUDIT_QUERY_RULES = {
  limit: { minimum: 1, maximum: 1000, default: 100 },
  seq: { minimum: 0 },
  /** `actor`, `target`, `action`: text of 1–256 characters */
  text: { minLength: 1, maxLength: 256 },
  order: ['asc', 'desc'],
} as const;

/** The `prev_hash` of the first entry. */
export const AUDIT_GENESIS = '0'.repeat(64);

/** JSON Schema of an {@link AuditEntry}. */
export const auditEntrySchema = {
  type: 'object',
  required: ['seq', 'at', 'actor', 'action', 'target', 'detail', 'prev_hash', 'hash'],
  additionalProperties: false,
  properties: {
    seq: { type: 'integer', minimum: 1 },
    at: { type: 'string' },
    actor: { type: 'string' },
    action: { type: 'string' },
    target: { type: 'string' },
    detail: { type: 'object' },
    prev_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
} as const;
