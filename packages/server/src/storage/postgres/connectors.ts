import type { AuditNote } from '../audit-store.js';
import type { ConnectorStore, NewToken } from '../store.js';
import type { ConnectorRow, ConnectorValues } from '../types.js';
import type { PgAudit } from './audit.js';
import { isoNow, type PgDb } from './pg-database.js';
import { insertToken } from './tokens.js';

const SELECT = `
  SELECT c.id, c.slug, c.entity_type_id AS "entityTypeId", e.slug AS "entityType", c.contribution_id AS "contributionId",
         c.name, c.description, c.webhook, c.cache, c.is_live AS "isLive", c.webhook_secret AS "webhookSecret",
         EXISTS (SELECT 1 FROM sessions s WHERE s.connector_id = c.id) AS "inSession"
  FROM connectors c JOIN entity_types e ON e.id = c.entity_type_id`;

/** Connectors on PostgreSQL; the same semantics as `sqlite/connectors.ts`. */
export class PgConnectors implements ConnectorStore {
  constructor(
    private readonly db: PgDb,
    private readonly audit: PgAudit,
  ) {}

  async list(entityTypeId: number): Promise<ConnectorRow[]> {
    return (
      await this.db.query<ConnectorRow>(`${SELECT} WHERE c.entity_type_id = $1 ORDER BY c.slug COLLATE "C"`, [
        entityTypeId,
      ])
    ).rows;
  }

  async get(entityTypeId: number, slug: string): Promise<ConnectorRow | undefined> {
    return (
      await this.db.query<ConnectorRow>(`${SELECT} WHERE c.entity_type_id = $1 AND c.slug = $2`, [entityTypeId, slug])
    ).rows[0];
  }

  async getBySlug(slug: string): Promise<ConnectorRow | undefined> {
    return (await this.db.query<ConnectorRow>(`${SELECT} WHERE c.slug = $1`, [slug])).rows[0];
  }

  async getById(id: number): Promise<ConnectorRow | undefined> {
    return (await this.db.query<ConnectorRow>(`${SELECT} WHERE c.id = $1`, [id])).rows[0];
  }

  async getByContributionId(contributionId: string): Promise<ConnectorRow | undefined> {
    return (await this.db.query<ConnectorRow>(`${SELECT} WHERE c.contribution_id = $1`, [contributionId])).rows[0];
  }

  async create(
    entityTypeId: number,
    slug: string,
    i: ConnectorValues & { contributionId: string; webhookSecret: string },
    token: NewToken,
    audit?: AuditNote<number | undefined>,
  ): Promise<ConnectorRow | undefined> {
    // the row is read in the same transaction: a delete right after it cannot turn the create into a miss
    const created = await this.audit.write(
      async (c) => {
        const r = await c.query<{ id: number }>(
          `INSERT INTO connectors (slug, entity_type_id, contribution_id, name, description, webhook, cache, webhook_secret, created)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id`,
          [slug, entityTypeId, i.contributionId, i.name, i.description, i.webhook, i.cache, i.webhookSecret, isoNow()],
        );
        const connectorId = r.rows[0]?.id;
        if (connectorId === undefined) return undefined;
        await insertToken(c, { ...token, kind: 'contributor', subject: connectorId });
        return (await c.query<ConnectorRow>(`${SELECT} WHERE c.id = $1`, [connectorId])).rows[0];
      },
      audit && ((row) => audit(row?.id)),
    );
    return created;
  }

  async update(id: number, i: ConnectorValues, audit?: AuditNote<unknown>): Promise<void> {
    const sql = 'UPDATE connectors SET name = $1, description = $2, webhook = $3, cache = $4 WHERE id = $5';
    await this.audit.write((c) => c.query(sql, [i.name, i.description, i.webhook, i.cache, id]), audit);
  }

  async setLive(id: number, live: boolean, audit?: AuditNote<unknown>): Promise<void> {
    await this.audit.write((c) => c.query('UPDATE connectors SET is_live = $1 WHERE id = $2', [live, id]), audit);
  }

  async delete(id: number): Promise<boolean> {
    // session, pending operations, records and their geometries cascade; the trigger revokes the token
    return (await this.db.query('DELETE FROM connectors WHERE id = $1', [id])).rowCount === 1;
  }

  async liveIds(): Promise<number[]> {
    return (await this.db.query<{ id: number }>('SELECT id FROM connectors WHERE is_live ORDER BY id')).rows.map(
      (r) => r.id,
    );
  }
}
