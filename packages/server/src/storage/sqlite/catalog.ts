import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { UsageDelta } from '../../limits/index.js';
import {
  type Ir,
  jsonPathLiteral,
  registerSqliteFunctions,
  renderSqlite,
  type SqlFragment,
  type SqliteRenderOptions,
} from '../../query/index.js';
import { Lru } from '../../query/lru.js';
import { type AutoIndexes, explainedAutoIndexes } from '../auto-indexes.js';
import {
  type AdmissionWitness,
  type CatalogEntry,
  type CatalogExplain,
  type CatalogRecord,
  type CatalogStore,
  type CatalogView,
  type ListOptions,
  type Page,
  type PolicyHead,
  type RecordDocument,
  type TypeCount,
  UnusableQueryError,
  type VisibleEntityType,
  type WitnessedRecord,
} from '../catalog-store.js';
import type { StoredToken } from '../token-row.js';
import { POLICY_WITNESS_COLUMNS, type WitnessColumns, witnessAlone, witnessedRecord } from '../witness.js';
import { BoundedLists, BUDGET_MARKER, MAIN_THREAD_ROWS } from './bounded-lists.js';
import type { CatalogReaders } from './catalog-readers.js';
import type { Db } from './database.js';
import { explainList, explainRun } from './explain.js';
import { isFalse, isTrue, type ListShape, listShape, pageSql, VISIBLE } from './list-query.js';
import { ListResults } from './list-results.js';
import { PageMarks } from './page-marks.js';
import { GET as TOKEN } from './tokens.js';

export { listQuery, listShape } from './list-query.js';

/** A list row as read: the document (`withDoc`) is JSON text until parsed. */
type ListRow = Omit<CatalogEntry, 'doc'> & { doc?: unknown };

import type { WriteGate } from './write-gate.js';

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

type WitnessBy = 'keyId' | 'policySlug';
type RecordStatementKey = `${'live' | 'staged'}${'' | `:${WitnessBy}`}`;

function recordOf(row: RecordRowSql): CatalogRecord {
  return {
    publicId: row.public_id,
    type: row.type,
    name: row.name,
    vendorId: row.vendor_id,
    doc: JSON.parse(row.doc) as RecordDocument,
    connector: { id: row.connector_id, webhook: row.webhook, cache: row.cache, webhookSecret: row.webhook_secret },
  };
}

export class SqliteCatalog implements CatalogStore {
  private readonly q;
  /** Prepared statements by SQL text: the text varies with the query, not with its values. */
  private readonly statements = new Lru<string, Statement>(512);
  /** Rendered segments per IR object (compiled policies keep theirs for their lifetime). */
  private rendered = new WeakMap<Ir, SqlFragment>();
  /** How queries are rendered now (whether the trigram index of names exists), and its generation. */
  #render: SqliteRenderOptions = {};
  #renderGeneration = 0;
  readonly #marks: PageMarks | undefined;
  /** Recent list answers, given again while the catalog holds still (with reader threads only). */
  readonly #results: ListResults | undefined;
  /** Lists tried on this connection first, within a budget of rows looked at (with reader threads only). */
  readonly #bounded: BoundedLists | undefined;
  private readonly recordStatements = new WeakMap<
    Ir,
    Partial<Record<RecordStatementKey, { stmt: Statement; params: unknown[] }>>
  >();

