import type { DumpRow, DumpTable } from '../dump.js';

/** How one table of the PostgreSQL engine is read into dump rows and written back from them. */
export interface PgDumpTable<R extends DumpRow = DumpRow> {
  /** every row, in the table's order; json columns as their exact text */
  select: string;
  toRow(raw: Record<string, unknown>): R;
  /** the table and its columns, for multi-row inserts */
  table: string;
  columns: readonly string[];
  /** values in `columns` order */
  params(row: R): unknown[];
  /** appended to the insert (meta: an existing key takes the dump's value) */
  onConflict?: string;
}

type Raw = Record<string, unknown>;
const s = (v: unknown) => v as string;
const n = (v: unknown) => Number(v);
const sn = (v: unknown) => (v ?? null) as string | null;

type Tables = { [T in Exclude<DumpTable, 'sequences'>]: PgDumpTable<Extract<DumpRow, { t: T }>> };

/** Every table of a dump on PostgreSQL (`postgres/dump.ts` adds the sequences and the spatial index). */
export const PG_TABLES: Tables = {
  meta: {
    select: 'SELECT key, value FROM meta ORDER BY key COLLATE "C"',
    toRow: (r: Raw) => ({ t: 'meta', key: s(r.key), value: s(r.value) }),
    table: 'meta',
    columns: ['key', 'value'],
    params: (r) => [r.key, r.value],
    onConflict: 'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  },
  users: {
    select: 'SELECT id, name, email, organization, addendum::text AS addendum, created FROM users ORDER BY id',
    toRow: (r: Raw) => ({
      t: 'users',
      id: n(r.id),
      name: s(r.name),
      email: s(r.email),
      organization: s(r.organization),
      addendum: s(r.addendum),
      created: s(r.created),
    }),
    table: 'users',
    columns: ['id', 'name', 'email', 'organization', 'addendum', 'created'],
    params: (r) => [r.id, r.name, r.email, r.organization, r.addendum, r.created],
  },
  entity_types: {
    select: `SELECT id, slug, name, description, schema::text AS schema, timeseries::text AS timeseries, tags::text AS tags,
      icon, indexes::text AS indexes, version, created FROM entity_types ORDER BY id`,
    toRow: (r: Raw) => ({
      t: 'entity_types',
      id: n(r.id),
      slug: s(r.slug),
      name: s(r.name),
      description: s(r.description),
      schema: s(r.schema),
      timeseries: s(r.timeseries),
      tags: s(r.tags),
      icon: s(r.icon),
      indexes: s(r.indexes),
      version: n(r.version),
      created: s(r.created),
    }),
    table: 'entity_types',
    columns: [
      'id',
      'slug',
      'name',
      'description',
      'schema',
      'timeseries',
      'tags',
      'icon',
      'indexes',
      'version',
      'created',
    ],
    params: (r) => [
      r.id,
      r.slug,
      r.name,
      r.description,
      r.schema,
      r.timeseries,
      r.tags,
      r.icon,
      r.indexes,
      r.version,
      r.created,
    ],
  },
  connectors: {
    select: `SELECT id, slug, entity_type_id, contribution_id, name, description, webhook, cache, is_live, webhook_secret, created
      FROM connectors ORDER BY id`,
    toRow: (r: Raw) => ({
      t: 'connectors',
      id: n(r.id),
      slug: s(r.slug),
      entityTypeId: n(r.entity_type_id),
      contributionId: s(r.contribution_id),
      name: s(r.name),
      description: s(r.description),
      webhook: sn(r.webhook),
      cache: n(r.cache),
      isLive: r.is_live === true,
      webhookSecret: s(r.webhook_secret),
      created: s(r.created),
    }),
    table: 'connectors',
    columns: [
      'id',
      'slug',
      'entity_type_id',
      'contribution_id',
      'name',
      'description',
      'webhook',
      'cache',
      'is_live',
      'webhook_secret',
      'created',
    ],
    params: (r) => [
      r.id,
      r.slug,
      r.entityTypeId,
      r.contributionId,
      r.name,
      r.description,
      r.webhook,
      r.cache,
      r.isLive,
      r.webhookSecret,
      r.created,
    ],
  },
  policies: {
    select: `SELECT id, slug, name, description, tags::text AS tags, policy::text AS policy, version, created
      FROM policies ORDER BY id`,
    toRow: (r: Raw) => ({
      t: 'policies',
      id: n(r.id),
      slug: s(r.slug),
      name: s(r.name),
      description: s(r.description),
      tags: s(r.tags),
      policy: s(r.policy),
      version: n(r.version),
      created: s(r.created),
    }),
    table: 'policies',
    columns: ['id', 'slug', 'name', 'description', 'tags', 'policy', 'version', 'created'],
    params: (r) => [r.id, r.slug, r.name, r.description, r.tags, r.policy, r.version, r.created],
  },
  accesses: {
    select: 'SELECT id, user_id, policy_id, created FROM accesses ORDER BY id',
    toRow: (r: Raw) => ({
      t: 'accesses',
      id: n(r.id),
      userId: n(r.user_id),
      policyId: n(r.policy_id),
      created: s(r.created),
    }),
    table: 'accesses',
    columns: ['id', 'user_id', 'policy_id', 'created'],
    params: (r) => [r.id, r.userId, r.policyId, r.created],
  },
  tokens: {
    select:
      'SELECT key_id, kind, hash, subject, created, revoked, expires, last_used FROM tokens ORDER BY key_id COLLATE "C"',
    toRow: (r: Raw) => ({
      t: 'tokens',
      keyId: s(r.key_id),
      kind: s(r.kind) as 'coordinator',
      hash: (r.hash as Buffer).toString('base64'),
      subject: n(r.subject),
      created: s(r.created),
      revoked: sn(r.revoked),
      expires: sn(r.expires),
      lastUsed: sn(r.last_used),
    }),
    table: 'tokens',
    columns: ['key_id', 'kind', 'hash', 'subject', 'created', 'revoked', 'expires', 'last_used'],
    params: (r) => [
      r.keyId,
      r.kind,
      Buffer.from(r.hash, 'base64'),
      r.subject,
      r.created,
      r.revoked,
      r.expires,
      r.lastUsed,
    ],
  },
  records: {
    select: 'SELECT seq, public_id, connector_id, type, vendor_id, name, doc::text AS doc FROM records ORDER BY seq',
    toRow: (r: Raw) => ({
      t: 'records',
      seq: n(r.seq),
      publicId: s(r.public_id),
      connectorId: n(r.connector_id),
      type: s(r.type),
      vendorId: s(r.vendor_id),
      name: s(r.name),
      doc: s(r.doc),
    }),
    table: 'records',
    // the loader inserts records column by column with their geo (postgres/dump.ts, insertRecords)
    columns: ['seq', 'public_id', 'connector_id', 'type', 'vendor_id', 'name', 'doc'],
    params: (r) => [r.seq, r.publicId, r.connectorId, r.type, r.vendorId, r.name, r.doc],
  },
  usage: {
    select: 'SELECT key, "window", count FROM usage ORDER BY key COLLATE "C", "window" COLLATE "C"',
    toRow: (r: Raw) => ({ t: 'usage', key: s(r.key), window: s(r.window), count: n(r.count) }),
    table: 'usage',
    columns: ['key', '"window"', 'count'],
    params: (r) => [r.key, r.window, r.count],
  },
  access_usage: {
    select: `SELECT access_id, day, calls, records, rate_limited, quota_limited, last_used
      FROM access_usage ORDER BY access_id, day COLLATE "C"`,
    toRow: (r: Raw) => ({
      t: 'access_usage',
      accessId: n(r.access_id),
      day: s(r.day),
      calls: n(r.calls),
      records: n(r.records),
      rateLimited: n(r.rate_limited),
      quotaLimited: n(r.quota_limited),
      lastUsed: sn(r.last_used),
    }),
    table: 'access_usage',
    columns: ['access_id', 'day', 'calls', 'records', 'rate_limited', 'quota_limited', 'last_used'],
    params: (r) => [r.accessId, r.day, r.calls, r.records, r.rateLimited, r.quotaLimited, r.lastUsed],
  },
  violations: {
    select: `SELECT id, access_id, detector, severity, evidence::text AS evidence, first_seen, last_seen, count, dismissed
      FROM violations ORDER BY id`,
    toRow: (r: Raw) => ({
      t: 'violations',
      id: n(r.id),
      accessId: n(r.access_id),
      detector: s(r.detector),
      severity: s(r.severity),
      evidence: s(r.evidence),
      firstSeen: s(r.first_seen),
      lastSeen: s(r.last_seen),
      count: n(r.count),
      dismissed: sn(r.dismissed),
    }),
    table: 'violations',
    columns: ['id', 'access_id', 'detector', 'severity', 'evidence', 'first_seen', 'last_seen', 'count', 'dismissed'],
    params: (r) => [
      r.id,
      r.accessId,
      r.detector,
      r.severity,
      r.evidence,
      r.firstSeen,
      r.lastSeen,
      r.count,
      r.dismissed,
    ],
  },
  access_guards: {
    select: 'SELECT access_id, auto_suspend, suspended, reason FROM access_guards ORDER BY access_id',
    toRow: (r: Raw) => ({
      t: 'access_guards',
      accessId: n(r.access_id),
      autoSuspend: r.auto_suspend === true,
      suspended: sn(r.suspended),
      reason: sn(r.reason),
    }),
    table: 'access_guards',
    columns: ['access_id', 'auto_suspend', 'suspended', 'reason'],
    params: (r) => [r.accessId, r.autoSuspend, r.suspended, r.reason],
  },
  audit: {
    select: 'SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit ORDER BY seq',
    toRow: (r: Raw) => ({
      t: 'audit',
      seq: n(r.seq),
      at: s(r.at),
      actor: s(r.actor),
      action: s(r.action),
      target: s(r.target),
      detail: s(r.detail),
      prevHash: s(r.prev_hash),
      hash: s(r.hash),
    }),
    table: 'audit',
    columns: ['seq', 'at', 'actor', 'action', 'target', 'detail', 'prev_hash', 'hash'],
    params: (r) => [r.seq, r.at, r.actor, r.action, r.target, r.detail, r.prevHash, r.hash],
  },
};
