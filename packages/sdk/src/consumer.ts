import { type ClientInit, type HttpClient, toHttpClient } from './client.js';
import { BbkApiError } from './errors.js';
import {
  type ListOptions,
  offsetPageList,
  offsetPages,
  type Paging,
  type RetryOptions,
  type TimeseriesOptions,
  timeseriesPageList,
  timeseriesPages,
  toIso,
} from './paging.js';
import type { Query } from './protocol/query.js';
import type {
  Announce,
  CatalogItem,
  ConsumerEntityType,
  EntityDetail,
  JsonObject,
  TimeseriesPoint,
} from './protocol/types.js';
import { parseRateLimit, type RateLimitInfo } from './rate-limit.js';
import { path } from './url.js';

/** Consumer options on top of the transport options. */
export interface ConsumerOptions {
  /** Policy id sent as `x-bbk-audience`; development mode only (in production the token decides). */
  audience?: string;
  /** Contribution ids of staged connectors to include, sent as `x-bbk-connectors` (server keeps the first 16). */
  connectors?: readonly string[];
}

/** Options of `catalogAll`, `entitiesAll` and their `…Pages` forms. */
export interface PageOptions {
  /** Items per request, 1–250 (default 250). */
  pageSize?: number;
  /** As ListOptions.fields (record lists only; `entityTypesPages` ignores it). */
  fields?: readonly string[];
  /** How 429s are waited out (default: `Retry-After`, at most 5 retries a page and 60 s in all); `false`: none. */
  retry?: RetryOptions | false;
}

/** Options of `timeseriesAll` and `timeseriesAllPages`. */
export type TimeseriesAllOptions = Omit<TimeseriesOptions, 'limit'> & {
  /** Points per request, 1–500 (default 500). */
  pageSize?: number;
  /** As PageOptions.retry. */
  retry?: RetryOptions | false;
};

/**
 * What the server says about the webhook behind a timeseries answer (`x-bbk-webhook`, a bbk extension):
 * `ok` it answered, `failed` it did not (the body is then `[]`), `none` the connector has no webhook,
 * `unknown` the server did not say (not a bbk server, or an older one).
 */
export type WebhookStatus = 'ok' | 'failed' | 'none' | 'unknown';

/** One timeseries answer with the webhook status. */
export interface TimeseriesPage<V = unknown> {
  points: TimeseriesPoint<V>[];
  webhook: WebhookStatus;
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
  #rateLimit: RateLimitInfo | undefined;

  constructor(init: ClientInit & ConsumerOptions) {
    this.http = toHttpClient(init);
    this.#headers = consumerHeaders(init);
  }

  /**
   * What the policy's limits leave, as of the last answer (its `RateLimit-Policy` and `RateLimit` headers,
   * 429s included); undefined before any answer, or when the last one stated no limits.
   * @example
   * await consumer.entityTypes();
   * const left = consumer.rateLimit?.quota?.remaining; // calls left today (or this month)
   * if (consumer.rateLimit?.rate?.remaining === 0) await sleep(consumer.rateLimit.rate.reset * 1000);
   */
  get rateLimit(): RateLimitInfo | undefined {
    return this.#rateLimit;
  }

  /**
   * `GET /catalog?q=`: records matching `query` (JSON-encoded into `q`). `{}` matches nothing. With `fields`
   * (bbk extension), each item carries those stored values as the policy shows them.
   * @example await consumer.catalog({ type: 'country', 'entity.continent': 'Europe' }, { limit: 10 });
   * @example await consumer.catalog({ type: 'site' }, { fields: ['entity.location'] }); // item.fields['entity.location']
   */
  async catalog(query: Query, options: ListOptions = {}): Promise<CatalogItem[]> {
    return this.#get<CatalogItem[]>('/catalog', { q: JSON.stringify(query), ...listQuery(options) });
  }

  /**
   * Every record matching `query`, fetched page by page (offset paging, until a short page).
   * @example for await (const item of consumer.catalogAll({ type: 'country' })) …
   */
  catalogAll(query: Query, options: PageOptions = {}): AsyncGenerator<CatalogItem> {
    const fields = options.fields;
    return offsetPages(
      (limit, offset) => this.catalog(query, { limit, offset, ...(fields ? { fields } : {}) }),
      options.pageSize,
      options.retry,
    );
  }

  /**
   * The pages of `catalogAll` as they arrive (non-empty arrays), for callers that show progress page by page.
   * @example for await (const page of consumer.catalogPages({ type: 'country' })) console.log(page.length);
   */
  catalogPages(query: Query, options: PageOptions = {}): AsyncGenerator<CatalogItem[]> {
    const fields = options.fields;
    return offsetPageList(
      (limit, offset) => this.catalog(query, { limit, offset, ...(fields ? { fields } : {}) }),
      options.pageSize,
      options.retry,
    );
  }

  /** `GET /entity`: entity types with at least one visible record, ordered by slug. */
  async entityTypes(paging: Paging = {}): Promise<ConsumerEntityType[]> {
    return this.#get<ConsumerEntityType[]>('/entity', { ...paging });
  }