  /**
   * @param readers when given, list queries (which may have to look at many records) run on
   * reader threads; the detail lookup, one indexed row, stays on this connection.
   * @param autoIndexes when given, sees every list's filter and indexes the paths asked often.
   * @param mainThreadRows with readers: rows a list may look at on this connection before it goes to a reader
   * (bounded-lists.ts); 0 sends every list to the readers.
   */
  constructor(
    readonly db: Db,
    private readonly gate: WriteGate,
    private readonly readers?: CatalogReaders,
    private readonly autoIndexes?: AutoIndexes,
    mainThreadRows = MAIN_THREAD_ROWS,
  ) {
    registerSqliteFunctions(db);
    this.#marks = readers ? new PageMarks(db, gate, (sql, params) => readers.all(sql, params)) : undefined;
    const marks = this.#marks;
    this.#results = marks ? new ListResults(() => marks.version()) : undefined;
    this.#bounded = readers && mainThreadRows > 0 ? new BoundedLists(db, mainThreadRows) : undefined;
    this.q = {
      policyBySlug: db.prepare<[string], PolicyHead>('SELECT id, slug, version FROM policies WHERE slug = ?'),
      token: db.prepare<[string], StoredToken>(TOKEN),
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

  async list(view: CatalogView, o: ListOptions): Promise<CatalogEntry[]> {
    this.autoIndexes?.observe(o.filter);
    this.#syncRender();
    const shape = this.#shape(view, o);
    if (!shape) return [];
    // a deep page starts from a remembered position instead of walking from the first row
    const marked = await this.#marks?.page<ListRow>(shape, o.limit, o.offset).catch((err) => {
      throw unusable(err);
    });
    const sql = pageSql(shape);
    const params = [...shape.params, o.limit, o.offset];
    const bounded = this.#bounded;
    const read = bounded
      ? () => {
          const budgeted = pageSql(shape, `${BUDGET_MARKER} `);
          return this.#cheap(() => bounded.all<ListRow>(budgeted, params)) ?? this.#all<ListRow>(sql, params);
        }
      : () => this.#all<ListRow>(sql, params);
    // answers with documents (`?fields=`) are too large to keep
    const rows = marked ?? (await (this.#results && !o.withDoc ? this.#results.read(sql, params, read) : read()));
    if (!o.withDoc) return rows as CatalogEntry[];
    return rows.map((r) => ({ ...r, doc: JSON.parse(r.doc as string) as RecordDocument }));
  }

  async explain(view: CatalogView, o: ListOptions): Promise<CatalogExplain> {
    const automaticIndexes = explainedAutoIndexes(this.autoIndexes);
    this.#syncRender();
    const shape = this.#shape(view, o);
    const startsAt = shape ? (this.#marks?.peek(shape, o.offset) ?? null) : null;
    const run = (sql: string, params: unknown[]) =>
      this.readers ? this.readers.explain(sql, params) : Promise.resolve(explainRun(this.db, sql, params));
    try {
      return { ...(await explainList(shape, o, startsAt, run)), automaticIndexes };
    } catch (err) {
      throw unusable(err);
    }
  }

  async entityTypes(view: CatalogView, page: Page): Promise<VisibleEntityType[]> {
    this.#syncRender();
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
    return this.#record(view, type, publicId);
  }

  async recordWitnessed(
    view: CatalogView,
    type: string,
    publicId: string,
    witness: AdmissionWitness,
  ): Promise<WitnessedRecord> {
    const by = 'keyId' in witness ? 'keyId' : 'policySlug';
    const value = 'keyId' in witness ? witness.keyId : witness.policySlug;
    // no record to read with the witness
    if (isFalse(view.segment))
      return witnessAlone(witness, by === 'keyId' ? this.q.token.get(value) : this.q.policyBySlug.get(value));
    // one statement: the record and the witness on one snapshot, one read lock
    const row = this.#recordRow(view, type, publicId, by, value) as RecordRowSql & WitnessColumns;
    return witnessedRecord(row.public_id === null ? undefined : recordOf(row), witness, row);
  }

  #record(view: CatalogView, type: string, publicId: string): CatalogRecord | undefined {
    if (isFalse(view.segment)) return undefined;
    const row = this.#recordRow(view, type, publicId) as RecordRowSql | undefined;
    return row && recordOf(row);
  }

  async usage(key: string, window: string): Promise<number> {
    return this.q.usage.get(key, window)?.count ?? 0;
  }

  async addUsage(deltas: readonly UsageDelta[]): Promise<void> {
    await this.gate.write(
      () => {
        for (const d of deltas) this.q.addUsage.run(d.key, d.window, d.delta);
      },
      { catalog: false },
    );
  }

  async syncIndexes(): Promise<{ created: string[]; dropped: string[] }> {
    return this.gate.write(() => syncRecordIndexes(this.db));
  }

  /** The detail's row (with `witness`, always one row: the record's columns null when it is not visible). */
  #recordRow(view: CatalogView, type: string, publicId: string, witness?: WitnessBy, value?: string): unknown {
    const staged = view.staged.length > 0;
    const q = this.#recordStatement(view.segment, staged, witness);
    const args: unknown[] = staged
      ? [publicId, type, JSON.stringify(view.staged), ...q.params]
      : [publicId, type, ...q.params];
    if (witness) args.push(value);
    return q.stmt.get(...args);
  }

  /**
   * The detail lookup for a segment, prepared once per compiled segment (the
   * hot path: no SQL text is built or hashed per request). Visibility is
   * checked on the joined connector row. With `witness`, the lookup and the token
   * (by key id) or policy (by slug) side by side, one row whatever either finds.
   */
  #recordStatement(segment: Ir, staged: boolean, witness?: WitnessBy): { stmt: Statement; params: unknown[] } {
    let statements = this.recordStatements.get(segment);
    if (!statements) {
      statements = {};
      this.recordStatements.set(segment, statements);
    }
    const key = `${staged ? 'staged' : 'live'}${witness ? `:${witness}` : ''}` as RecordStatementKey;
    let q = statements[key];
    if (!q) {
      // rendered without trigram lookups: for one row, RE2 alone is cheaper than a lookup of every match;
      // and as one opaque term (coalesce), so that no index on a segment path competes with the public id's
      // and the statement is not planned again for each call's values (pruneStatistics in database.ts)
      const f = isTrue(segment) ? undefined : renderSqlite(segment);
      const visible = staged
        ? '(c.is_live = 1 OR c.contribution_id IN (SELECT value FROM json_each(?)))'
        : 'c.is_live = 1';
      const record = `SELECT r.public_id, r.type, r.name, r.vendor_id, json(r.doc) AS doc,
          c.id AS connector_id, c.webhook, c.cache, c.webhook_secret
        FROM records r JOIN connectors c ON c.id = r.connector_id
        WHERE r.public_id = ? AND r.type = ? AND ${visible}${f ? ` AND coalesce((${f.sql}), 0)` : ''}`;
      const read = witness === 'keyId' ? TOKEN : `SELECT ${POLICY_WITNESS_COLUMNS} FROM policies WHERE slug = ?`;
      const sql = witness
        ? `SELECT x.*, w.* FROM (SELECT 1) AS one LEFT JOIN (${record}) x LEFT JOIN (${read}) w`
        : record;
      q = { stmt: this.db.prepare(sql), params: f ? f.params : [] };
      statements[key] = q;
    }
    return q;
  }

