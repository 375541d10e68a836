import { BbkApiError } from './errors.js';
import type { TimeseriesPoint } from './protocol/types.js';

/** `limit`/`offset` of the paged consumer lists (spec §4.1). */
export interface Paging {
  /** 1–250, server default 250. */
  limit?: number;
  /** ≥ 0, default 0. */
  offset?: number;
}

/** A page of a record list, and the stored fields each item should carry (bbk extension). */
export interface ListOptions extends Paging {
  /** Dotted paths, `entity` or `instance` or under them (at most 16), e.g. `['entity.location']`: items carry `fields`. */
  fields?: readonly string[];
}

/** The largest page of the consumer lists. */
export const MAX_PAGE_SIZE = 250;

/**
 * How the paging iterators wait out `429 Too Many Requests` (a policy's rate limit) and go on. A page that gets
 * a 429 is asked again after the answer's `Retry-After` (seconds; `defaultWaitMs` when absent), at most
 * `maxRetries` times in a row, and only while the waits of the whole iteration stay within `maxWaitMs`;
 * otherwise the 429 is thrown (the items already yielded stay yielded). A quota (per day or month) answers with
 * a `Retry-After` beyond the budget and so fails at once.
 */
export interface RetryOptions {
  /** Retries of one page after a 429; default 5, 0 = never retry. */
  maxRetries?: number;
  /** Total waiting allowed over one iteration, in ms; default 60 000. */
  maxWaitMs?: number;
  /** Wait when a 429 carries no `Retry-After`, in ms; default 1000. */
  defaultWaitMs?: number;
  /** Called before each wait, e.g. to tell the user. */
  onRetry?: (info: { attempt: number; waitMs: number; error: BbkApiError }) => void;
  /** Ends a wait early, throwing the signal's reason. */
  signal?: AbortSignal;
}

/** Default bounds of the 429 retries. */
export const DEFAULT_RETRY = { maxRetries: 5, maxWaitMs: 60_000, defaultWaitMs: 1_000 } as const;

/**
 * Wraps a page fetcher so that it waits out 429s within the bounds of `retry` (`false`: no retries).
 * The wait budget (`maxWaitMs`) is shared by every call of the returned function.
 * @example const fetch = retrying((limit, offset) => consumer.catalog(q, { limit, offset }), { maxRetries: 3 });
 */
export function retrying<A extends unknown[], R>(
  fetch: (...args: A) => Promise<R>,
  retry: RetryOptions | false = {},
): (...args: A) => Promise<R> {
  if (retry === false) return fetch;
  const maxRetries = retry.maxRetries ?? DEFAULT_RETRY.maxRetries;
  const defaultWaitMs = retry.defaultWaitMs ?? DEFAULT_RETRY.defaultWaitMs;
  let budgetMs = retry.maxWaitMs ?? DEFAULT_RETRY.maxWaitMs;
  return async (...args: A): Promise<R> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetch(...args);
      } catch (error) {
        if (!(error instanceof BbkApiError) || !error.isRateLimited() || attempt > maxRetries) throw error;
        const after = error.retryAfterSeconds;
        const waitMs = after === undefined ? defaultWaitMs : Math.max(0, after * 1000);
        if (waitMs > budgetMs) throw error;
        budgetMs -= waitMs;
        retry.onRetry?.({ attempt, waitMs, error });
        await sleep(waitMs, retry.signal);
      }
    }
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Yields the pages of an offset-paged list as they arrive: `pageSize` items at a time until a short page,
 * waiting out 429s (see RetryOptions). Pages follow catalog insertion order, so records added meanwhile appear
 * at the end.
 * @example for await (const page of offsetPageList((limit, offset) => consumer.catalog(q, { limit, offset }))) …
 */
