import { Lru } from '../../query/lru.js';
import type { Queryable } from './pg-database.js';

/** Rows between two remembered positions: a deep page walks at most this many rows past its mark. */
export const PG_MARK_STEP = 256;
/** Lists (distinct WHERE clause and parameters) whose marks are remembered. */
const REMEMBERED_LISTS = 64;
/** Rows of the change log from which a reader folds it (`compact`). */
const COMPACT_FROM = 1000;

/** A list as `pgListQuery` reads it, without its page: the columns, the WHERE clause and its parameters. */
export interface PgListShape {
  columns: string;
  where: string;
  params: unknown[];
}

interface Marks {
  version: number;
  /** `seqs[j]`: the `seq` of the list's row at position `j * PG_MARK_STEP`. */
  seqs: number[];
}

/** The catalog version a statement sees, and how long the log behind it is. */
const VERSION = `(SELECT coalesce(sum(weight), 0)::bigint AS version, count(*) AS entries FROM catalog_changes) v`;

/**
 * Deep pages without walking, on PostgreSQL: for each list recently paged deep, the `seq` of every
 * {@link PG_MARK_STEP}-th row, so a page at offset o starts from the mark below o (`seq >= mark`) and walks
 * fewer than PG_MARK_STEP rows. The SQLite engine's `PageMarks`, with the catalog version read in the very
 * statement that reads the rows: the total weight of `catalog_changes` (migration 7), which every write of
 * `records` or `connectors` adds to in its own transaction, so two statements that see the same version see
 * the same lists, whichever process wrote. A page whose version is not its marks' answers nothing here, and the
 * caller reads it the plain way: every answer is exactly the plain query's on one snapshot.
 */
export class PgPageMarks {
  readonly #lists = new Lru<string, Marks>(REMEMBERED_LISTS);
  #compacting: Promise<void> | undefined;

  constructor(private readonly db: Queryable) {}

  /** Where a page at `offset` would start from the marks known now (the mark's `seq`, the rows skipped after it). */
  peek(list: PgListShape, offset: number): { seq: number; skip: number } | undefined {
    const j = Math.floor(offset / PG_MARK_STEP);
    const marks = this.#lists.get(keyOf(list));
    if (j === 0 || !marks || marks.seqs.length <= j) return undefined;
    return { seq: marks.seqs[j]!, skip: offset - j * PG_MARK_STEP };
  }

  /**
   * The SQL a page at `offset` reads from the marks known now, and where it starts (for explain), if they
   * reach that deep. Whether they are still current is known only when the page is read.
   */
  explainable(
    list: PgListShape,
    limit: number,
    offset: number,
  ): { sql: string; params: unknown[]; startsAt: { seq: number; skip: number } } | undefined {
    const startsAt = this.peek(list, offset);
    if (!startsAt) return undefined;
    return {
      sql: fromMark(list, list.columns),
      params: [...list.params, startsAt.seq, limit, startsAt.skip],
      startsAt,
    };
  }

  /**
   * The page at `offset` of the list ordered by `r.seq`, or undefined when it must be read the plain way
   * (a shallow offset, or the catalog changed between the statements).
   */
  async page<T extends object>(list: PgListShape, limit: number, offset: number): Promise<T[] | undefined> {
    const j = Math.floor(offset / PG_MARK_STEP);
    if (j === 0 || !Number.isSafeInteger(offset)) return undefined;
    const key = keyOf(list);
    let marks = this.#lists.get(key);
    if (!marks || marks.seqs.length <= j) {
      marks = await this.#walk(list, marks, j);
      if (!marks) return undefined;
      this.#lists.set(key, marks);
    }
    // fewer rows than j * PG_MARK_STEP + 1: the page is past the end
    if (marks.seqs.length <= j) return [];
    const n = list.params.length;
    const r = await this.db.query<{ version: number; entries: number; _seq: number | null } & T>(
      `SELECT v.version, v.entries, p.* FROM ${VERSION} LEFT JOIN LATERAL (
         ${fromMark(list, `r.seq AS _seq, ${list.columns}`)}) p ON v.version = $${n + 4}
       ORDER BY p._seq`,
      [...list.params, marks.seqs[j], limit, offset - j * PG_MARK_STEP, marks.version],
    );
    const first = r.rows[0];
    this.#maybeCompact(first?.entries ?? 0);
    if (!first || Number(first.version) !== marks.version) {
      this.#lists.delete(key);
      return undefined;
    }
    return r.rows
      .filter((row) => row._seq !== null)
      .map(({ version: _v, entries: _e, _seq, ...row }) => row as unknown as T);
  }

