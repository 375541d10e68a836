import type { HttpClient } from '../client.js';
import type { Query } from '../protocol/query.js';

/** How a consumer list runs (`GET /catalog?explain=true`, bbk extension, docs/OPERATIONS.md). */
export interface CatalogExplain {
  /** The list's SQL as the store runs it; null when nothing can match (no query ran). */
  sql: string | null;
  /** The plan, outermost step first (SQLite `EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN`). */
  plan: string[];
  /** The indexes the plan reads. */
  indexes: string[];
  /** Rows the query's loop looked at (a full scan shows the catalog's size). */
  rows_examined: number;
  rows_returned: number;
  /** Time of the run alone, ms. */
  ms: number;
  /** The remembered position a deep page starts from: that row's `seq` and the rows skipped after it. */
  starts_at: { seq: number; skip: number } | null;
  /** The indexes the catalog built itself, most recently used first. */
  automatic_indexes: Array<{ kind: string; path: string; name: string; last_used: string }>;
}

/** What list `CatalogApi.explain` explains: a consumer list's parameters, and the policy it runs under. */
export interface CatalogExplainOptions {
  /** An entity type's list (`/entity/:type`) instead of, or as well as, the query. */
  type?: string;
  /** The policy whose segment and masks apply, as for its consumers; without it, every live record. */
  policy?: string;
  limit?: number;
  offset?: number;
}

/**
 * The catalog as the Coordinator API shows it (bbk extension): how a consumer's list runs, without its records.
 * @example const e = await coordinator.catalog.explain({ 'entity.continent': 'Asia' }, { policy: 'asia' }); e.indexes
 */
export class CatalogApi {
  constructor(private readonly http: HttpClient) {}

  /**
   * `GET /catalog?explain=true`: the plan, the indexes it reads and the rows it looks at of the list `query`
   * (and/or `options.type`) under `options.policy`; the list runs once, its records are not returned.
   */
  async explain(query: Query | undefined, options: CatalogExplainOptions = {}): Promise<CatalogExplain> {
    const params = {
      explain: 'true',
      q: query === undefined ? undefined : JSON.stringify(query),
      type: options.type,
      policy: options.policy,
      limit: options.limit,
      offset: options.offset,
    };
    return (await this.http.request<CatalogExplain>({ method: 'GET', path: '/catalog', query: params })).body;
  }
}
