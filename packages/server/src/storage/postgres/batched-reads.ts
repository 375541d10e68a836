import { hasNul, type PgDb } from './pg-database.js';

/** Most statements sent as one. */
const MOST = 16;

interface Waiting {
  params: unknown[];
  resolve(row: Record<string, unknown> | undefined): void;
  reject(err: unknown): void;
}

/**
 * `sql` with each parameter `$n` renumbered `$(n + by)`, outside quoted literals and identifiers (the
 * renderer writes JSON paths as `'…'` literals, with `''` for a quote, and column aliases as `"…"`).
 */
export function shiftParameters(sql: string, by: number): string {
  if (by === 0) return sql;
  let out = '';
  let quote = '';
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote !== '') {
      if (ch === quote) quote = '';
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '$' && i + 1 < sql.length && sql[i + 1]! >= '0' && sql[i + 1]! <= '9') {
      let j = i + 1;
      while (j < sql.length && sql[j]! >= '0' && sql[j]! <= '9') j++;
      out += `$${Number(sql.slice(i + 1, j)) + by}`;
      i = j - 1;
    } else out += ch;
  }
  return out;
}

/**
 * One-row reads that arrive in the same turn of the event loop with the same SQL, sent to PostgreSQL as
 * one statement: `(SELECT 0 AS bbk_i, …) UNION ALL (SELECT 1 AS bbk_i, …)`, each part with its own
 * parameters (renumbered), each row handed back to its caller by `bbk_i`. Under concurrent entity
 * details this saves most of a round trip per call: the socket write, PostgreSQL's wake-up and its
 * reply (docs/POSTGRES.md, "Entity details read together"). Every part reads the same snapshot, as
 * concurrent statements could have. A statement that fails is sent again part by part, so only the
 * calls whose own read fails see the error. The SQL must be one `SELECT` giving at most one row.
 */
export class BatchedReads {
  readonly #waiting = new Map<string, Waiting[]>();
  #scheduled = false;

  constructor(private readonly db: PgDb) {}

  /** The one row of `sql` with `params` (undefined when it gives none). */
  row<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    // a parameter holding U+0000 makes PostgreSQL's text refuse it: such a read answers alone (pg-database.ts)
    if (!sql.startsWith('SELECT ') || params.some(hasNul))
      return this.db.prepared(sql, params).then((r) => r.rows[0] as T | undefined);
    return new Promise<T | undefined>((resolve, reject) => {
      let list = this.#waiting.get(sql);
      if (!list) {
        list = [];
        this.#waiting.set(sql, list);
      }
      list.push({ params, resolve: resolve as Waiting['resolve'], reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // after the poll phase: every request whose bytes arrived in this turn has asked by then
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batches = [...this.#waiting];
    this.#waiting.clear();
    for (const [sql, list] of batches) {
      for (let i = 0; i < list.length; i += MOST) void this.#send(sql, list.slice(i, i + MOST));
    }
  }

  async #send(sql: string, list: Waiting[]): Promise<void> {
    if (list.length === 1) return this.#alone(sql, list[0]!);
    let rows: Record<string, unknown>[];
    try {
      let offset = 0;
      const parts = list.map((w, i) => {
        const part = `(SELECT ${i} AS bbk_i, ${shiftParameters(sql.slice('SELECT '.length), offset)})`;
        offset += w.params.length;
        return part;
      });
      rows = (
        await this.db.prepared(
          parts.join(' UNION ALL '),
          list.flatMap((w) => w.params),
        )
      ).rows;
    } catch {
      // one part's parameters may be what failed: each alone, so only that call fails
      await Promise.all(list.map((w) => this.#alone(sql, w)));
      return;
    }
    const byPart = new Array<Record<string, unknown> | undefined>(list.length);
    for (const row of rows) {
      const { bbk_i, ...rest } = row;
      byPart[Number(bbk_i)] = rest;
    }
    for (const [i, w] of list.entries()) w.resolve(byPart[i]);
  }

  async #alone(sql: string, w: Waiting): Promise<void> {
    try {
      w.resolve((await this.db.prepared(sql, w.params)).rows[0]);
    } catch (err) {
      w.reject(err);
    }
  }
}
