import type { Statement } from 'better-sqlite3';
import { Lru } from '../../query/lru.js';
import { rowObjects } from './catalog-readers.js';
import type { Db } from './database.js';

/**
 * Rows a list may look at on the main connection. An index-served page of 250 looks at 250–500 rows
 * (250–400 µs); a list that would look at more stops here after about 0.4 ms and goes to a reader thread.
 */
export const MAIN_THREAD_ROWS = 1000;
/**
 * Time a list may take on the main connection, checked every {@link CLOCK_EVERY} rows: the rows are bounded, but
 * what a row costs is not (an exact geo test against a polygon of hundreds of vertices, a JSON comparison inside a
 * document of hundreds of kilobytes). An index-served page of 250 takes about 0.3 ms.
 */
export const MAIN_THREAD_MS = 2;
const CLOCK_EVERY = 4;
/** After a list went over the budget, its next runs (the same SQL) go straight to a reader thread. */
const SKIP_AFTER_OVER = 32;
/** The marker a list's WHERE clause starts with: counts the rows the query's loop produces. */
export const BUDGET_MARKER = 'bbk_budget() AND';

/** Thrown by `bbk_budget()` when a list has looked at more rows, or taken longer, than its budget: the statement stops. */
class OverBudget extends Error {}
const OVER = new OverBudget('over the main thread budget');

/**
 * Lists that are cheap run on the main connection, without the trip to a reader thread: on a machine of two cores
 * the trip (posting the job, waking the thread, cloning 250 rows back) costs about a third of an index-served page
 * (bench/README.md, "Index-served lists on the main thread"). Whether a list is cheap is not guessed from its plan:
 * it is measured while it runs. Its SQL starts its WHERE clause with {@link BUDGET_MARKER}, a function SQLite calls
 * for every row the query's loop produces (as `bbk_examined()` of explain.ts); past `budget` rows it throws, the
 * statement stops, and the caller runs the list on a reader thread, where a query of any cost never holds up the
 * event loop. The same happens past `budgetMs` (checked every few rows). So no list holds the event loop longer than
 * looking at `budget` rows within about `budgetMs`, and a list that went over is sent to the readers directly for its
 * next {@link SKIP_AFTER_OVER} runs.
 */
export class BoundedLists {
  #examined = 0;
  #deadline = 0;
  /** Statements by SQL text, each in raw mode with its column names (as on the reader threads). */
  readonly #statements = new Lru<string, { stmt: Statement; columns: string[] }>(128);
  /** SQL that went over the budget, with the runs left before the main connection tries it again. */
  readonly #over = new Lru<string, { skip: number }>(256);

  constructor(
    private readonly db: Db,
    private readonly budget = MAIN_THREAD_ROWS,
    private readonly budgetMs = MAIN_THREAD_MS,
  ) {
    db.function('bbk_budget', { deterministic: false, directOnly: true }, () => {
      const examined = ++this.#examined;
      if (examined > this.budget) throw OVER;
      if (examined % CLOCK_EVERY === 0 && performance.now() > this.#deadline) throw OVER;
      return 1;
    });
  }

  /**
   * The rows of `sql` (whose WHERE clause starts with {@link BUDGET_MARKER}) with `params`, read on the main
   * connection; or undefined when the list looks at more rows than the budget, or did in a recent run.
   */
  all<T>(sql: string, params: readonly unknown[]): T[] | undefined {
    const over = this.#over.get(sql);
    if (over && over.skip-- > 0) return undefined;
    let prepared = this.#statements.get(sql);
    if (!prepared) {
      const stmt = this.db.prepare(sql).raw(true);
      prepared = { stmt, columns: stmt.columns().map((c) => c.name) };
      this.#statements.set(sql, prepared);
    }
    this.#examined = 0;
    this.#deadline = performance.now() + this.budgetMs;
    try {
      // rows as arrays, made objects here: better-sqlite3 would look each column's name up in V8's string table
      // for every row it makes an object of
      const rows = rowObjects(prepared.columns, prepared.stmt.all(...params) as unknown[][]) as T[];
      if (over) this.#over.delete(sql);
      return rows;
    } catch (err) {
      if (err !== OVER) throw err;
      this.#over.set(sql, { skip: SKIP_AFTER_OVER });
      return undefined;
    }
  }
}
