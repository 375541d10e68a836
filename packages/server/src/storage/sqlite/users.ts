import type { AuditNote } from '../audit-store.js';
import { startingWith } from '../prefix.js';
import type { UserStore } from '../store.js';
import type { UserRow, UserValues } from '../types.js';
import type { SqliteAudit } from './audit.js';
import { type Db, isoNow, parseJson } from './database.js';
import type { WriteGate } from './write-gate.js';

interface UserRecord {
  id: number;
  name: string;
  email: string;
  organization: string;
  addendum: string;
  coordinator: number;
  accesses: string | null;
}

const SELECT = `
  SELECT u.id, u.name, u.email, u.organization, u.addendum,
    EXISTS (SELECT 1 FROM tokens t WHERE t.kind = 'coordinator' AND t.subject = u.id AND t.revoked IS NULL) AS coordinator,
    (SELECT json_group_array(p.slug) FROM (SELECT p.slug FROM accesses a JOIN policies p ON p.id = a.policy_id
       WHERE a.user_id = u.id ORDER BY a.id) p) AS accesses
  FROM users u`;

function toRow(r: UserRecord): UserRow {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    organization: r.organization,
    addendum: parseJson(r.addendum),
    coordinator: r.coordinator === 1,
    accesses: r.accesses ? parseJson<string[]>(r.accesses) : [],
  };
}

export class SqliteUsers implements UserStore {
  private readonly q;

  constructor(
    db: Db,
    private readonly gate: WriteGate,
    private readonly audit: SqliteAudit,
  ) {
    this.q = {
      list: db.prepare<[], UserRecord>(`${SELECT} ORDER BY u.id`),
      get: db.prepare<[number], UserRecord>(`${SELECT} WHERE u.id = ?`),
      byEmail: db.prepare<[string], UserRecord>(`${SELECT} WHERE u.email = ?`),
      insert: db.prepare('INSERT INTO users (name, email, organization, addendum, created) VALUES (?, ?, ?, ?, ?)'),
      emailTaken: db.prepare<[string], { id: number }>('SELECT id FROM users WHERE email = ?'),
      update: db.prepare('UPDATE users SET name = ?, organization = ?, addendum = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM users WHERE id = ?'),
      seq: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'users'"),
      orgs: db.prepare<[], { organization: string }>(
        "SELECT DISTINCT organization FROM users WHERE organization <> ''",
      ),
    };
  }

  async list(): Promise<UserRow[]> {
    return this.q.list.all().map(toRow);
  }

  async get(id: number): Promise<UserRow | undefined> {
    const r = this.q.get.get(id);
    return r && toRow(r);
  }

  async getByEmail(email: string): Promise<UserRow | undefined> {
    const r = this.q.byEmail.get(email.toLowerCase());
    return r && toRow(r);
  }

  async create(input: UserValues, audit?: AuditNote<number | undefined>): Promise<number | undefined> {
    const email = input.email.toLowerCase();
    // check first: a conflicting INSERT would still consume an AUTOINCREMENT id, and
    // clients rely on the next id being the last id + 1 (spec §2.3)
    const insert = () => {
      if (this.q.emailTaken.get(email)) return undefined;
      const info = this.q.insert.run(input.name, email, input.organization, JSON.stringify(input.addendum), isoNow());
      return Number(info.lastInsertRowid);
    };
    return this.gate.write(this.audit.with(insert, audit));
  }

  async update(id: number, input: Omit<UserValues, 'email'>, audit?: AuditNote<boolean>): Promise<boolean> {
    const update = () =>
      this.q.update.run(input.name, input.organization, JSON.stringify(input.addendum), id).changes === 1;
    return this.gate.write(this.audit.with(update, audit));
  }

  async delete(id: number, audit?: AuditNote<boolean>): Promise<boolean> {
    // accesses cascade; triggers revoke coordinator and consumer tokens
    return this.gate.write(this.audit.with(() => this.q.delete.run(id).changes === 1, audit));
  }

  async sequenceUsed(): Promise<boolean> {
    return this.q.seq.get() !== undefined;
  }

  async organizationsStartingWith(prefix: string): Promise<string[]> {
    return startingWith(
      this.q.orgs.all().map((r) => r.organization),
      prefix,
    );
  }
}
