import { MAX_TIMESERIES_PAGE, type ValidationItem } from '@bbk/sdk';
import { parseIsoDate } from './iso-date.js';

/** The parameters of a timeseries call, parsed (spec §5). */
export interface TimeseriesQuery {
  /** Inclusive lower bound. */
  start?: Date;
  /** Exclusive upper bound; after `start`. */
  end?: Date;
  /** Maximum number of points; takes priority over the range. 1–500, default 500. */
  limit: number;
}

/**
 * Reads `start`, `end` and `limit` from a timeseries call's query string; other parameters are ignored.
 * Errors use the spec's validation items (§1.8) so a connector answers like bbk does.
 * @example parseTimeseriesQuery(new URLSearchParams('start=2000-01-01&limit=5')) // { ok: true, query: { start: Date, limit: 5 } }
 */
export function parseTimeseriesQuery(
  search: URLSearchParams,
): { ok: true; query: TimeseriesQuery } | { ok: false; items: ValidationItem[] } {
  const items: ValidationItem[] = [];
  const date = (name: 'start' | 'end'): Date | undefined => {
    const text = search.get(name);
    if (text === null) return undefined;
    const at = parseIsoDate(text);
    if (at === undefined) items.push({ name, index: null, reason: 'is not valid ISO-8601 date format' });
    return at === undefined ? undefined : new Date(at);
  };
  const start = date('start');
  const end = date('end');
  if (start && end && end.getTime() <= start.getTime()) {
    items.push({ name: 'paging', index: null, reason: 'You cannot specify an end which is at or before the start' });
  }
  let limit: number = MAX_TIMESERIES_PAGE;
  const rawLimit = search.get('limit');
  if (rawLimit !== null) {
    limit = /^\d{1,9}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (Number.isNaN(limit)) items.push({ name: 'limit', index: null, reason: 'is not of a type(s) integer' });
    else if (limit < 1) items.push({ name: 'limit', index: null, reason: 'must be greater than or equal to 1' });
    else if (limit > MAX_TIMESERIES_PAGE) {
      items.push({ name: 'limit', index: null, reason: `must be less than or equal to ${MAX_TIMESERIES_PAGE}` });
    }
  }
  if (items.length > 0) return { ok: false, items };
  return { ok: true, query: { ...(start ? { start } : {}), ...(end ? { end } : {}), limit } };
}
