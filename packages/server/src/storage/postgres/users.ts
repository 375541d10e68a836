import type { AuditNote } from '../audit-store.js';
import { startingWith } from '../prefix.js';
import type { UserStore } from '../store.js';
import type { UserRow, UserValues } from '../types.js';
import type { PgAudit } from './audit.js';
import { isoNow, type PgDb, storableJson } from './pg-database.js';

interface UserRecord {
  id: number;
  name: string;
  email: string;
  organization: string;
  addendum: Record<string, unknown>;
  coordinator: boolean;
  accesses: string[];
}

const SELECT = `
  SELECT u.id, u.name, u.email, u.organization, u.addendum,
    EXISTS (SELECT 1 FROM tokens t WHERE t.kind = 'coordinator' AND t.subject = u.id AND t.revoked IS NULL) AS coordinator,
    ARRAY(SELECT p.slug FROM accesses a JOIN policies p ON p.id = a.policy_id WHERE a.user_id = u.id ORDER BY a.id) AS accesses
  FROM users u`;

/** Serialises user creation across processes, so a taken email never consumes an id. */
const CREATE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('bbk users ' || current_schema()))";

const toRow = (r: UserRecord): UserRow => ({ ...r });

/** Users on PostgreSQL; the same semantics as `sqlite/users.ts`. */
export class PgUsers implements UserStore {
  constructor(
    private readonly db: PgDb,
    private readonly audit: PgAudit,
  ) {}

  async list(): Promise<UserRow[]> {
    return (await this.db.query<UserRecord>(`${SELECT} ORDER BY u.id`)).rows.map(toRow);
  }

  async get(id: number): Promise<UserRow | undefined> {
    const r = (await this.db.query<UserRecord>(`${SELECT} WHERE u.id = $1`, [id])).rows[0];
    return r && toRow(r);
  }

  async getByEmail(email: string): Promise<UserRow | undefined> {
    const r = (await this.db.query<UserRecord>(`${SELECT} WHERE u.email = $1`, [email.toLowerCase()])).rows[0];
    return r && toRow(r);
  }

  async create(input: UserValues, audit?: AuditNote<number | undefined>): Promise<number | undefined> {
    const email = input.email.toLowerCase();
    // check first, under a lock: a conflicting INSERT would still consume an identity value, and
    // clients rely on the next id being the last id + 1 (spec §2.3)
    return this.audit.write(async (c) => {
      await c.query(CREATE_LOCK);
      const taken = await c.query('SELECT 1 FROM users WHERE email = $1', [email]);
      if (taken.rowCount !== 0) return undefined;
      const r = await c.query<{ id: number }>(
        'INSERT INTO users (name, email, organization, addendum, created) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [input.name, email, input.organization, storableJson(input.addendum), isoNow()],
      );
      return r.rows[0]?.id;
    }, audit);
  }

  async update(id: number, input: Omit<UserValues, 'email'>, audit?: AuditNote<boolean>): Promise<boolean> {
    const sql = 'UPDATE users SET name = $1, organization = $2, addendum = $3 WHERE id = $4';
    const params = [input.name, input.organization, storableJson(input.addendum), id];
    return this.audit.write(async (c) => (await c.query(sql, params)).rowCount === 1, audit);
  }

  async delete(id: number, audit?: AuditNote<boolean>): Promise<boolean> {
    // accesses cascade; triggers revoke coordinator and consumer tokens
    return this.audit.write(
      async (c) => (await c.query('DELETE FROM users WHERE id = $1', [id])).rowCount === 1,
      audit,
    );
  }

  async sequenceUsed(): Promise<boolean> {
    const r = await this.db.query<{ used: boolean }>(
      "SELECT last_value IS NOT NULL AS used FROM pg_sequences WHERE schemaname = current_schema() AND sequencename = 'users_id_seq'",
    );
    return r.rows[0]?.used ?? false;
  }

  async organizationsStartingWith(prefix: string): Promise<string[]> {
    const r = await this.db.query<{ organization: string }>(
      "SELECT DISTINCT organization FROM users WHERE organization <> ''",
    );
    return startingWith(
      r.rows.map((x) => x.organization),
      prefix,
    );
  }
}
