import type { AuditNote } from '../audit-store.js';
import type { AccessStore, NewToken } from '../store.js';
import type { AccessRow } from '../types.js';
import type { SqliteAudit } from './audit.js';
import { type Db, isoNow } from './database.js';
import type { WriteGate } from './write-gate.js';

interface AccessRecord {
  id: number;
  user_id: number;
  policy: string;
  created: string;
}

const SELECT =
  'SELECT a.id, a.user_id, p.slug AS policy, a.created FROM accesses a JOIN policies p ON p.id = a.policy_id';

function toRow(r: AccessRecord): AccessRow {
  return { id: r.id, userId: r.user_id, policy: r.policy, created: r.created };
}

export class SqliteAccesses implements AccessStore {
  private readonly q;

  constructor(
    db: Db,
    private readonly gate: WriteGate,
    private readonly audit: SqliteAudit,
  ) {
    this.q = {
      list: db.prepare<[number], AccessRecord>(`${SELECT} WHERE a.user_id = ? ORDER BY a.id`),
      get: db.prepare<[number, string], AccessRecord>(`${SELECT} WHERE a.user_id = ? AND p.slug = ?`),
      byId: db.prepare<[number], AccessRecord>(`${SELECT} WHERE a.id = ?`),
      insert: db.prepare(
        'INSERT INTO accesses (user_id, policy_id, created) VALUES (?, ?, ?) ON CONFLICT (user_id, policy_id) DO NOTHING',
      ),
      delete: db.prepare('DELETE FROM accesses WHERE id = ?'),
      token: db.prepare(
        "INSERT INTO tokens (key_id, kind, hash, subject, created, expires) VALUES (?, 'consumer', ?, ?, ?, ?)",
      ),
    };
  }

  async list(userId: number): Promise<AccessRow[]> {
    return this.q.list.all(userId).map(toRow);
  }

  async get(userId: number, policySlug: string): Promise<AccessRow | undefined> {
    const r = this.q.get.get(userId, policySlug);
    return r && toRow(r);
  }

  async getById(id: number): Promise<AccessRow | undefined> {
    const r = this.q.byId.get(id);
    return r && toRow(r);
  }

  async create(
    userId: number,
    policyId: number,
    token: NewToken,
    audit?: AuditNote<number | undefined>,
  ): Promise<AccessRow | undefined> {
    const insert = () => {
      const info = this.q.insert.run(userId, policyId, isoNow());
      if (info.changes !== 1) return undefined;
      const accessId = Number(info.lastInsertRowid);
      this.q.token.run(token.keyId, token.hash, accessId, isoNow(), token.expires ?? null);
      return accessId;
    };
    // the row is read in the same write: a delete right after it cannot turn the create into a miss
    const created = () => {
      const id = this.audit.with(insert, audit)();
      const r = id === undefined ? undefined : this.q.byId.get(id);
      return r && toRow(r);
    };
    return this.gate.write(created);
  }

  async delete(id: number, audit?: AuditNote<boolean>): Promise<boolean> {
    return this.gate.write(this.audit.with(() => this.q.delete.run(id).changes === 1, audit));
  }
}
