import type { TimeseriesPoint } from '@bbk/sdk';
import { parseIsoDate } from './iso-date.js';

/** A point as a handler may return it: `from`/`to` as ISO strings or Dates, in any order. */
export interface PointInput<V = unknown> {
  from: string | Date;
  to?: string | Date;
  value: V;
}

/** The window of a timeseries call, as epoch milliseconds; `limit` caps the count. */
export interface PointWindow {
  start?: number;
  end?: number;
  limit: number;
}

/**
 * What the webhook answers for a timeseries call: points with `start ≤ from < end`, newest first,
 * at most `limit` of them, `from`/`to` as full UTC ISO strings. Points with equal `from` keep the
 * handler's order. Throws a TypeError naming the first point whose `from` or `to` is not a date.
 * @example shapePoints([{ from: '1960', value: 1 }, { from: '1961', value: 2 }], { limit: 1 }) // [{ from: '1961-01-01T00:00:00.000Z', value: 2 }]
 */
export function shapePoints<V>(points: Iterable<PointInput<V>>, window: PointWindow): TimeseriesPoint<V>[] {
  const timed: { at: number; point: TimeseriesPoint<V> }[] = [];
  let index = 0;
  for (const point of points) {
    const at = instant(point.from, `point ${index}.from`);
    index++;
    if ((window.start !== undefined && at < window.start) || (window.end !== undefined && at >= window.end)) continue;
    const shaped: TimeseriesPoint<V> = { from: new Date(at).toISOString(), value: point.value };
    if (point.to !== undefined) shaped.to = new Date(instant(point.to, `point ${index - 1}.to`)).toISOString();
    timed.push({ at, point: shaped });
  }
  // Array.prototype.sort is stable, so equal instants keep the handler's order.
  timed.sort((a, b) => b.at - a.at);
  return timed.slice(0, window.limit).map(({ point }) => point);
}

function instant(value: unknown, what: string): number {
  const at =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'string'
        ? (parseIsoDate(value) ?? Date.parse(value))
        : Number.NaN;
  if (Number.isNaN(at)) throw new TypeError(`bbk webhook: ${what} is not a date: ${JSON.stringify(value)}`);
  return at;
}
