import { type ClientInit, type HttpClient, toHttpClient } from './client.js';
import { offsetPages, type Paging, type TimeseriesOptions, timeseriesPages, toIso } from './paging.js';
import type { Query } from './protocol/query.js';
import type {
  Announce,
  CatalogItem,
  ConsumerEntityType,
  EntityDetail,
  JsonObject,
  TimeseriesPoint,
} from './protocol/types.js';
import { path } from './url.js';

/** Consumer options on top of the transport options. */
export interface ConsumerOptions {
  /** Policy id sent as `x-bbk-audience`; development mode only (in production the token decides). */
  audience?: string;
  /** Contribution ids of staged connectors to include, sent as `x-bbk-connectors` (server keeps the first 16). */
  connectors?: readonly string[];
}

/** Options of `catalogAll` and `entitiesAll`. */
export interface PageOptions {
  /** Items per request, 1–250 (default 250). */
  pageSize?: number;
}

/**
 * Typed client of the Consumer API (spec §4, default port 8003).
 * @example
 * const consumer = new ConsumerClient({ baseUrl: 'http://localhost:8003/v1', audience: 'over-a-billion' });
 * const big = await consumer.catalog({ 'entity.population': { $gt: 1e9 } });
 * for await (const item of consumer.entitiesAll('country')) console.log(item.name);
 */
export class ConsumerClient {
  readonly http: HttpClient;
  readonly #headers: Record<string, string>;

  constructor(init: ClientInit & ConsumerOptions) {
    this.http = toHttpClient(init);
    this.#headers = consumerHeaders(init);
  }

  /**
   * `GET /catalog?q=`: records matching `query` (JSON-encoded into `q`). `{}` matches nothing.
   * @example await consumer.catalog({ type: 'country', 'entity.continent': 'Europe' }, { limit: 10 });
   */
  async catalog(query: Query, paging: Paging = {}): Promise<CatalogItem[]> {
    return this.#get<CatalogItem[]>('/catalog', { q: JSON.stringify(query), ...paging });
  }

  /**
   * Every record matching `query`, fetched page by page (offset paging, until a short page).
   * @example for await (const item of consumer.catalogAll({ type: 'country' })) …
   */
  catalogAll(query: Query, options: PageOptions = {}): AsyncGenerator<CatalogItem> {
    return offsetPages((limit, offset) => this.catalog(query, { limit, offset }), options.pageSize);
  }

  /** `GET /entity`: entity types with at least one visible record, ordered by slug. */
  async entityTypes(paging: Paging = {}): Promise<ConsumerEntityType[]> {
    return this.#get<ConsumerEntityType[]>('/entity', { ...paging });
  }

  /** `GET /entity/:type`: one page of visible records of a type (`[]` for an unknown type). */
  async entities(type: string, paging: Paging = {}): Promise<CatalogItem[]> {
    return this.#get<CatalogItem[]>(path`/entity/${type}`, { ...paging });
  }

  /**
   * Every visible record of a type, page by page.
   * @example const names = []; for await (const c of consumer.entitiesAll('country')) names.push(c.name);
   */
  entitiesAll(type: string, options: PageOptions = {}): AsyncGenerator<CatalogItem> {
    return offsetPages((limit, offset) => this.entities(type, { limit, offset }), options.pageSize);
  }

  /**
   * `GET /entity/:type/:id`: the record with webhook extras merged, masks applied, links rewritten.
   * @example const gb = await consumer.entity<{ capital: string }>('country', id); gb.entity.capital;
   */
  async entity<E extends object = JsonObject, I extends object = JsonObject>(
    type: string,
    id: string,
  ): Promise<EntityDetail<E, I>> {
    return this.#get<EntityDetail<E, I>>(path`/entity/${type}/${id}`);
  }

  /**
   * `GET /entity/:type/:id/timeseries/:tsid`: one page of points, newest first (`[]` when the webhook fails).
   * @example await consumer.timeseries('country', id, 'population', { start: new Date('2000-01-01'), limit: 10 });
   */
  async timeseries<V = unknown>(
    type: string,
    id: string,
    tsid: string,
    params: TimeseriesOptions = {},
  ): Promise<TimeseriesPoint<V>[]> {
    const { start, end, duration, limit } = params;
    return this.#get<TimeseriesPoint<V>[]>(path`/entity/${type}/${id}/timeseries/${tsid}`, {
      start: start === undefined ? undefined : toIso(start),
      end: end === undefined ? undefined : toIso(end),
      duration,
      limit,
    });
  }

  /**
   * Every point of a timeseries, newest first. Pages of `pageSize` (≤ 500); each next page keeps
   * `start` and moves `end` to the oldest `from` seen so far (see `timeseriesPages` for the caveats).
   * @example for await (const p of consumer.timeseriesAll('country', id, 'population', { start: '1960' })) …
   */
  timeseriesAll<V = unknown>(
    type: string,
    id: string,
    tsid: string,
    params: Omit<TimeseriesOptions, 'limit'> & { pageSize?: number } = {},
  ): AsyncGenerator<TimeseriesPoint<V>> {
    return timeseriesPages<V>((page) => this.timeseries<V>(type, id, tsid, page), params);
  }

  /** `GET /v1` of the Consumer API. */
  async announce(): Promise<Announce> {
    return this.#get<Announce>('');
  }

  /** Closes the client's own connection pool. */
  close(): Promise<void> {
    return this.http.close();
  }

  async #get<T>(apiPath: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return (await this.http.request<T>({ method: 'GET', path: apiPath, query, headers: this.#headers })).body;
  }
}

/**
 * The consumer headers for an audience and staged connectors.
 * @example consumerHeaders({ audience: 'p1', connectors: ['a', 'b'] }) // { 'x-bbk-audience': 'p1', 'x-bbk-connectors': 'a,b' }
 */
export function consumerHeaders(options: ConsumerOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.audience) headers['x-bbk-audience'] = options.audience;
  if (options.connectors?.length) headers['x-bbk-connectors'] = options.connectors.join(',');
  return headers;
}
