import type { SharedAdmission, SharedCall, UsageDelta } from '../../limits/index.js';
import { type Ir, type PostgresRenderOptions, renderPostgres, type SqlFragment } from '../../query/index.js';
import { type AutoIndexes, compoundOf, explainedAutoIndexes, indexedPaths, POSTGRES_LEAVES } from '../auto-indexes.js';
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
import { BatchedReads } from './batched-reads.js';
import { inStoredOrder } from './documents.js';
import { pgExplainList } from './explain.js';
import { syncRecordIndexes } from './indexes.js';
import { admitShared } from './limits.js';
import { type PgListShape, PgPageMarks } from './page-marks.js';
import { hasNul, type PgDb, sqlState } from './pg-database.js';
import { tokenQuery } from './tokens.js';

/** Live or staged-and-named connectors; `$1` is the staged contribution ids. */
const VISIBLE =
  'r.connector_id IN (SELECT c.id FROM connectors c WHERE c.is_live OR c.contribution_id = ANY($1::text[]))';
/**
 * The same as an array computed once: a filter an index-only scan of `records_type` (type, seq, connector)
 * evaluates on each entry, where `IN` would join every row to `connectors`.
 */
const VISIBLE_ARRAY =
  'r.connector_id = ANY(ARRAY(SELECT c.id FROM connectors c WHERE c.is_live OR c.contribution_id = ANY($1::text[])))';
/** From this offset on, a page finds its rows first and reads only those. */
export const DEEP_PAGE = 256;

type RecordRow = Omit<CatalogRecord, 'connector'> & {
  cid: number;
  webhook: string | null;
  cache: number;
  secret: string;
};

/** The detail's read of one visible record, by public id and type, in the view's segment. */
function recordQuery(view: CatalogView, type: string, publicId: string): { sql: string; params: unknown[] } {
  const w = new Where('(c.is_live OR c.contribution_id = ANY($1::text[]))', view.staged)
    .add((n) => `r.public_id = $${n}`, publicId)
    .add((n) => `r.type = $${n}`, type)
    .fragment(view.segment);
  const sql = `SELECT r.public_id AS "publicId", r.type, r.name, r.vendor_id AS "vendorId", r.doc,
      c.id AS cid, c.webhook, c.cache, c.webhook_secret AS secret
    FROM records r JOIN connectors c ON c.id = r.connector_id WHERE ${w.terms.join(' AND ')}`;
  return { sql, params: w.params };
}

function recordOf(row: RecordRow | undefined): CatalogRecord | undefined {
  if (!row) return undefined;
  return {
    publicId: row.publicId,
    type: row.type,
    name: row.name,
    vendorId: row.vendorId,
    doc: inStoredOrder(row.doc),
    connector: { id: row.cid, webhook: row.webhook, cache: row.cache, webhookSecret: row.secret },
  };
}

const isFalse = (ir: Ir) => ir.kind === 'const' && !ir.value;
const isTrue = (ir: Ir) => ir.kind === 'const' && ir.value;

/**
 * What a hostile-but-valid query can still provoke (statement too complex, stack depth, a
 * pattern PostgreSQL's regular expressions refuse): the engine-neutral error, or `err` itself.
 */
function unusable(err: unknown): unknown {
  const state = sqlState(err);
  return state !== undefined && (state.startsWith('54') || state === '2201B')
    ? new UnusableQueryError((err as Error).message, { cause: err })
    : err;
}

/** The WHERE terms and parameters of a query, numbered as they are added. */
class Where {
  readonly terms: string[];
  readonly params: unknown[];

  constructor(first: string, staged: readonly string[]) {
    this.terms = [first];
    // a contribution id with U+0000 names no connector (PostgreSQL text cannot hold it)
    this.params = [staged.filter((id) => !hasNul(id))];
  }

  add(sql: (n: number) => string, value: unknown): this {
    this.params.push(value);
    this.terms.push(sql(this.params.length));
    return this;
  }