export async function* offsetPageList<T>(
  fetchPage: (limit: number, offset: number) => Promise<T[]>,
  pageSize: number = MAX_PAGE_SIZE,
  retry: RetryOptions | false = {},
): AsyncGenerator<T[]> {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`bbk: pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
  const fetch = retrying(fetchPage, retry);
  for (let offset = 0; ; offset += pageSize) {
    const page = await fetch(pageSize, offset);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
  }
}

/**
 * Yields every item of an offset-paged list (the items of `offsetPageList`).
 * @example for await (const item of offsetPages((limit, offset) => consumer.catalog(q, { limit, offset }))) …
 */
export async function* offsetPages<T>(
  fetchPage: (limit: number, offset: number) => Promise<T[]>,
  pageSize: number = MAX_PAGE_SIZE,
  retry: RetryOptions | false = {},
): AsyncGenerator<T> {
  for await (const page of offsetPageList(fetchPage, pageSize, retry)) yield* page;
}

/** Parameters of one timeseries request (spec §4.6). Dates are sent as ISO strings. */
export interface TimeseriesOptions {
  /** Inclusive lower bound. Needed by `end` and `duration`. */
  start?: string | Date;
  /** Exclusive upper bound, after `start`; not with `duration`. */
  end?: string | Date;
  /** Seconds after `start` (integer ≥ 1); not with `end`. */
  duration?: number;
  /** 1–500, default 500. */
  limit?: number;
}

/** The largest timeseries page. */
export const MAX_TIMESERIES_PAGE = 500;

/**
 * Lower bound used for follow-up pages when the caller gave no `start`
 * (the API only accepts `end` together with `start`).
 */
export const TIMESERIES_FLOOR = '0001-01-01T00:00:00.000Z';

/**
 * Yields the pages of a timeseries as they arrive, newest first, waiting out 429s (`retry`, see RetryOptions).
 *
 * Points come newest first, `start` inclusive and `end` exclusive. After a full page, the next
 * request keeps `start` (or TIMESERIES_FLOOR) and moves `end` to the oldest `from` seen, so
 * nothing is fetched twice. Caveat: if a page boundary falls among several points sharing that
 * oldest `from`, the ones not yet returned are skipped. Stops on a short page, when the cursor
 * reaches `start`, or when the webhook ignores `end` (the cursor does not move back; repeated points are dropped).
 * @example for await (const page of timeseriesPageList((params) => consumer.timeseries('country', id, 'population', params), {})) …
 */
export async function* timeseriesPageList<V>(
  fetchPage: (params: TimeseriesOptions & { limit: number }) => Promise<TimeseriesPoint<V>[]>,
  params: Omit<TimeseriesOptions, 'limit'> & { pageSize?: number; retry?: RetryOptions | false },
): AsyncGenerator<TimeseriesPoint<V>[]> {
  const { pageSize = MAX_TIMESERIES_PAGE, retry = {}, ...first } = params;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_TIMESERIES_PAGE) {
    throw new RangeError(`bbk: pageSize must be an integer from 1 to ${MAX_TIMESERIES_PAGE}, got ${pageSize}`);
  }
  const fetch = retrying(fetchPage, retry);
  const start = first.start === undefined ? undefined : toIso(first.start);
  const startMs = start === undefined ? Number.NEGATIVE_INFINITY : Date.parse(start);
  let cursorMs = first.end === undefined ? Number.POSITIVE_INFINITY : Date.parse(toIso(first.end));
  let page = await fetch({ ...first, limit: pageSize });
  if (page.length > 0) yield page;
  for (;;) {
    if (page.length < pageSize) return;
    const oldest = Math.min(...page.map((point) => Date.parse(point.from)));
    if (Number.isNaN(oldest) || !(oldest < cursorMs) || oldest <= startMs) return;
    cursorMs = oldest;
    page = await fetch({ start: start ?? TIMESERIES_FLOOR, end: new Date(oldest).toISOString(), limit: pageSize });
    // Points at or after the cursor break the `end` contract (already seen): drop them.
    const fresh = page.filter((point) => !(Date.parse(point.from) >= cursorMs));
    if (fresh.length > 0) yield fresh;
  }
}

/**
 * Yields every point of a timeseries, newest first, across pages (the points of `timeseriesPageList`).
 * @example for await (const p of timeseriesPages((params) => consumer.timeseries('country', id, 'population', params), {})) …
 */
export async function* timeseriesPages<V>(
  fetchPage: (params: TimeseriesOptions & { limit: number }) => Promise<TimeseriesPoint<V>[]>,
  params: Omit<TimeseriesOptions, 'limit'> & { pageSize?: number; retry?: RetryOptions | false },
): AsyncGenerator<TimeseriesPoint<V>> {
  for await (const page of timeseriesPageList(fetchPage, params)) yield* page;
}

/**
 * A Date as a full ISO-8601 UTC string; strings are passed through unchanged.
 * @example toIso(new Date(0)) // '1970-01-01T00:00:00.000Z'
 */
export function toIso(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString();
}
