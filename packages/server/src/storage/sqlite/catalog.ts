import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { UsageDelta } from '../../limits/index.js';
import {
  type Ir,
  jsonPathLiteral,
  registerSqliteFunctions,
  renderSqlite,
  type SqlFragment,
} from '../../query/index.js';
import { Lru } from '../../query/lru.js';
import {
  type CatalogEntry,
  type CatalogRecord,
  type CatalogStore,
  type CatalogView,
  type Page,
  type PolicyHead,
  type RecordDocument,
  type TypeCount,
  UnusableQueryError,
  type VisibleEntityType,
} from '../catalog-store.js';
import type { CatalogReaders } from './catalog-readers.js';
import type { Db } from './database.js';
import type { WriteGate } from './write-gate.js';

/**
 * Live or staged-and-named connectors. The unary `+` keeps the planner from
 * driving the query through the records_connector index: lists must
 * follow `seq` or a selective expression index, never scan a whole connector.
 */
const VISIBLE = `+r.connector_id IN (SELECT c.id FROM connectors c
  WHERE c.is_live = 1 OR c.contribution_id IN (SELECT value FROM json_each(?)))`;

/** Prefix of the expression indexes this store manages on `records`. */
export const INDEX_PREFIX = 'records_x_';

// SQLite failures a hostile-but-valid query can still provoke (expression depth, variable
// count, string size)
const QUERY_SQL_ERRORS = new Set(['SQLITE_ERROR', 'SQLITE_TOOBIG', 'SQLITE_RANGE']);

/** The engine-neutral error for a query SQLite refused, or `err` itself. */
function unusable(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && QUERY_SQL_ERRORS.has(code)
    ? new UnusableQueryError((err as Error).message, { cause: err })
    : err;
}

const isFalse = (ir: Ir) => ir.kind === 'const' && !ir.value;
const isTrue = (ir: Ir) => ir.kind === 'const' && ir.value;

/**
 * The index name and expression for a declared dotted path, or undefined when
 * the path names no attribute. The expression is built by the same helper as
 * the query renderer, so `json_extract(r.doc, '$.entity.iso') = ?` can use it.
 * @example indexFor('entity.iso') // { name: 'records_x_…', expression: "json_extract(doc, '$.entity.iso')" }
 */
export function indexFor(path: string): { name: string; expression: string } | undefined {
  if (typeof path !== 'string' || path === '') return undefined;
  const segments = path.split('.');
  if (segments.some((s) => s === '')) return undefined;
  const literal = jsonPathLiteral(segments);
  const name = `${INDEX_PREFIX}${createHash('sha1').update(literal).digest('hex').slice(0, 16)}`;
  return { name, expression: `json_extract(doc, ${literal})` };
}

/**
 * Makes the expression indexes on `records` match the paths declared by the
 * entity types (`entity_types.indexes`, bbk extension): creates missing ones
 * and drops those no type declares any more, in one transaction. Called by
 * the entity type store on create, update and delete, and at start-up.
 */
