import type { AuditNote } from '../audit-store.js';
import type { AccessStore, NewToken } from '../store.js';
import type { AccessRow } from '../types.js';
import type { PgAudit } from './audit.js';
import { isoNow, type PgDb } from './pg-database.js';
import { insertToken } from './tokens.js';

const SELECT =
  'SELECT a.id, a.user_id AS "userId", p.slug AS policy, a.created FROM accesses a JOIN policies p ON p.id = a.policy_id';

/** Accesses on PostgreSQL; the same semantics as `sqlite/accesses.ts`. */
export class PgAccesses implements AccessStore {
  constructor(
    private readonly db: PgDb,
    private readonly audit: PgAudit,
  ) {}

  async list(userId: number): Promise<AccessRow[]> {
    return (await this.db.query<AccessRow>(`${SELECT} WHERE a.user_id = $1 ORDER BY a.id`, [userId])).rows;
  }

  async get(userId: number, policySlug: string): Promise<AccessRow | undefined> {
    return (await this.db.query<AccessRow>(`${SELECT} WHERE a.user_id = $1 AND p.slug = $2`, [userId, policySlug]))
      .rows[0];
  }

  async getById(id: number): Promise<AccessRow | undefined> {
    return (await this.db.query<AccessRow>(`${SELECT} WHERE a.id = $1`, [id])).rows[0];
  }

  async create(
    userId: number,
    policyId: number,
    token: NewToken,
    audit?: AuditNote<number | undefined>,
  ): Promise<AccessRow | undefined> {
    // the row is read in the same transaction: a delete right after it cannot turn the create into a miss
    const created = await this.audit.write(
      async (c) => {
        const r = await c.query<{ id: number }>(
          `INSERT INTO accesses (user_id, policy_id, created) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, policy_id) DO NOTHING RETURNING id`,
          [userId, policyId, isoNow()],
        );
        const accessId = r.rows[0]?.id;
        if (accessId === undefined) return undefined;
        await insertToken(c, { ...token, kind: 'consumer', subject: accessId });
        return (await c.query<AccessRow>(`${SELECT} WHERE a.id = $1`, [accessId])).rows[0];
      },
      audit && ((row) => audit(row?.id)),
    );
    return created;
  }

  async delete(id: number, audit?: AuditNote<boolean>): Promise<boolean> {
    // the trigger revokes its token
    return this.audit.write(
      async (c) => (await c.query('DELETE FROM accesses WHERE id = $1', [id])).rowCount === 1,
      audit,
    );
  }
}