  fragment(ir: Ir | undefined, hashedEquality?: HashedEquality): this {
    if (!ir || isTrue(ir)) return this;
    const f: SqlFragment = renderPostgres(ir, { firstParam: this.params.length + 1, hashedEquality });
    // `$ne`, `$nin`, `$not` of such a value would match everything: refuse rather than answer wrongly
    if (f.params.some(hasNul))
      throw new UnusableQueryError('a query value holds U+0000, which PostgreSQL cannot compare');
    this.terms.push(`(${f.sql})`);
    this.params.push(...f.params);
    return this;
  }

  /** `LIMIT $n OFFSET $m` with the page's values. */
  page(p: Page): string {
    this.params.push(p.limit, p.offset);
    return `LIMIT $${this.params.length - 1} OFFSET $${this.params.length}`;
  }
}

/**
 * A catalog list on PostgreSQL without its page (the columns, WHERE clause and parameters), or undefined
 * when the segment or filter can match nothing. `deep`: the visibility test as an array computed once.
 */
export function pgListShape(
  view: CatalogView,
  o: ListOptions,
  deep = false,
  hashedEquality?: HashedEquality,
): PgListShape | undefined {
  if (isFalse(view.segment) || (o.filter && isFalse(o.filter))) return undefined;
  const w = new Where(deep ? VISIBLE_ARRAY : VISIBLE, view.staged);
  if (o.type !== undefined) w.add((n) => `r.type = $${n}`, o.type);
  w.fragment(view.segment).fragment(o.filter, hashedEquality);
  const columns = `r.public_id AS "publicId", r.type, r.name${o.withDoc ? ', r.doc' : ''}`;
  return { columns, where: w.terms.join(' AND '), params: w.params };
}

/** The SQL of a list read the plain way, from its shape (that of `listShape`, which a deep page needs). */
function plainListSql(shape: PgListShape, o: Page): SqlFragment {
  const { columns, where } = shape;
  const params = [...shape.params, o.limit, o.offset];
  const page = `LIMIT $${params.length - 1} OFFSET $${params.length}`;
  // A deep page walks past `offset` rows: it walks only their order and filter columns (for a list of a type
  // under a type segment, the entries of records_type alone), and reads the whole rows of the page only.
  const sql =
    o.offset >= DEEP_PAGE
      ? `SELECT ${columns} FROM records r WHERE r.seq IN (SELECT r.seq FROM records r WHERE ${where} ORDER BY r.seq ${page}) ORDER BY r.seq`
      : `SELECT ${columns} FROM records r WHERE ${where} ORDER BY r.seq ${page}`;
  return { sql, params };
}

/** The shape of a list as it is read: a deep page's visibility is the array computed once. */
const listShape = (view: CatalogView, o: ListOptions, hashedEquality?: HashedEquality) =>
  pgListShape(view, o, o.offset >= DEEP_PAGE, hashedEquality);

/** `renderPostgres`' `hashedEquality`: which string equality of an AND a compound index reads by its hash. */
export type HashedEquality = NonNullable<PostgresRenderOptions['hashedEquality']>;

/**
 * The `hashedEquality` of a catalog's filters: the equality's path when the AND's compound index (`compoundOf`) is
 * one the automatic indexes have now; undefined when they have none.
 */
export function hashedEqualityOf(auto: AutoIndexes | undefined): HashedEquality | undefined {
  const compounds = auto?.compounds();
  if (!compounds || compounds.size === 0) return undefined;
  return (items) => {
    const path = compoundOf(items, POSTGRES_LEAVES);
    return path !== undefined && compounds.has(path) ? indexedPaths('compound', path)[0] : undefined;
  };
}

/**
 * The SQL of a catalog list on PostgreSQL read the plain way (exported for exact-SQL tests), or undefined
 * when the segment or filter can match nothing.
 */
export function pgListQuery(
  view: CatalogView,
  o: ListOptions,
  hashedEquality?: HashedEquality,
): SqlFragment | undefined {
  const shape = listShape(view, o, hashedEquality);
  return shape && plainListSql(shape, o);
}