  /**
   * Marks up to position `j`: extended from `known` when the catalog is still at its version, found from the
   * first row otherwise. Undefined when the catalog changed between two walks.
   */
  async #walk(list: PgListShape, known: Marks | undefined, j: number): Promise<Marks | undefined> {
    for (const from of known ? [known, undefined] : [undefined]) {
      const start = from ? from.seqs.length - 1 : 0;
      const found = await this.#marksFrom(list, from ? from.seqs[start]! : null, (j - start) * PG_MARK_STEP + 1);
      if (from && found.version !== from.version) continue; // changed since: walk again from the first row
      return { version: found.version, seqs: [...(from ? from.seqs.slice(0, start) : []), ...found.seqs] };
    }
    return undefined;
  }

  /** The version and the seq of every PG_MARK_STEP-th row among the first `rows` rows from `seq` (or the first). */
  async #marksFrom(list: PgListShape, seq: number | null, rows: number): Promise<{ version: number; seqs: number[] }> {
    const n = list.params.length;
    const r = await this.db.query<{ version: number; seqs: number[] | null }>(
      `SELECT v.version, (SELECT array_agg(seq ORDER BY seq) FROM (
         SELECT seq, row_number() OVER (ORDER BY seq) AS k FROM (
           SELECT r.seq FROM records r WHERE ${list.where} AND ($${n + 1}::bigint IS NULL OR r.seq >= $${n + 1})
           ORDER BY r.seq LIMIT $${n + 2}) w) m
         WHERE (k - 1) % ${PG_MARK_STEP} = 0) AS seqs
       FROM ${VERSION}`,
      [...list.params, seq, rows],
    );
    const row = r.rows[0]!;
    return { version: Number(row.version), seqs: (row.seqs ?? []).map(Number) };
  }

  /** Folds the change log into one row of the same weight once it is long (one fold at a time per process). */
  #maybeCompact(entries: number): void {
    if (entries < COMPACT_FROM || this.#compacting) return;
    this.#compacting = compactChanges(this.db)
      .catch(() => {
        // another process folds it, or the store is closing: a later page tries again
      })
      .finally(() => {
        this.#compacting = undefined;
      });
  }

  /** Resolves once no fold runs (for tests and closing). */
  async settled(): Promise<void> {
    await this.#compacting;
  }
}

/**
 * Folds the change log into one row of the same total weight, in one transaction, when it holds `from` rows or
 * more: a statement sees the same version before and after. Rows of transactions not committed yet are not
 * visible, so they stay. Several processes may fold at once: each row is deleted once, so the total holds.
 */
export async function compactChanges(db: Queryable, from = 2): Promise<void> {
  await db.query(
    `WITH gone AS (DELETE FROM catalog_changes WHERE (SELECT count(*) FROM catalog_changes) >= $1 RETURNING weight)
     INSERT INTO catalog_changes (weight) SELECT sum(weight) FROM gone HAVING count(*) > 0`,
    [from],
  );
}

/** How often each process folds the change log, and from how many rows (writers add a row per transaction). */
export const COMPACT_EVERY_MS = 60_000;
export const COMPACT_PERIODIC_FROM = 100;

/** A page read from a mark: the list's WHERE clause and parameters, then the mark's `seq`, the limit and the rows skipped. */
function fromMark(list: PgListShape, columns: string): string {
  const n = list.params.length;
  return `SELECT ${columns} FROM records r WHERE ${list.where} AND r.seq >= $${n + 1} ORDER BY r.seq LIMIT $${n + 2} OFFSET $${n + 3}`;
}

const keyOf = (list: PgListShape) => `${list.where}\u0000${JSON.stringify(list.params)}`;
