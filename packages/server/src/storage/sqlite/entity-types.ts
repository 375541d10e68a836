import type { AuditNote } from '../audit-store.js';
import { startingWith } from '../prefix.js';
import type { EntityTypeStore } from '../store.js';
import type { EntityTypeRow, EntityTypeValues } from '../types.js';
import type { SqliteAudit } from './audit.js';
import { syncRecordIndexes } from './catalog.js';
import { type Db, isoNow, parseJson } from './database.js';
import type { AsyncCatalogWrites } from './records/index.js';
import type { WriteGate } from './write-gate.js';

interface EntityTypeRecord {
  id: number;
  slug: string;
  name: string;
  description: string;
  schema: string;
  timeseries: string;
  tags: string;
  icon: string;
  indexes: string;
  version: number;
}

const COLUMNS = 'id, slug, name, description, schema, timeseries, tags, icon, indexes, version';

function toRow(r: EntityTypeRecord): EntityTypeRow {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    schema: parseJson(r.schema),
    timeseries: parseJson(r.timeseries),
    tags: parseJson(r.tags),
    icon: r.icon,
    indexes: parseJson(r.indexes),
    version: r.version,
  };
}

export class SqliteEntityTypes implements EntityTypeStore {
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly gate: WriteGate,
    /** where the catalog is written: the delete cascades to it */
    private readonly purges: Pick<AsyncCatalogWrites, 'deleteEntityType'>,
    private readonly audit: SqliteAudit,
  ) {
    this.q = {
      list: db.prepare<[], EntityTypeRecord>(`SELECT ${COLUMNS} FROM entity_types ORDER BY slug`),
      get: db.prepare<[string], EntityTypeRecord>(`SELECT ${COLUMNS} FROM entity_types WHERE slug = ?`),
      insert: db.prepare(
        `INSERT INTO entity_types (slug, name, description, schema, timeseries, tags, icon, indexes, created)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING`,
      ),
      update: db.prepare(
        `UPDATE entity_types SET name = ?, description = ?, schema = ?, timeseries = ?, tags = ?, icon = ?, indexes = ?,
         version = version + 1 WHERE slug = ?`,
      ),
      tags: db.prepare<[], { tag: string }>(
        `SELECT DISTINCT j.value AS tag FROM entity_types, json_each(entity_types.tags) j WHERE j.type = 'text'`,
      ),
    };
  }

  async list(): Promise<EntityTypeRow[]> {
    return this.q.list.all().map(toRow);
  }

  async get(slug: string): Promise<EntityTypeRow | undefined> {
    const r = this.q.get.get(slug);
    return r && toRow(r);
  }

  async create(slug: string, i: EntityTypeValues, audit?: AuditNote<boolean>): Promise<boolean> {
    // the declared catalog indexes are created in the same transaction (storage/sqlite/catalog.ts)
    const insert = () => {
      const created =
        this.q.insert.run(
          slug,
          i.name,
          i.description,
          JSON.stringify(i.schema),
          JSON.stringify(i.timeseries),
          JSON.stringify(i.tags),
          i.icon,
          JSON.stringify(i.indexes),
          isoNow(),
        ).changes === 1;
      if (created && i.indexes.length > 0) syncRecordIndexes(this.db);
      return created;
    };
    return this.gate.write(this.audit.with(insert, audit));
  }

  async update(slug: string, i: EntityTypeValues, audit?: AuditNote<boolean>): Promise<boolean> {
    const update = () => {
      const updated =
        this.q.update.run(
          i.name,
          i.description,
          JSON.stringify(i.schema),
          JSON.stringify(i.timeseries),
          JSON.stringify(i.tags),
          i.icon,
          JSON.stringify(i.indexes),
          slug,
        ).changes === 1;
      if (updated) syncRecordIndexes(this.db);
      return updated;
    };
    return this.gate.write(this.audit.with(update, audit));
  }

  async delete(slug: string): Promise<boolean> {
    // connectors, sessions, records cascade; triggers revoke contributor tokens
    return this.purges.deleteEntityType(slug);
  }

  async tagsStartingWith(prefix: string): Promise<string[]> {
    return startingWith(
      this.q.tags.all().map((r) => r.tag),
      prefix,
    );
  }
}
