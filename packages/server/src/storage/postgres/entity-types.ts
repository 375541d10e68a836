import type { AuditNote } from '../audit-store.js';
import { startingWith } from '../prefix.js';
import type { EntityTypeStore } from '../store.js';
import type { EntityTypeRow, EntityTypeValues } from '../types.js';
import type { PgAudit } from './audit.js';
import { dropUndeclaredIndexes, INDEXES_LOCK, syncRecordIndexes } from './indexes.js';
import { isoNow, type PgDb, storableJson } from './pg-database.js';

const COLUMNS = 'id, slug, name, description, schema, timeseries, tags, icon, indexes, version';

function values(i: EntityTypeValues): unknown[] {
  return [
    i.name,
    i.description,
    storableJson(i.schema),
    storableJson(i.timeseries),
    storableJson(i.tags),
    i.icon,
    storableJson(i.indexes),
  ];
}

/** Entity types on PostgreSQL; declared `indexes` become expression indexes in the same transaction. */
export class PgEntityTypes implements EntityTypeStore {
  constructor(
    private readonly db: PgDb,
    private readonly audit: PgAudit,
  ) {}

  async list(): Promise<EntityTypeRow[]> {
    return (await this.db.query<EntityTypeRow>(`SELECT ${COLUMNS} FROM entity_types ORDER BY slug COLLATE "C"`)).rows;
  }

  async get(slug: string): Promise<EntityTypeRow | undefined> {
    return (await this.db.query<EntityTypeRow>(`SELECT ${COLUMNS} FROM entity_types WHERE slug = $1`, [slug])).rows[0];
  }

  async create(slug: string, i: EntityTypeValues, audit?: AuditNote<boolean>): Promise<boolean> {
    return this.audit.write(async (c) => {
      if (i.indexes.length > 0) await c.query(INDEXES_LOCK);
      const r = await c.query(
        `INSERT INTO entity_types (name, description, schema, timeseries, tags, icon, indexes, slug, created)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (slug) DO NOTHING`,
        [...values(i), slug, isoNow()],
      );
      const created = r.rowCount === 1;
      if (created && i.indexes.length > 0) await syncRecordIndexes(c, { drop: false });
      return created;
    }, audit);
  }

  async update(slug: string, i: EntityTypeValues, audit?: AuditNote<boolean>): Promise<boolean> {
    const updated = await this.audit.write(async (c) => {
      // first: the lock order every index change keeps (indexes.ts)
      await c.query(INDEXES_LOCK);
      const r = await c.query(
        `UPDATE entity_types SET name = $1, description = $2, schema = $3, timeseries = $4, tags = $5, icon = $6,
         indexes = $7, version = version + 1 WHERE slug = $8`,
        [...values(i), slug],
      );
      const changed = r.rowCount === 1;
      if (changed) await syncRecordIndexes(c, { drop: false });
      return changed;
    }, audit);
    if (updated) await this.#dropUndeclared();
    return updated;
  }

  async delete(slug: string): Promise<boolean> {
    // connectors, sessions, records and their geometries cascade; triggers revoke contributor tokens
    const deleted = await this.db.tx(async (c) => {
      // first: the lock order every index change keeps (indexes.ts); the cascade locks `records`
      await c.query(INDEXES_LOCK);
      return (await c.query('DELETE FROM entity_types WHERE slug = $1', [slug])).rowCount === 1;
    });
    if (deleted) await this.#dropUndeclared();
    return deleted;
  }

  /**
   * After a write committed: the indexes no type declares any more are dropped. Should that fail (the database
   * went away meanwhile), the change stands and an unused index stays until the next start's `syncIndexes`.
   */
  async #dropUndeclared(): Promise<void> {
    await dropUndeclaredIndexes((work) => this.db.tx(work)).catch(() => {});
  }

  async tagsStartingWith(prefix: string): Promise<string[]> {
    const r = await this.db.query<{ tag: string }>(
      `SELECT DISTINCT j.tag FROM entity_types, json_array_elements_text(entity_types.tags) AS j(tag)`,
    );
    return startingWith(
      r.rows.map((x) => x.tag),
      prefix,
    );
  }
}
