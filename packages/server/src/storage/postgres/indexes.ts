import { createHash } from 'node:crypto';
import { sqlString } from '../../query/index.js';
import type { Queryable } from './pg-database.js';

/** Prefix of the expression indexes this store manages on `records` (the SQLite engine's too). */
export const INDEX_PREFIX = 'records_x_';

/**
 * The expression index for a declared dotted path, or undefined when the path names no
 * attribute. The expression is the one `renderPostgres` emits for the path
 * (`(r.doc #>> ARRAY['entity','iso']::text[]) = $1`), so string equality and `$in` can use it. It is a
 * hash index: a B-tree entry cannot exceed 2,704 bytes, so a B-tree on a path would refuse every record
 * with a longer text there, where a hash index stores 4 bytes per record whatever the text.
 * @example pgIndexFor('entity.iso') // { name: 'records_x_…', expression: "(doc #>> ARRAY['entity','iso']::text[])" }
 */
export function pgIndexFor(path: unknown): { name: string; expression: string } | undefined {
  if (typeof path !== 'string' || path === '' || path.includes('\0')) return undefined;
  const segments = path.split('.');
  if (segments.some((s) => s === '')) return undefined;
  const expression = `(doc #>> ARRAY[${segments.map(sqlString).join(',')}]::text[])`;
  // the method is in the digest: the B-tree indexes of earlier versions are replaced at the next start
  const name = `${INDEX_PREFIX}${createHash('sha1').update(`hash ${expression}`).digest('hex').slice(0, 16)}`;
  return { name, expression };
}

/**
 * The transaction advisory lock of the declared indexes. An entity type write takes it first, before any statement
 * that locks `records` (its cascade, its index builds): taken later, it closed a cycle with a write that held it and
 * waited for `records` (a deadlock, answered 503).
 */
export const INDEXES_LOCK = "SELECT pg_advisory_xact_lock(hashtext('bbk indexes ' || current_schema()))";

/**
 * Makes the expression indexes on `records` match the paths the entity types declare: creates
 * missing ones and, unless `drop` is false, drops those no type declares any more. Runs inside the caller's
 * transaction, under `INDEXES_LOCK` so two processes never build the same index at once. An entity type write
 * passes `drop: false` and drops after it commits (`dropUndeclaredIndexes`): a build holds `records` in SHARE mode
 * and a drop needs ACCESS EXCLUSIVE, and upgrading one to the other in one transaction deadlocked with any
 * contribution that had read `records` and then waited to write it.
 */
export async function syncRecordIndexes(
  c: Queryable,
  { drop = true }: { drop?: boolean } = {},
): Promise<{ created: string[]; dropped: string[] }> {
  await c.query(INDEXES_LOCK);
  const declared = new Map<string, string>();
  const rows = await c.query<{ indexes: unknown }>('SELECT indexes FROM entity_types');
  for (const row of rows.rows) {
    if (!Array.isArray(row.indexes)) continue;
    for (const p of row.indexes) {
      const idx = pgIndexFor(p);
      if (idx) declared.set(idx.name, idx.expression);
    }
  }
  const existing = (
    await c.query<{ name: string }>(
      `SELECT indexname AS name FROM pg_indexes
       WHERE schemaname = current_schema() AND tablename = 'records' AND left(indexname, $1) = $2`,
      [INDEX_PREFIX.length, INDEX_PREFIX],
    )
  ).rows.map((r) => r.name);
  const created: string[] = [];
  const dropped: string[] = [];
  // names are hex digests and expressions are built from quoted literals: safe to splice into DDL
  for (const [name, expression] of declared) {
    if (existing.includes(name)) continue;
    await c.query(`CREATE INDEX IF NOT EXISTS ${name} ON records USING hash (${expression})`);
    created.push(name);
  }
  for (const name of drop ? existing : []) {
    if (declared.has(name)) continue;
    await c.query(`DROP INDEX IF EXISTS ${name}`);
    dropped.push(name);
  }
  return { created, dropped };
}

/**
 * Drops the expression indexes no entity type declares any more, in a transaction of its own that takes
 * `INDEXES_LOCK` before it locks `records` (after an entity type write committed; see `syncRecordIndexes`).
 */
export async function dropUndeclaredIndexes(tx: (work: (c: Queryable) => Promise<string[]>) => Promise<string[]>) {
  return tx(async (c) => (await syncRecordIndexes(c)).dropped);
}
