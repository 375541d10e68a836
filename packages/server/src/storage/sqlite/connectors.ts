import type { AuditNote } from '../audit-store.js';
import type { ConnectorStore, NewToken } from '../store.js';
import type { ConnectorRow, ConnectorValues } from '../types.js';
import type { SqliteAudit } from './audit.js';
import { type Db, isoNow } from './database.js';
import type { AsyncCatalogWrites } from './records/index.js';
import type { WriteGate } from './write-gate.js';

interface ConnectorRecord {
  id: number;
  slug: string;
  entity_type_id: number;
  entity_type: string;
  contribution_id: string;
  name: string;
  description: string;
  webhook: string | null;
  cache: number;
  is_live: number;
  webhook_secret: string;
  in_session: number;
}

const SELECT = `
  SELECT c.id, c.slug, c.entity_type_id, e.slug AS entity_type, c.contribution_id, c.name, c.description,
         c.webhook, c.cache, c.is_live, c.webhook_secret,
         EXISTS (SELECT 1 FROM sessions s WHERE s.connector_id = c.id) AS in_session
  FROM connectors c JOIN entity_types e ON e.id = c.entity_type_id`;

function toRow(r: ConnectorRecord): ConnectorRow {
  return {
    id: r.id,
    slug: r.slug,
    entityTypeId: r.entity_type_id,
    entityType: r.entity_type,
    contributionId: r.contribution_id,
    name: r.name,
    description: r.description,
    webhook: r.webhook,
    cache: r.cache,
    isLive: r.is_live === 1,
    webhookSecret: r.webhook_secret,
    inSession: r.in_session === 1,
  };
}

export class SqliteConnectors implements ConnectorStore {
  private readonly q;

  constructor(
    db: Db,
    private readonly gate: WriteGate,
    /** where the catalog is written: the delete cascades to it */
    private readonly purges: Pick<AsyncCatalogWrites, 'deleteConnector'>,
    private readonly audit: SqliteAudit,
  ) {
    this.q = {
      list: db.prepare<[number], ConnectorRecord>(`${SELECT} WHERE c.entity_type_id = ? ORDER BY c.slug`),
      get: db.prepare<[number, string], ConnectorRecord>(`${SELECT} WHERE c.entity_type_id = ? AND c.slug = ?`),
      bySlug: db.prepare<[string], ConnectorRecord>(`${SELECT} WHERE c.slug = ?`),
      byId: db.prepare<[number], ConnectorRecord>(`${SELECT} WHERE c.id = ?`),
      byContribution: db.prepare<[string], ConnectorRecord>(`${SELECT} WHERE c.contribution_id = ?`),
      insert: db.prepare(
        `INSERT INTO connectors (slug, entity_type_id, contribution_id, name, description, webhook, cache, webhook_secret, created)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      update: db.prepare('UPDATE connectors SET name = ?, description = ?, webhook = ?, cache = ? WHERE id = ?'),
      live: db.prepare('UPDATE connectors SET is_live = ? WHERE id = ?'),
      token: db.prepare(
        "INSERT INTO tokens (key_id, kind, hash, subject, created, expires) VALUES (?, 'contributor', ?, ?, ?, ?)",
      ),
      liveIds: db.prepare<[], { id: number }>('SELECT id FROM connectors WHERE is_live = 1 ORDER BY id'),
    };
  }

  async list(entityTypeId: number): Promise<ConnectorRow[]> {
    return this.q.list.all(entityTypeId).map(toRow);
  }

  async get(entityTypeId: number, slug: string): Promise<ConnectorRow | undefined> {
    const r = this.q.get.get(entityTypeId, slug);
    return r && toRow(r);
  }

  async getBySlug(slug: string): Promise<ConnectorRow | undefined> {
    const r = this.q.bySlug.get(slug);
    return r && toRow(r);
  }

  async getById(id: number): Promise<ConnectorRow | undefined> {
    const r = this.q.byId.get(id);
    return r && toRow(r);
  }

  async getByContributionId(contributionId: string): Promise<ConnectorRow | undefined> {
    const r = this.q.byContribution.get(contributionId);
    return r && toRow(r);
  }

  async create(
    entityTypeId: number,
    slug: string,
    i: ConnectorValues & { contributionId: string; webhookSecret: string },
    token: NewToken,
    audit?: AuditNote<number | undefined>,
  ): Promise<ConnectorRow | undefined> {
    const insert = () => {
      const info = this.q.insert.run(
        slug,
        entityTypeId,
        i.contributionId,
        i.name,
        i.description,
        i.webhook,
        i.cache,
        i.webhookSecret,
        isoNow(),
      );
      if (info.changes !== 1) return undefined;
      const connectorId = Number(info.lastInsertRowid);
      this.q.token.run(token.keyId, token.hash, connectorId, isoNow(), token.expires ?? null);
      return connectorId;
    };
    // the row is read in the same write: a delete right after it cannot turn the create into a miss
    const created = () => {
      const id = this.audit.with(insert, audit)();
      const r = id === undefined ? undefined : this.q.byId.get(id);
      return r && toRow(r);
    };
    return this.gate.write(created);
  }

  async update(id: number, i: ConnectorValues, audit?: AuditNote<unknown>): Promise<void> {
    await this.gate.write(
      this.audit.with(() => this.q.update.run(i.name, i.description, i.webhook, i.cache, id), audit),
    );
  }

  async setLive(id: number, live: boolean, audit?: AuditNote<unknown>): Promise<void> {
    await this.gate.write(this.audit.with(() => this.q.live.run(live ? 1 : 0, id), audit));
  }

  async delete(id: number): Promise<boolean> {
    // session, pending ops and records cascade; the trigger revokes the token
    return this.purges.deleteConnector(id);
  }

  async liveIds(): Promise<number[]> {
    return this.q.liveIds.all().map((r) => r.id);
  }
}
