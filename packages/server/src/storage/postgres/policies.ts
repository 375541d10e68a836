import type { AuditNote } from '../audit-store.js';
import { startingWith } from '../prefix.js';
import type { PolicyStore } from '../store.js';
import type { PolicyRow, PolicyValues } from '../types.js';
import type { PgAudit } from './audit.js';
import { isoNow, type PgDb, storableJson } from './pg-database.js';

const COLUMNS = 'id, slug, name, description, tags, policy, version';

/** Policies on PostgreSQL; the same semantics as `sqlite/policies.ts`. */
export class PgPolicies implements PolicyStore {
  constructor(
    private readonly db: PgDb,
    private readonly audit: PgAudit,
  ) {}

  async list(): Promise<PolicyRow[]> {
    return (await this.db.query<PolicyRow>(`SELECT ${COLUMNS} FROM policies ORDER BY slug COLLATE "C"`)).rows;
  }

  async get(slug: string): Promise<PolicyRow | undefined> {
    return (await this.db.query<PolicyRow>(`SELECT ${COLUMNS} FROM policies WHERE slug = $1`, [slug])).rows[0];
  }

  async getById(id: number): Promise<PolicyRow | undefined> {
    return (await this.db.prepared<PolicyRow>(`SELECT ${COLUMNS} FROM policies WHERE id = $1`, [id])).rows[0];
  }

  async create(slug: string, i: PolicyValues, audit?: AuditNote<boolean>): Promise<boolean> {
    const sql = `INSERT INTO policies (slug, name, description, tags, policy, created) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (slug) DO NOTHING`;
    const params = [slug, i.name, i.description, storableJson(i.tags), storableJson(i.policy), isoNow()];
    return this.audit.write(async (c) => (await c.query(sql, params)).rowCount === 1, audit);
  }

  async update(slug: string, i: PolicyValues, audit?: AuditNote<boolean>): Promise<boolean> {
    const sql =
      'UPDATE policies SET name = $1, description = $2, tags = $3, policy = $4, version = version + 1 WHERE slug = $5';
    const params = [i.name, i.description, storableJson(i.tags), storableJson(i.policy), slug];
    return this.audit.write(async (c) => (await c.query(sql, params)).rowCount === 1, audit);
  }

  async delete(slug: string, audit?: AuditNote<boolean>): Promise<boolean> {
    // accesses cascade; the trigger revokes their consumer tokens
    const sql = 'DELETE FROM policies WHERE slug = $1';
    return this.audit.write(async (c) => (await c.query(sql, [slug])).rowCount === 1, audit);
  }

  async tagsStartingWith(prefix: string): Promise<string[]> {
    const r = await this.db.query<{ tag: string }>(
      `SELECT DISTINCT j.tag FROM policies, json_array_elements_text(policies.tags) AS j(tag)`,
    );
    return startingWith(
      r.rows.map((x) => x.tag),
      prefix,
    );
  }
}
