import type { TimeseriesPoint } from './protocol/types.js';

/** `limit`/`offset` of the paged consumer lists (spec §4.1). */
export interface Paging {
  /** 1–250, server default 250. */
  limit?: number;
  /** ≥ 0, default 0. */
  offset?: number;
}

/** The largest page of the consumer lists. */
export const MAX_PAGE_SIZE = 250;

/**
 * Yields every item of an offset-paged list: fetches `pageSize` items at a time until a short page.
 * Pages follow catalog insertion order, so records added meanwhile appear at the end.
 * @example for await (const item of offsetPages((limit, offset) => consumer.catalog(q, { limit, offset }))) …
 */
export async function* offsetPages<T>(
  fetchPage: (limit: number, offset: number) => Promise<T[]>,
  pageSize: number = MAX_PAGE_SIZE,
): AsyncGenerator<T> {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`bbk: pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
  for (let offset = 0; ; offset += pageSize) {
    const page = await fetchPage(pageSize, offset);
    yield* page;
    if (page.length < pageSize) return;
  }
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
 * Yields every point of a timeseries, newest first, across pages.
 *
 * Points come newest first, `start` inclusive and `end` exclusive. After a full page, the next
 * request keeps `start` (or TIMESERIES_FLOOR) and moves `end` to the oldest `from` seen, so
 * nothing is fetched twice. Caveat: if a page boundary falls among several points sharing that
 * oldest `from`, the ones not yet returned are skipped. Stops on a short page, when the cursor
 * reaches `start`, or when the webhook ignores `end` (the cursor does not move back; repeated points are dropped).
 * @example for await (const p of timeseriesPages((params) => consumer.timeseries('country', id, 'population', params), {})) …
 */
export async function* timeseriesPages<V>(
  fetchPage: (params: TimeseriesOptions & { limit: number }) => Promise<TimeseriesPoint<V>[]>,
  params: Omit<TimeseriesOptions, 'limit'> & { pageSize?: number },
): AsyncGenerator<TimeseriesPoint<V>> {
  const { pageSize = MAX_TIMESERIES_PAGE, ...first } = params;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_TIMESERIES_PAGE) {
    throw new RangeError(`bbk: pageSize must be an integer from 1 to ${MAX_TIMESERIES_PAGE}, got ${pageSize}`);
  }
  const start = first.start === undefined ? undefined : toIso(first.start);
  const startMs = start === undefined ? Number.NEGATIVE_INFINITY : Date.parse(start);
  let cursorMs = first.end === undefined ? Number.POSITIVE_INFINITY : Date.parse(toIso(first.end));
  let page = await fetchPage({ ...first, limit: pageSize });
  yield* page;
  for (;;) {
    if (page.length < pageSize) return;
    const oldest = Math.min(...page.map((point) => Date.parse(point.from)));
    if (Number.isNaN(oldest) || !(oldest < cursorMs) || oldest <= startMs) return;
    cursorMs = oldest;
    page = await fetchPage({ start: start ?? TIMESERIES_FLOOR, end: new Date(oldest).toISOString(), limit: pageSize });
    // Points at or after the cursor break the `end` contract (already seen): drop them.
    yield* page.filter((point) => !(Date.parse(point.from) >= cursorMs));
  }
}

/**
 * A Date as a full ISO-8601 UTC string; strings are passed through unchanged.
 * @example toIso(new Date(0)) // '1970-01-01T00:00:00.000Z'
 */
export function toIso(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString();
}