/** Policy-scoped reads and usage counters on PostgreSQL; the same semantics as `sqlite/catalog.ts`. */
export class PgCatalog implements CatalogStore {
  /** Remembered deep-page positions (`page-marks.ts`). */
  readonly marks: PgPageMarks;
  readonly #together: BatchedReads;

  /** @param autoIndexes when given, sees every list's filter and indexes the paths asked often. */
  constructor(
    private readonly db: PgDb,
    private readonly autoIndexes?: AutoIndexes,
  ) {
    this.marks = new PgPageMarks(db);
    this.#together = new BatchedReads(db);
  }

  async policyBySlug(slug: string): Promise<PolicyHead | undefined> {
    return (await this.db.prepared<PolicyHead>('SELECT id, slug, version FROM policies WHERE slug = $1', [slug]))
      .rows[0];
  }

  async policyByAccess(accessId: number): Promise<PolicyHead | undefined> {
    const r = await this.db.prepared<PolicyHead>(
      `SELECT p.id, p.slug, p.version,
              CASE WHEN g.suspended IS NOT NULL THEN coalesce(g.reason, 'suspended') END AS suspension
       FROM accesses a JOIN policies p ON p.id = a.policy_id LEFT JOIN access_guards g ON g.access_id = a.id
       WHERE a.id = $1`,
      [accessId],
    );
    return r.rows[0];
  }

  async list(view: CatalogView, o: ListOptions): Promise<CatalogEntry[]> {
    this.autoIndexes?.observe(o.filter);
    const shape = listShape(view, o, hashedEqualityOf(this.autoIndexes));
    if (!shape) return [];
    // a deep page starts from a remembered position instead of walking from the first row
    const marked = await this.marks.page<CatalogEntry>(shape, o.limit, o.offset).catch((err) => {
      throw unusable(err);
    });
    let rows = marked;
    if (!rows) {
      const q = plainListSql(shape, o);
      rows = await this.#all<CatalogEntry>(q.sql, q.params);
    }
    return o.withDoc ? rows.map((r) => ({ ...r, doc: inStoredOrder(r.doc as RecordDocument) })) : rows;
  }

  async explain(view: CatalogView, o: ListOptions): Promise<CatalogExplain> {
    try {
      const automaticIndexes = explainedAutoIndexes(this.autoIndexes);
      const shape = listShape(view, o, hashedEqualityOf(this.autoIndexes));
      // a deep page with remembered positions: the SQL it reads from its mark
      const marked = shape && this.marks.explainable(shape, o.limit, o.offset);
      if (marked) {
        const plan = await pgExplainList(this.db, { sql: marked.sql, params: marked.params });
        return { ...plan, startsAt: marked.startsAt, automaticIndexes };
      }
      return { ...(await pgExplainList(this.db, shape && plainListSql(shape, o))), automaticIndexes };
    } catch (err) {
      throw unusable(err);
    }
  }

  async countByType(view: CatalogView, options: { filter?: Ir } = {}): Promise<TypeCount[]> {
    if (isFalse(view.segment) || (options.filter && isFalse(options.filter))) return [];
    const w = new Where(VISIBLE, view.staged).fragment(view.segment).fragment(options.filter);
    const sql = `SELECT r.type, count(*) AS records FROM records r WHERE ${w.terms.join(' AND ')}
      GROUP BY r.type ORDER BY r.type COLLATE "C"`;
    return this.#all<TypeCount>(sql, w.params);
  }

  async entityTypes(view: CatalogView, page: Page): Promise<VisibleEntityType[]> {
    if (isFalse(view.segment)) return [];
    const w = new Where(VISIBLE, view.staged).fragment(view.segment);
    const where = w.terms.join(' AND ');
    const sql = `SELECT e.slug, e.name, e.description FROM entity_types e
      WHERE EXISTS (SELECT 1 FROM records r WHERE r.type = e.slug AND ${where})
      ORDER BY e.slug COLLATE "C" ${w.page(page)}`;
    return this.#all<VisibleEntityType>(sql, w.params);
  }

