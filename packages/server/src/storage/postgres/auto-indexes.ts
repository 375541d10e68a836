import { createHash } from 'node:crypto';
import { sqlString } from '../../query/index.js';
import {
  type AutoIndexEngine,
  AutoIndexes,
  type AutoIndexKind,
  type AutoIndexOptions,
  indexedPaths,
  POSTGRES_LEAVES,
} from '../auto-indexes.js';
import { pgIndexFor } from './indexes.js';
import type { PgDb, Queryable } from './pg-database.js';

/** Prefix of the indexes the server builds itself (declared ones are `records_x_`), as on SQLite. */
export const PG_AUTO_INDEX_PREFIX = 'records_a_';

const KINDS = new Set<AutoIndexKind>(['expression', 'number', 'trigram', 'compound']);

/** The float8 reading of a path's `#>>` text expression that `renderPostgres` compares numbers with, and its type test. */
function numberOf(text: string): { expression: string; typeOf: string } {
  const value = text.replace('#>>', '#>');
  const typeOf = `jsonb_typeof(${value})`;
  return { expression: `(CASE WHEN ${typeOf} = 'number' THEN ${value}::float8 END)`, typeOf };
}

/**
 * The index of this kind on a dotted path: its name, access method and the expression, exactly as
 * `renderPostgres` reads the path (so the planner matches it): `doc #>> path` in a hash index for string
 * equality and `$in` (the declared indexes' too), the float8 `CASE` in a B-tree for numbers, and the same text
 * under `gin_trgm_ops` (pg_trgm) for `~` / `~*`; `typeOf` is the path's type test, which gets
 * statistics of its own. A compound index (its path two dotted paths, `compoundPath`) is a B-tree on the
 * `hashtext` of the first path's text and the float8 of the second: a B-tree entry holding the text itself would
 * make every write of a text over 2,704 bytes fail, and `renderPostgres` adds the hash's equality beside the text's
 * (`hashedEquality`). Undefined for a path no index can serve.
 * @example pgAutoIndexFor('number', 'entity.population').expression
 * // "(CASE WHEN jsonb_typeof((doc #> ARRAY['entity','population']::text[])) = 'number' THEN (doc #> ARRAY['entity','population']::text[])::float8 END)"
 */
export function pgAutoIndexFor(
  kind: AutoIndexKind,
  path: string,
): { name: string; using: 'hash' | 'btree' | 'gin'; expression: string; typeOf: string | undefined } | undefined {
  let expression: string;
  let typeOf: string | undefined;
  if (kind === 'compound') {
    const [equality, range] = indexedPaths(kind, path).map((p) => pgIndexFor(p)?.expression);
    if (equality === undefined || range === undefined) return undefined;
    expression = `hashtext(${equality}), ${numberOf(range).expression}`;
  } else {
    const text = pgIndexFor(path)?.expression;
    if (text === undefined) return undefined;
    const number = numberOf(text);
    typeOf = number.typeOf;
    expression = kind === 'number' ? number.expression : text;
  }
  // text in a hash index: a B-tree entry over 2,704 bytes would make every write of a longer text fail
  const using = kind === 'trigram' ? 'gin' : kind === 'number' || kind === 'compound' ? 'btree' : 'hash';
  // the method is in the digest: an index built another way is a leftover, which the next build drops
  const digest = createHash('sha1').update(`${kind} ${using} ${expression}`).digest('hex').slice(0, 16);
  return { name: `${PG_AUTO_INDEX_PREFIX}${digest}`, using, expression, typeOf };
}

/** The statistics object that comes with an automatic index (`records_s_…` beside `records_a_…`). */
const statsName = (indexName: string) => `records_s_${indexName.slice(PG_AUTO_INDEX_PREFIX.length)}`;

/** Drops an automatic index and its statistics. */
async function dropIndex(c: Queryable, name: string): Promise<void> {
  await c.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
  await c.query(`DROP STATISTICS IF EXISTS ${statsName(name)}`);
}

/** The comment an automatic index carries: what it is, so that every process can list them. */
const describe = (kind: AutoIndexKind, path: string) => `bbk ${kind}:${path}`;

function parseComment(note: string | null): { kind: AutoIndexKind; path: string } | undefined {
  const m = note === null ? null : /^bbk ([a-z]+):(.+)$/s.exec(note);
  if (!m || !KINDS.has(m[1] as AutoIndexKind)) return undefined;
  return { kind: m[1] as AutoIndexKind, path: m[2] as string };
}

