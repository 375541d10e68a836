import type { Database } from 'better-sqlite3';
import type { CatalogExplain, Page } from '../catalog-store.js';
import type { ListShape } from './list-query.js';

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
  counter.n = 0;
  const started = performance.now();
  const returned = db.prepare(sql).all(...params).length;
  const ms = performance.now() - started;
  // the plan after the run: a statement is planned on the schema the connection last read, and only running one
  // reads it again (an EXPLAIN QUERY PLAN runs nothing), so a plan asked first could predate an index just built
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map(
    (r) => r.detail,
  );
  return { plan, examined: counter.n, returned, ms };
}

/**
 * How a list runs (`CatalogStore.explain`, without the automatic indexes): its SQL as the store runs it
 * (from a remembered position when `startsAt` is given), then that SQL with the counting marker through
 * `run` (a reader thread), and the indexes its plan names. A shape of undefined (nothing can match) runs nothing.
 */
export async function explainList(
  shape: ListShape | undefined,
  page: Page,
  startsAt: { seq: number; skip: number } | null,
  run: (sql: string, params: unknown[]) => Promise<ExplainedRun>,
): Promise<Omit<CatalogExplain, 'automaticIndexes'>> {
  if (!shape) return { sql: null, plan: [], indexes: [], examined: 0, returned: 0, ms: 0, startsAt: null };
  const tail = `${startsAt ? ' AND r.seq >= ?' : ''} ORDER BY r.seq LIMIT ? OFFSET ?`;
  const params = startsAt
    ? [...shape.params, startsAt.seq, page.limit, startsAt.skip]
    : [...shape.params, page.limit, page.offset];
  const counted = await run(
    `SELECT ${shape.columns} FROM records r WHERE bbk_examined() AND ${shape.where}${tail}`,
    params,
  );
  const indexes = new Set(counted.plan.flatMap((line) => /USING (?:COVERING )?INDEX (\S+)/.exec(line)?.[1] ?? []));
  return {
    sql: `SELECT ${shape.columns} FROM records r WHERE ${shape.where}${tail}`,
    ...counted,
    indexes: [...indexes],
    startsAt,
  };
}
