import type { Statement } from 'better-sqlite3';
import { Lru } from '../../query/lru.js';
import type { Db } from './database.js';
import type { ListShape } from './list-query.js';
import type { WriteGate } from './write-gate.js';

/** Rows between two remembered positions: a deep page walks at most this many rows past its mark. */
export const MARK_STEP = 256;
/** Lists (distinct WHERE clause and parameters) whose marks are remembered. */
const REMEMBERED_LISTS = 64;
const FIRST = Number.MIN_SAFE_INTEGER;

/** Runs a SELECT (on a reader thread) and resolves to its rows. */
export type RunQuery = <T>(sql: string, params: unknown[]) => Promise<T[]>;

interface Marks {
  version: string;
  /** `seqs[j]`: the `seq` of the list's row at position `j * MARK_STEP`. */
  seqs: number[];
}

/**
 * Deep pages without walking: for each list recently paged deep, the `seq` of every
 * {@link MARK_STEP}-th row, so a page at offset o starts from the mark below o (`seq >= mark`,
 * keyset) and walks fewer than MARK_STEP rows. Marks are found by one walk up to the deepest
 * offset asked, and extended from the last one when a deeper page is asked.
 *
 * Marks hold only while nothing a list reads has changed: the catalog version is
 * `PRAGMA data_version` of the main connection (it changes whenever another connection — the
 * catalog writer thread — commits) with the main connection's own catalog writes (the write
 * gate's count). Marks of another version are dropped; a page whose version changed while it was
 * read is read again the plain way, so every answer is exactly the plain query's on one snapshot.
 */
export class PageMarks {
  readonly #lists = new Lru<string, Marks>(REMEMBERED_LISTS);
  /** Prepared once: `db.pragma()` prepares its statement on every call (about 15 µs in a server). */
  readonly #dataVersion: Statement<[], number>;

  constructor(
    db: Db,
    private readonly gate: WriteGate,
    private readonly run: RunQuery,
  ) {
    this.#dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /** The catalog version: changes whenever a commit may have changed what a list reads. */
  version(): string {
    return `${this.#dataVersion.get()}.${this.gate.catalogWrites}`;
  }

  /** Where a page at `offset` would start now (the mark's `seq` and the rows skipped after it), if known. */
  peek(list: ListShape, offset: number): { seq: number; skip: number } | undefined {
    const j = Math.floor(offset / MARK_STEP);
    const marks = this.#lists.get(`${list.where}\u0000${JSON.stringify(list.params)}`);
    if (j === 0 || marks?.version !== this.version() || marks.seqs.length <= j) return undefined;
    return { seq: marks.seqs[j]!, skip: offset - j * MARK_STEP };
  }

  /**
   * The page at `offset` of the list ordered by `r.seq`, or undefined when it must be read the plain
   * way (shallow offset, or the catalog changed meanwhile).
   */
  async page<T>(list: ListShape, limit: number, offset: number): Promise<T[] | undefined> {
    const j = Math.floor(offset / MARK_STEP);
    if (j === 0 || !Number.isSafeInteger(offset)) return undefined;
    const version = this.version();
    const key = `${list.where}\u0000${JSON.stringify(list.params)}`;
    let marks = this.#lists.get(key);
    if (marks?.version !== version) marks = { version, seqs: [FIRST] };
    if (marks.seqs.length <= j) {
      const from = marks.seqs.length - 1;
      const found = await this.run<{ seq: number }>(
        `SELECT seq FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM
           (SELECT r.seq FROM records r WHERE ${list.where} AND r.seq >= ? ORDER BY r.seq LIMIT ?))
         WHERE (n - 1) % ${MARK_STEP} = 0 ORDER BY seq`,
        [...list.params, marks.seqs[from], (j - from) * MARK_STEP + 1],
      );
      if (this.version() !== version) return undefined;
      if (found.length === 0) return [];
      // found[0] is the mark at `from` again
      marks = { version, seqs: [...marks.seqs.slice(0, from), ...found.map((r) => r.seq)] };
    }
    this.#lists.set(key, marks);
    // fewer rows than j * MARK_STEP + 1: the page is past the end
    if (marks.seqs.length <= j) return [];
    const rows = await this.run<T>(
      `SELECT ${list.columns} FROM records r WHERE ${list.where} AND r.seq >= ? ORDER BY r.seq LIMIT ? OFFSET ?`,
      [...list.params, marks.seqs[j], limit, offset - j * MARK_STEP],
    );
    return this.version() === version ? rows : undefined;
  }
}