  /** `GET /entity/:type`: one page of visible records of a type (`[]` for an unknown type); `fields` as `catalog`. */
  async entities(type: string, options: ListOptions = {}): Promise<CatalogItem[]> {
    return this.#get<CatalogItem[]>(path`/entity/${type}`, listQuery(options));
  }

  /**
   * Every visible record of a type, page by page.
   * @example const names = []; for await (const c of consumer.entitiesAll('country')) names.push(c.name);
   */
  entitiesAll(type: string, options: PageOptions = {}): AsyncGenerator<CatalogItem> {
    const fields = options.fields;
    return offsetPages(
      (limit, offset) => this.entities(type, { limit, offset, ...(fields ? { fields } : {}) }),
      options.pageSize,
      options.retry,
    );
  }

  /** The pages of `entitiesAll` as they arrive. */
  entitiesPages(type: string, options: PageOptions = {}): AsyncGenerator<CatalogItem[]> {
    const fields = options.fields;
    return offsetPageList(
      (limit, offset) => this.entities(type, { limit, offset, ...(fields ? { fields } : {}) }),
      options.pageSize,
      options.retry,
    );
  }

  /** Every entity type with visible records, page by page (`entityTypes` pages). */
  entityTypesPages(options: PageOptions = {}): AsyncGenerator<ConsumerEntityType[]> {
    return offsetPageList((limit, offset) => this.entityTypes({ limit, offset }), options.pageSize, options.retry);
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
    return (await this.timeseriesPage<V>(type, id, tsid, params)).points;
  }

  /**
   * `timeseries` with what the server says about the webhook (`x-bbk-webhook`), which tells a failed webhook
   * from an empty series: both answer `[]`.
   * @example const { points, webhook } = await consumer.timeseriesPage('country', id, 'population');
   * if (webhook === 'failed') console.error('the connector did not answer');
   */
  async timeseriesPage<V = unknown>(
    type: string,
    id: string,
    tsid: string,
    params: TimeseriesOptions = {},
  ): Promise<TimeseriesPage<V>> {
    const { start, end, duration, limit } = params;
    const res = await this.#send<TimeseriesPoint<V>[]>(path`/entity/${type}/${id}/timeseries/${tsid}`, {
      start: start === undefined ? undefined : toIso(start),
      end: end === undefined ? undefined : toIso(end),
      duration,
      limit,
    });
    const raw = res.headers['x-bbk-webhook'];
    const status = Array.isArray(raw) ? raw[0] : raw;
    const webhook: WebhookStatus = status === 'ok' || status === 'failed' || status === 'none' ? status : 'unknown';
    return { points: res.body, webhook };
  }

  /**
   * Every point of a timeseries, newest first. Pages of `pageSize` (≤ 500); each next page keeps
   * `start` and moves `end` to the oldest `from` seen so far (see `timeseriesPages` for the caveats).
   * 429s are waited out as in `catalogAll`.
   * @example for await (const p of consumer.timeseriesAll('country', id, 'population', { start: '1960' })) …
   */
  timeseriesAll<V = unknown>(
    type: string,
    id: string,
    tsid: string,
    params: TimeseriesAllOptions = {},
  ): AsyncGenerator<TimeseriesPoint<V>> {
    return timeseriesPages<V>((page) => this.timeseries<V>(type, id, tsid, page), params);
  }

  /**
   * The pages of `timeseriesAll` as they arrive. A page whose webhook failed throws `WebhookFailedError`
   * (instead of ending the series as if it were empty).
   */
  timeseriesAllPages<V = unknown>(
    type: string,
    id: string,
    tsid: string,
    params: TimeseriesAllOptions = {},
  ): AsyncGenerator<TimeseriesPoint<V>[]> {
    return timeseriesPageList<V>(async (page) => {
      const answer = await this.timeseriesPage<V>(type, id, tsid, page);
      if (answer.webhook === 'failed') throw new WebhookFailedError(type, id, tsid);
      return answer.points;
    }, params);
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
    return (await this.#send<T>(apiPath, query)).body;
  }

  /** One GET; notes the limits the answer states, a refusal's too. */
  async #send<T>(apiPath: string, query?: Record<string, string | number | undefined>) {
    try {
      const res = await this.http.request<T>({ method: 'GET', path: apiPath, query, headers: this.#headers });
      this.#rateLimit = parseRateLimit(res.headers);
      return res;
    } catch (err) {
      if (err instanceof BbkApiError) this.#rateLimit = parseRateLimit(err.headers);
      throw err;
    }
  }
}

/**
 * The server said (`x-bbk-webhook: failed`) that the connector's webhook did not answer a timeseries request.
 * @example catch (e) { if (e instanceof WebhookFailedError) console.error(e.message); }
 */
export class WebhookFailedError extends Error {
  override readonly name = 'WebhookFailedError';
  constructor(
    readonly type: string,
    readonly id: string,
    readonly tsid: string,
  ) {
    super(
      `the webhook of ${type} ${id} failed to answer for timeseries "${tsid}" (the server answered [] in its place)`,
    );
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

/** The query parameters of a record list: paging, and `fields` comma-joined when given. */
function listQuery(options: ListOptions): Record<string, string | number | undefined> {
  const { fields, ...paging } = options;
  return { ...paging, ...(fields && fields.length > 0 ? { fields: fields.join(',') } : {}) };
}
