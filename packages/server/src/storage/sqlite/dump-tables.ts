import type { DumpRow, DumpTable } from '../dump.js';

/** How one table of the SQLite engine is read into dump rows and written back from them. */
export interface SqliteDumpTable<R extends DumpRow = DumpRow> {
  /** every row, in the table's order (ids, seq) */
  select: string;
  toRow(raw: Record<string, unknown>): R;
  insert: string;
  params(row: R): unknown[];
}

type Raw = Record<string, unknown>;
const s = (v: unknown) => v as string;
const n = (v: unknown) => v as number;
const sn = (v: unknown) => (v ?? null) as string | null;

type Tables = { [T in Exclude<DumpTable, 'sequences' | 'records'>]: SqliteDumpTable<Extract<DumpRow, { t: T }>> };

/** Every table but the sequences and the catalog (`sqlite/dump.ts` handles those). */
export const SQLITE_TABLES: Tables = {
  meta: {
    select: 'SELECT key, value FROM meta ORDER BY key',
    toRow: (r: Raw) => ({ t: 'meta', key: s(r.key), value: s(r.value) }),
    insert: 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    params: (r) => [r.key, r.value],
  },
  users: {
    select: 'SELECT id, name, email, organization, addendum, created FROM users ORDER BY id',
    toRow: (r: Raw) => ({
      t: 'users',
      id: n(r.id),
      name: s(r.name),
      email: s(r.email),
      organization: s(r.organization),
      addendum: s(r.addendum),
      created: s(r.created),
    }),
    insert: 'INSERT INTO users (id, name, email, organization, addendum, created) VALUES (?, ?, ?, ?, ?, ?)',
    params: (r) => [r.id, r.name, r.email, r.organization, r.addendum, r.created],
  },
  entity_types: {
    select:
      'SELECT id, slug, name, description, schema, timeseries, tags, icon, indexes, version, created FROM entity_types ORDER BY id',
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
    insert: `INSERT INTO entity_types (id, slug, name, description, schema, timeseries, tags, icon, indexes, version, created)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      isLive: r.is_live === 1,
      webhookSecret: s(r.webhook_secret),
      created: s(r.created),
    }),
    insert: `INSERT INTO connectors (id, slug, entity_type_id, contribution_id, name, description, webhook, cache, is_live, webhook_secret, created)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    params: (r) => [
      r.id,
      r.slug,
      r.entityTypeId,
      r.contributionId,
      r.name,
      r.description,
      r.webhook,
      r.cache,
      r.isLive ? 1 : 0,
      r.webhookSecret,
      r.created,
    ],
  },
  policies: {
    select: 'SELECT id, slug, name, description, tags, policy, version, created FROM policies ORDER BY id',
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
    insert:
      'INSERT INTO policies (id, slug, name, description, tags, policy, version, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
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
    insert: 'INSERT INTO accesses (id, user_id, policy_id, created) VALUES (?, ?, ?, ?)',
    params: (r) => [r.id, r.userId, r.policyId, r.created],
  },
  tokens: {
    select: 'SELECT key_id, kind, hash, subject, created, revoked, expires, last_used FROM tokens ORDER BY key_id',
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
    insert: `INSERT INTO tokens (key_id, kind, hash, subject, created, revoked, expires, last_used)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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
  usage: {
    select: 'SELECT key, window, count FROM usage ORDER BY key, window',
    toRow: (r: Raw) => ({ t: 'usage', key: s(r.key), window: s(r.window), count: n(r.count) }),
    insert: 'INSERT INTO usage (key, window, count) VALUES (?, ?, ?)',
    params: (r) => [r.key, r.window, r.count],
  },
  access_usage: {
    select: `SELECT access_id, day, calls, records, rate_limited, quota_limited, last_used
      FROM access_usage ORDER BY access_id, day`,
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
    insert: `INSERT INTO access_usage (access_id, day, calls, records, rate_limited, quota_limited, last_used)
      VALUES (?, ?, ?, ?, ?, ?, ?)`,
    params: (r) => [r.accessId, r.day, r.calls, r.records, r.rateLimited, r.quotaLimited, r.lastUsed],
  },
  violations: {
    select: `SELECT id, access_id, detector, severity, evidence, first_seen, last_seen, count, dismissed
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
    insert: `INSERT INTO violations (id, access_id, detector, severity, evidence, first_seen, last_seen, count, dismissed)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      autoSuspend: r.auto_suspend === 1,
      suspended: sn(r.suspended),
      reason: sn(r.reason),
    }),
    insert: 'INSERT INTO access_guards (access_id, auto_suspend, suspended, reason) VALUES (?, ?, ?, ?)',
    params: (r) => [r.accessId, r.autoSuspend ? 1 : 0, r.suspended, r.reason],
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
    insert: `INSERT INTO audit (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    params: (r) => [r.seq, r.at, r.actor, r.action, r.target, r.detail, r.prevHash, r.hash],
  },
};

/** The catalog: documents as JSON text (`json(doc)`, key order kept); geometries re-indexed on load. */
export const SQLITE_RECORDS = {
  select: 'SELECT seq, public_id, connector_id, type, vendor_id, name, json(doc) AS doc FROM records ORDER BY seq',
  insert: `INSERT INTO records (seq, public_id, connector_id, type, vendor_id, name, doc, geo)
    VALUES (?, ?, ?, ?, ?, ?, jsonb(?), ?)`,
} as const;
