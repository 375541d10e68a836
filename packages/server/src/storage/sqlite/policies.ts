import type { AuditNote } from '../audit-store.js';
import { startingWith } from '../prefix.js';
import type { PolicyStore } from '../store.js';
import type { PolicyRow, PolicyValues } from '../types.js';
import type { SqliteAudit } from './audit.js';
import { type Db, isoNow, parseJson } from './database.js';
import type { WriteGate } from './write-gate.js';

interface PolicyRecord {
  id: number;
  slug: string;
  name: string;
  description: string;
  tags: string;
  policy: string;
  version: number;
}

const COLUMNS = 'id, slug, name, description, tags, policy, version';

function toRow(r: PolicyRecord): PolicyRow {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    tags: parseJson(r.tags),
    policy: parseJson(r.policy),
    version: r.version,
  };
}

export class SqlitePolicies implements PolicyStore {
  private readonly q;

  constructor(
    db: Db,
    private readonly gate: WriteGate,
    private readonly audit: SqliteAudit,
  ) {
    this.q = {
      list: db.prepare<[], PolicyRecord>(`SELECT ${COLUMNS} FROM policies ORDER BY slug`),
      get: db.prepare<[string], PolicyRecord>(`SELECT ${COLUMNS} FROM policies WHERE slug = ?`),
      byId: db.prepare<[number], PolicyRecord>(`SELECT ${COLUMNS} FROM policies WHERE id = ?`),
      insert: db.prepare(
        `INSERT INTO policies (slug, name, description, tags, policy, created) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (slug) DO NOTHING`,
      ),
      update: db.prepare(
        'UPDATE policies SET name = ?, description = ?, tags = ?, policy = ?, version = version + 1 WHERE slug = ?',
      ),
      delete: db.prepare('DELETE FROM policies WHERE slug = ?'),
      tags: db.prepare<[], { tag: string }>(
        `SELECT DISTINCT j.value AS tag FROM policies, json_each(policies.tags) j WHERE j.type = 'text'`,
      ),
    };
  }

  async list(): Promise<PolicyRow[]> {
    return this.q.list.all().map(toRow);
  }

  async get(slug: string): Promise<PolicyRow | undefined> {
    const r = this.q.get.get(slug);
    return r && toRow(r);
  }

  async getById(id: number): Promise<PolicyRow | undefined> {
    const r = this.q.byId.get(id);
    return r && toRow(r);
  }

  async create(slug: string, i: PolicyValues, audit?: AuditNote<boolean>): Promise<boolean> {
    const insert = () =>
      this.q.insert.run(slug, i.name, i.description, JSON.stringify(i.tags), JSON.stringify(i.policy), isoNow())
        .changes === 1;
    return this.gate.write(this.audit.with(insert, audit));
  }

  async update(slug: string, i: PolicyValues, audit?: AuditNote<boolean>): Promise<boolean> {
    const update = () =>
      this.q.update.run(i.name, i.description, JSON.stringify(i.tags), JSON.stringify(i.policy), slug).changes === 1;
    return this.gate.write(this.audit.with(update, audit));
  }

  async delete(slug: string, audit?: AuditNote<boolean>): Promise<boolean> {
    // accesses cascade; the trigger revokes their consumer tokens
    return this.gate.write(this.audit.with(() => this.q.delete.run(slug).changes === 1, audit));
  }

  async tagsStartingWith(prefix: string): Promise<string[]> {
    return startingWith(
      this.q.tags.all().map((r) => r.tag),
      prefix,
    );
  }
}