  async record(view: CatalogView, type: string, publicId: string): Promise<CatalogRecord | undefined> {
    if (isFalse(view.segment)) return undefined;
    const q = recordQuery(view, type, publicId);
    // one text per policy segment (its values are parameters): a bounded set, so a named statement
    return recordOf((await this.#all<RecordRow>(q.sql, q.params, true))[0]);
  }

  async recordWitnessed(
    view: CatalogView,
    type: string,
    publicId: string,
    witness: AdmissionWitness,
  ): Promise<WitnessedRecord> {
    // a slug no policy can have (PostgreSQL text cannot hold U+0000)
    if ('policySlug' in witness && hasNul(witness.policySlug))
      return { record: await this.record(view, type, publicId) };
    const q = isFalse(view.segment) ? undefined : recordQuery(view, type, publicId);
    // no record to read with the witness: a segment that matches nothing, an id or type PostgreSQL cannot hold
    if (!q || q.params.some(hasNul)) return this.#witnessAlone(witness);
    const n = q.params.length + 1;
    const read =
      'keyId' in witness ? tokenQuery(`$${n}`) : `SELECT ${POLICY_WITNESS_COLUMNS} FROM policies WHERE slug = $${n}`;
    // always one row: the record's columns are null when it is not visible, the witness's when it is gone
    const sql = `SELECT x.*, w.* FROM (SELECT 1) AS one
      LEFT JOIN LATERAL (${q.sql}) x ON true
      LEFT JOIN LATERAL (${read}) w ON true`;
    const params = [...q.params, 'keyId' in witness ? witness.keyId : witness.policySlug];
    let row: (RecordRow & WitnessColumns) | undefined;
    try {
      // concurrent details go to PostgreSQL together, one statement (batched-reads.ts)
      row = await this.#together.row<RecordRow & WitnessColumns>(sql, params);
    } catch (err) {
      throw unusable(err);
    }
    if (!row) return this.#witnessAlone(witness);
    return witnessedRecord(row.publicId === null ? undefined : recordOf(row), witness, row);
  }

  async #witnessAlone(witness: AdmissionWitness): Promise<WitnessedRecord> {
    const found =
      'keyId' in witness
        ? (await this.#all<StoredToken>(tokenQuery('$1'), [witness.keyId], true))[0]
        : await this.policyBySlug(witness.policySlug);
    return witnessAlone(witness, found);
  }

  async usage(key: string, window: string): Promise<number> {
    const r = await this.db.prepared<{ count: number }>('SELECT count FROM usage WHERE key = $1 AND "window" = $2', [
      key,
      window,
    ]);
    return r.rows[0]?.count ?? 0;
  }

  async addUsage(deltas: readonly UsageDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    // one statement, so counters of several processes add up; same (key, window) summed first
    await this.db.query(
      `INSERT INTO usage (key, "window", count)
       SELECT key, w, sum(d) FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(key, w, d) GROUP BY key, w
       ON CONFLICT (key, "window") DO UPDATE SET count = usage.count + excluded.count`,
      [deltas.map((d) => d.key), deltas.map((d) => d.window), deltas.map((d) => d.delta)],
    );
  }

  /** Rate and quota decided against the counts every process shares (`bbk_admit`, storage/postgres/limits.ts). */
  admitShared(call: SharedCall): Promise<SharedAdmission> {
    return admitShared(this.db, call);
  }

  async syncIndexes(): Promise<{ created: string[]; dropped: string[] }> {
    return this.db.tx((c) => syncRecordIndexes(c));
  }

  async #all<T>(sql: string, params: unknown[], prepared = false): Promise<T[]> {
    try {
      return (await (prepared ? this.db.prepared(sql, params) : this.db.query(sql, params))).rows as T[];
    } catch (err) {
      throw unusable(err);
    }
  }
}