  /** The list without its page, rendered as the indexes that exist now allow. */
  #shape(view: CatalogView, o: { filter?: Ir; type?: string; withDoc?: boolean }): ListShape | undefined {
    return listShape(view, o, (ir) => this.#segment(ir), this.#render);
  }

  /** Renders as the indexes that exist now allow: a trigram index that appeared or went drops the renderings. */
  #syncRender(): void {
    const generation = this.autoIndexes?.generation ?? 0;
    if (generation === this.#renderGeneration) return;
    this.#renderGeneration = generation;
    this.#render = { textIndexes: this.autoIndexes?.textIndexes() ?? {} };
    this.rendered = new WeakMap();
  }

  #segment(ir: Ir): SqlFragment | undefined {
    if (isTrue(ir)) return undefined;
    let fragment = this.rendered.get(ir);
    if (!fragment) {
      fragment = renderSqlite(ir, this.#render);
      this.rendered.set(ir, fragment);
    }
    return fragment;
  }

  #and(where: string[], params: unknown[], fragment: SqlFragment | undefined): void {
    if (!fragment) return;
    where.push(`(${fragment.sql})`);
    params.push(...fragment.params);
  }

  /** `run`'s rows, or undefined when it went over its budget; SQLite's refusals as for every query. */
  #cheap<T>(run: () => T[] | undefined): Promise<T[]> | undefined {
    try {
      const rows = run();
      return rows && Promise.resolve(rows);
    } catch (err) {
      return Promise.reject(unusable(err));
    }
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
