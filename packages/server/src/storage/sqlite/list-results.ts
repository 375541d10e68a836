import { Lru } from '../../query/lru.js';

/** Answers remembered (distinct SQL and parameters). */
const REMEMBERED = 64;
/** Longest answer remembered, in rows (a list page holds at most 1,000). */
const MAX_ROWS = 1000;

interface Remembered {
  version: string;
  rows: readonly unknown[];
}

/**
 * The latest answers of list queries, each kept with the catalog version it was read at
 * (`PageMarks.version`: `PRAGMA data_version` of the main connection with its own catalog writes),
 * and given again while that version holds, without a trip to a reader thread. An answer is kept
 * only when the version was the same before and after it was read, so the reader's snapshot was the
 * catalog of that version; any commit since (another connection's, or this one's) makes it stale.
 * The key is the exact SQL and its parameters, which carry the policy's segment, the filter, the
 * view and the page: two callers share an answer only when they asked the same query of the same
 * catalog. Rows are shared between callers and must not be changed (nothing downstream does: the
 * views build new objects).
 */
export class ListResults {
  readonly #answers = new Lru<string, Remembered>(REMEMBERED);

  constructor(private readonly version: () => string) {}

  /** The rows of `sql` with `params`: remembered, or read by `run` (and remembered when the catalog held still). */
  async read<T>(sql: string, params: readonly unknown[], run: () => Promise<T[]>): Promise<T[]> {
    const key = `${sql}\u0000${JSON.stringify(params)}`;
    const version = this.version();
    const hit = this.#answers.get(key);
    if (hit?.version === version) return hit.rows as T[];
    const rows = await run();
    if (rows.length <= MAX_ROWS && this.version() === version) this.#answers.set(key, { version, rows });
    else this.#answers.delete(key);
    return rows;
  }
}