interface IndexRow {
  name: string;
  note: string | null;
  valid: boolean;
}

const AUTO_INDEXES = `SELECT c.oid, c.relname AS name, obj_description(c.oid, 'pg_class') AS note, i.indisvalid AS valid
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  WHERE i.indrelid = 'records'::regclass AND left(c.relname, ${PG_AUTO_INDEX_PREFIX.length}) = '${PG_AUTO_INDEX_PREFIX}'`;

/** What an index row is, when it is whole (valid, with its comment, named as that kind and path are). */
function wholeIndex(r: IndexRow): { kind: AutoIndexKind; path: string } | undefined {
  const what = parseComment(r.note);
  return r.valid && what && pgAutoIndexFor(what.kind, what.path)?.name === r.name ? what : undefined;
}

/**
 * Builds and drops automatic indexes on PostgreSQL without blocking the catalog: `CREATE INDEX
 * CONCURRENTLY` (writes and reads go on while it builds), statistics on the path's type test, then
 * `ANALYZE records` so the planner has figures for both (a selective `name` against a six-valued
 * `entity.continent`; `jsonb_typeof(…) = 'string'` true of every row). One
 * build or drop at a time across every process on the schema (a session advisory lock on a connection
 * of its own); an index another process built counts as built. A build that failed half-way leaves
 * an invalid index, which the next build drops first.
 */
export class PgAutoIndexJobs {
  /** Why trigram indexes cannot be built here (no pg_trgm), once known. */
  #noTrigrams: Error | undefined;
  /** The backend running a build or drop now. */
  #backend: number | undefined;

  constructor(private readonly db: PgDb) {}

