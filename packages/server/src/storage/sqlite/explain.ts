import type { Database } from 'better-sqlite3';

/** What a list query did, as `explainRun` measured it. */
export interface ExplainedRun {
  /** `EXPLAIN QUERY PLAN` lines, outermost first. */
  plan: string[];
  /** Rows the query's loop looked at (each candidate the indexes or the scan produced). */
  examined: number;
  /** Rows it returned. */
  returned: number;
  /** Time of the run alone, ms. */
  ms: number;
}

const counters = new WeakMap<Database, { n: number }>();

/**
 * Adds `bbk_examined()` to a connection: true, and counts its calls. `explainRun` puts it first in a
 * list query's WHERE clause, where SQLite evaluates it once for every row the loop produces.
 */
export function registerExplain(db: Database): void {
  if (counters.has(db)) return;
  const counter = { n: 0 };
  counters.set(db, counter);
  db.function('bbk_examined', { deterministic: false, directOnly: true }, () => {
    counter.n++;
    return 1;
  });
}

/**
 * Runs a list query with its plan and the number of rows it looked at. `sql` must hold the marker
 * `bbk_examined() AND` in its WHERE clause (see SqliteCatalog.explain); the rows are not returned.
 */
export function explainRun(db: Database, sql: string, params: unknown[]): ExplainedRun {
  registerExplain(db);
  const counter = counters.get(db)!;
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map(
    (r) => r.detail,
  );
  counter.n = 0;
  const started = performance.now();
  const returned = db.prepare(sql).all(...params).length;
  return { plan, examined: counter.n, returned, ms: performance.now() - started };
}