export function syncRecordIndexes(db: Db): { created: string[]; dropped: string[] } {
  return db.transaction(() => {
    const declared = new Map<string, string>();
    for (const row of db.prepare<[], { indexes: string }>('SELECT indexes FROM entity_types').all()) {
      let paths: unknown;
      try {
        paths = JSON.parse(row.indexes);
      } catch {
        continue;
      }
      if (!Array.isArray(paths)) continue;
      for (const p of paths) {
        const idx = indexFor(p);
        if (idx) declared.set(idx.name, idx.expression);
      }
    }
    const existing = db
      .prepare<[number, string], string>(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'records' AND substr(name, 1, ?) = ?",
      )
      .pluck()
      .all(INDEX_PREFIX.length, INDEX_PREFIX);
    const created: string[] = [];
    const dropped: string[] = [];
    // names are hex digests and expressions come from jsonPathLiteral: safe to splice into DDL
    for (const [name, expression] of declared) {
      if (existing.includes(name)) continue;
      db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON records (${expression})`);
      created.push(name);
    }
    for (const name of existing) {
      if (declared.has(name)) continue;
      db.exec(`DROP INDEX IF EXISTS ${name}`);
      dropped.push(name);
    }
    return { created, dropped };
  })();
}

/**
 * The SQL of a catalog list (exported for EXPLAIN QUERY PLAN tests and the
 * benchmark), or undefined when the segment or filter can match nothing.
 */
export function listQuery(
  view: CatalogView,
  o: Page & { filter?: Ir; type?: string },
  segment: (ir: Ir) => SqlFragment | undefined = (ir) => (isTrue(ir) ? undefined : renderSqlite(ir)),
): SqlFragment | undefined {
  if (isFalse(view.segment) || (o.filter && isFalse(o.filter))) return undefined;
  const where = [VISIBLE];
  const params: unknown[] = [JSON.stringify(view.staged)];
  if (o.type !== undefined) {
    where.push('r.type = ?');
    params.push(o.type);
  }
  for (const f of [segment(view.segment), o.filter ? renderSqlite(o.filter) : undefined]) {
    if (!f) continue;
    where.push(`(${f.sql})`);
    params.push(...f.params);
  }
  return {
    sql: `SELECT r.public_id AS publicId, r.type, r.name FROM records r WHERE ${where.join(' AND ')} ORDER BY r.seq LIMIT ? OFFSET ?`,
    params: [...params, o.limit, o.offset],
  };
}

interface RecordRowSql {
  public_id: string;
  type: string;
  name: string;
  vendor_id: string;
  doc: string;
  connector_id: number;
  webhook: string | null;
  cache: number;
  webhook_secret: string;
}

export class SqliteCatalog implements CatalogStore {
  private readonly q;
  /** Prepared statements by SQL text: the text varies with the query, not with its values. */
  private readonly statements = new Lru<string, Statement>(512);
  /** Rendered segments per IR object (compiled policies keep theirs for their lifetime). */
  private readonly rendered = new WeakMap<Ir, SqlFragment>();
  private readonly recordStatements = new WeakMap<
    Ir,
    Partial<Record<'live' | 'staged', { stmt: Statement; params: unknown[] }>>
  >();

  /**
   * @param readers when given, list queries (which may have to look at many records) run on
   * reader threads; the detail lookup, one indexed row, stays on this connection.
   */
  constructor(
    readonly db: Db,
    private readonly gate: WriteGate,
    private readonly readers?: CatalogReaders,
  ) {
    registerSqliteFunctions(db);
    this.q = {
      policyBySlug: db.prepare<[string], PolicyHead>('SELECT id, slug, version FROM policies WHERE slug = ?'),
      policyByAccess: db.prepare<[number], PolicyHead>(
        'SELECT p.id, p.slug, p.version FROM accesses a JOIN policies p ON p.id = a.policy_id WHERE a.id = ?',
      ),
      usage: db.prepare<[string, string], { count: number }>('SELECT count FROM usage WHERE key = ? AND "window" = ?'),
      addUsage: db.prepare(
        `INSERT INTO usage (key, "window", count) VALUES (?, ?, ?)
         ON CONFLICT (key, "window") DO UPDATE SET count = count + excluded.count`,
      ),
    };
  }

  async policyBySlug(slug: string): Promise<PolicyHead | undefined> {
    return this.q.policyBySlug.get(slug);
  }

  async policyByAccess(accessId: number): Promise<PolicyHead | undefined> {
    return this.q.policyByAccess.get(accessId);
  }

  async list(view: CatalogView, o: Page & { filter?: Ir; type?: string }): Promise<CatalogEntry[]> {
    const q = listQuery(view, o, (ir) => this.#segment(ir));
    if (!q) return [];
    return this.#all<CatalogEntry>(q.sql, q.params);
  }

  async entityTypes(view: CatalogView, page: Page): Promise<VisibleEntityType[]> {
    if (isFalse(view.segment)) return [];
    const where = ['r.type = e.slug', VISIBLE];
    const params: unknown[] = [JSON.stringify(view.staged)];
    this.#and(where, params, this.#segment(view.segment));
    const sql = `SELECT e.slug, e.name, e.description FROM entity_types e
      WHERE EXISTS (SELECT 1 FROM records r WHERE ${where.join(' AND ')})
      ORDER BY e.slug LIMIT ? OFFSET ?`;
    return this.#all<VisibleEntityType>(sql, [...params, page.limit, page.offset]);
  }

  async countByType(view: CatalogView, options: { filter?: Ir } = {}): Promise<TypeCount[]> {
    if (isFalse(view.segment) || (options.filter && isFalse(options.filter))) return [];
    const where = [VISIBLE];
    const params: unknown[] = [JSON.stringify(view.staged)];
    this.#and(where, params, this.#segment(view.segment));
    if (options.filter) this.#and(where, params, renderSqlite(options.filter));
    const sql = `SELECT r.type, count(*) AS records FROM records r WHERE ${where.join(' AND ')} GROUP BY r.type ORDER BY r.type`;
    return this.#all<TypeCount>(sql, params);
  }

  async record(view: CatalogView, type: string, publicId: string): Promise<CatalogRecord | undefined> {
    if (isFalse(view.segment)) return undefined;
    const staged = view.staged.length > 0;
    const q = this.#recordStatement(view.segment, staged);
    const row = (
      staged
        ? q.stmt.get(publicId, type, JSON.stringify(view.staged), ...q.params)
        : q.stmt.get(publicId, type, ...q.params)
    ) as RecordRowSql | undefined;
    if (!row) return undefined;
    return {
      publicId: row.public_id,
      type: row.type,
      name: row.name,
      vendorId: row.vendor_id,
      doc: JSON.parse(row.doc) as RecordDocument,
      connector: { id: row.connector_id, webhook: row.webhook, cache: row.cache, webhookSecret: row.webhook_secret },
    };
  }

  async usage(key: string, window: string): Promise<number> {
    return this.q.usage.get(key, window)?.count ?? 0;
  }

  async addUsage(deltas: readonly UsageDelta[]): Promise<void> {
    await this.gate.write(() => {
      for (const d of deltas) this.q.addUsage.run(d.key, d.window, d.delta);
    });
  }

  async syncIndexes(): Promise<{ created: string[]; dropped: string[] }> {
    return this.gate.write(() => syncRecordIndexes(this.db));
  }

  /**
   * The detail lookup for a segment, prepared once per compiled segment (the
   * hot path: no SQL text is built or hashed per request). Visibility is
   * checked on the joined connector row.
   */
  #recordStatement(segment: Ir, staged: boolean): { stmt: Statement; params: unknown[] } {
    let pair = this.recordStatements.get(segment);
    if (!pair) {
      pair = {};
      this.recordStatements.set(segment, pair);
    }
    const key = staged ? 'staged' : 'live';
    let q = pair[key];
    if (!q) {
      const f = this.#segment(segment);
      const visible = staged
        ? '(c.is_live = 1 OR c.contribution_id IN (SELECT value FROM json_each(?)))'
        : 'c.is_live = 1';
      const sql = `SELECT r.public_id, r.type, r.name, r.vendor_id, json(r.doc) AS doc,
          c.id AS connector_id, c.webhook, c.cache, c.webhook_secret
        FROM records r JOIN connectors c ON c.id = r.connector_id
        WHERE r.public_id = ? AND r.type = ? AND ${visible}${f ? ` AND (${f.sql})` : ''}`;
      q = { stmt: this.db.prepare(sql), params: f ? f.params : [] };
      pair[key] = q;
    }
    return q;
  }

  #segment(ir: Ir): SqlFragment | undefined {
    if (isTrue(ir)) return undefined;
    let fragment = this.rendered.get(ir);
    if (!fragment) {
      fragment = renderSqlite(ir);
      this.rendered.set(ir, fragment);
    }
    return fragment;
  }

  #and(where: string[], params: unknown[], fragment: SqlFragment | undefined): void {
    if (!fragment) return;
    where.push(`(${fragment.sql})`);
    params.push(...fragment.params);
  }

  async #all<T>(sql: string, params: unknown[]): Promise<T[]> {
    try {
      if (this.readers) return await this.readers.all<T>(sql, params);
      return this.#prepare(sql).all(...params) as T[];
    } catch (err) {
      throw unusable(err);
    }
  }

  #prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}