  async build(kind: AutoIndexKind, path: string): Promise<boolean> {
    const idx = pgAutoIndexFor(kind, path);
    if (!idx) return false;
    if (kind === 'trigram' && this.#noTrigrams) throw this.#noTrigrams;
    return this.#locked(async (c) => {
      const rows = (await c.query<IndexRow>(AUTO_INDEXES)).rows;
      if (rows.some((r) => r.name === idx.name && r.valid)) return false;
      // every build holds the lock: an invalid index now was left by one that failed or was cut short
      // (no query uses it, every write pays for it), as is one without its comment
      for (const r of rows) if (!wholeIndex(r)) await dropIndex(c, r.name);
      const opclass = kind === 'trigram' ? ` ${await this.#trigramOps(c)}` : '';
      // names are hex digests and expressions are built from quoted literals: safe to splice into DDL
      await c.query(
        `CREATE INDEX CONCURRENTLY ${idx.name} ON records USING ${idx.using} (${idx.expression}${opclass})`,
      );
      await c.query(`COMMENT ON INDEX ${idx.name} IS ${sqlString(describe(kind, path))}`);
      // the renderer tests a string's type beside its text or pattern; without figures for that test the planner
      // guesses it matches 0.5% of rows and sorts every match of a common value instead of walking in order
      if (idx.typeOf !== undefined) {
        await c
          .query(`CREATE STATISTICS IF NOT EXISTS ${statsName(idx.name)} ON (${idx.typeOf}) FROM records`)
          .catch(() => {}); // before PostgreSQL 14 (no statistics on expressions): the estimate stays a guess
      }
      await c.query('ANALYZE records');
      return true;
    });
  }

  async drop(kind: AutoIndexKind, path: string): Promise<boolean> {
    const idx = pgAutoIndexFor(kind, path);
    if (!idx) return false;
    return this.#locked(async (c) => {
      const r = await c.query(`${AUTO_INDEXES} AND c.relname = $1`, [idx.name]);
      if (r.rowCount === 0) return false;
      await dropIndex(c, idx.name);
      return true;
    });
  }

  /** The automatic indexes that exist and are whole. */
  async existing(): Promise<Array<{ kind: AutoIndexKind; path: string }>> {
    return (await this.db.query<IndexRow>(AUTO_INDEXES)).rows.flatMap((r) => wholeIndex(r) ?? []);
  }

  /** Index scans of each automatic index at the last `current` call (PostgreSQL's shared statistics). */
  readonly #scans = new Map<string, number>();

  /**
   * The automatic indexes that exist now, as `kind:path` keys, and those whose scan count changed since the
   * last call: used by any process (PostgreSQL's cumulative statistics, which every backend reports to, within
   * a second or so). The first call only learns the counts.
   */
  async current(): Promise<{ present: Set<string>; used: Set<string> }> {
    const rows = (
      await this.db.query<IndexRow & { scans: number }>(
        `SELECT x.*, coalesce(s.idx_scan, 0) AS scans FROM (${AUTO_INDEXES}) x
         LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = x.oid`,
      )
    ).rows;
    const present = new Set<string>();
    const used = new Set<string>();
    for (const r of rows) {
      const what = wholeIndex(r);
      if (!what) continue;
      const key = `${what.kind}:${what.path}`;
      present.add(key);
      const before = this.#scans.get(r.name);
      if (before !== undefined && before !== Number(r.scans)) used.add(key);
      this.#scans.set(r.name, Number(r.scans));
    }
    return { present, used };
  }

  /**
   * Cancels the statement of the build or drop running now, if any: an index built CONCURRENTLY waits for every
   * older transaction of the database, and a store closing should not wait for them. What it leaves (an invalid
   * index) the next build drops.
   */
  async cancel(): Promise<void> {
    if (this.#backend === undefined) return;
    await this.db.query('SELECT pg_cancel_backend($1)', [this.#backend]).catch(() => {});
  }

  /** Dotted paths the entity types declare. */
  async declared(): Promise<Set<string>> {
    const rows = await this.db.query<{ indexes: unknown }>('SELECT indexes FROM entity_types');
    const paths = new Set<string>();
    for (const r of rows.rows) {
      if (Array.isArray(r.indexes)) for (const p of r.indexes) if (typeof p === 'string') paths.add(p);
    }
    return paths;
  }

  /** The qualified `gin_trgm_ops`, creating pg_trgm (a trusted extension) where it is missing. */
  async #trigramOps(c: Queryable): Promise<string> {
    const find = () =>
      c.query<{ schema: string }>(
        `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
         WHERE e.extname = 'pg_trgm'`,
      );
    let found = (await find()).rows[0];
    if (!found) {
      try {
        // in public, as PostGIS: it outlives a schema of bbk's own
        await c.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public');
      } catch (err) {
        found = (await find()).rows[0];
        if (!found) {
          this.#noTrigrams = new Error(`pg_trgm is not available: ${(err as Error).message}`, { cause: err });
          throw this.#noTrigrams;
        }
      }
      found ??= (await find()).rows[0];
    }
    return `"${found!.schema.replaceAll('"', '""')}".gin_trgm_ops`;
  }

  /**
   * Runs `fn` on a connection of its own, outside any transaction (`CONCURRENTLY` needs that), while
   * it holds the schema's index lock.
   */
  async #locked<T>(fn: (c: Queryable) => Promise<T>): Promise<T> {
    const client = await this.db.pool.connect();
    const key = "hashtext('bbk auto indexes ' || current_schema())";
    let broken = false;
    this.#backend = (client as unknown as { processID?: number }).processID;
    try {
      await client.query(`SELECT pg_advisory_lock(${key})`);
      try {
        return await fn(client);
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${key})`);
      }
    } catch (err) {
      broken = true;
      throw err;
    } finally {
      this.#backend = undefined;
      // a connection whose statement failed may still hold the lock: never give it back to the pool
      client.release(broken);
    }
  }
}

/** The automatic indexes of a PostgreSQL catalog, those that exist on `records` now included. */
export async function pgAutoIndexes(db: PgDb, options: AutoIndexOptions = {}): Promise<AutoIndexes> {
  const jobs = new PgAutoIndexJobs(db);
  const engine: AutoIndexEngine = {
    build: (kind, path) => jobs.build(kind, path),
    drop: (kind, path) => jobs.drop(kind, path),
    existing: await jobs.existing(),
    declared: () => jobs.declared(),
    cancel: () => jobs.cancel(),
    current: () => jobs.current(),
    name: (kind, path) => pgAutoIndexFor(kind, path)?.name ?? '',
    leaves: POSTGRES_LEAVES,
  };
  // a retired trigram index needs no grace period here: DROP INDEX CONCURRENTLY waits for its readers; a sweep a
  // minute learns what the other processes built (two small catalog reads)
  return new AutoIndexes(engine, { graceMs: 0, sweepEveryMs: 60_000, ...options });
}
