/**
 * Timeseries query parameters (spec §4.6): `start`, `end` (iso-dates), `duration` (seconds ≥ 1),
 * `limit` (1–500, default 500), and the `paging` combination rules.
 */
import {
  TIMESERIES_DEFAULTS,
  timeseriesParamSchemas,
  VALIDATION_REASONS,
  type ValidationItem,
} from '@bbk/sdk/protocol';
import { createValidator, type Validate } from './create-validator.js';
import { parseIsoDate } from './formats.js';
import { integerItems, parsePagingParam } from './number-param.js';

/** The validated window to ask a webhook for. */
export interface TimeseriesWindow {
  /** inclusive */
  start?: Date;
  /** exclusive; `start + duration` when a duration was given */
  end?: Date;
  /** seconds, when given */
  duration?: number;
  limit: number;
}

/** Raw query parameters. */
export interface TimeseriesQuery {
  start?: unknown;
  end?: unknown;
  duration?: unknown;
  limit?: unknown;
}

/**
 * The last instant an ISO-8601 date with a four-digit year can name. A `start + duration` beyond
 * it (`duration=1e16`) means "everything from start on" and is forwarded as this end.
 */
export const LAST_ISO_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

let dateChecks: { start: Validate; end: Validate } | undefined;

const present = (raw: unknown): boolean => raw !== undefined && raw !== null && raw !== '';

/**
 * Reads and checks the timeseries parameters: schema errors first (in parameter order), then the
 * real-date checks, then the `paging` combination reasons.
 * @example validateTimeseriesParams({ end: '1980', duration: '86400' }).items.map((i) => i.reason)
 * // ['You cannot specify an end without a start', 'You cannot specify a duration without a start',
 * //  'You cannot specify both an end and a duration']
 */
export function validateTimeseriesParams(query: TimeseriesQuery): { value: TimeseriesWindow; items: ValidationItem[] } {
  dateChecks ??= {
    start: createValidator(timeseriesParamSchemas.start, { root: 'start' }),
    end: createValidator(timeseriesParamSchemas.end, { root: 'end' }),
  };
  const hasStart = present(query.start);
  const hasEnd = present(query.end);
  const duration = parsePagingParam(query.duration);
  const limit = parsePagingParam(query.limit) ?? TIMESERIES_DEFAULTS.limit;

  const items: ValidationItem[] = [
    ...(hasStart ? dateChecks.start(query.start) : []),
    ...(hasEnd ? dateChecks.end(query.end) : []),
    ...(duration === undefined ? [] : integerItems('duration', duration, timeseriesParamSchemas.duration)),
    ...integerItems('limit', limit, timeseriesParamSchemas.limit),
  ];

  const start = hasStart && typeof query.start === 'string' ? parseIsoDate(query.start) : null;
  const end = hasEnd && typeof query.end === 'string' ? parseIsoDate(query.end) : null;
  if (hasStart && !start) items.push({ name: 'start', index: null, reason: VALIDATION_REASONS.invalidDate });
  if (hasEnd && !end) items.push({ name: 'end', index: null, reason: VALIDATION_REASONS.invalidDate });
  const paging = (reason: string) => items.push({ name: 'paging', index: null, reason });
  if (hasEnd && !hasStart) paging(VALIDATION_REASONS.endWithoutStart);
  if (duration !== undefined && !hasStart) paging(VALIDATION_REASONS.durationWithoutStart);
  if (hasEnd && duration !== undefined) paging(VALIDATION_REASONS.endAndDuration);
  if (start && end && end.getTime() <= start.getTime()) paging(VALIDATION_REASONS.endNotAfterStart);

  const value: TimeseriesWindow = { limit };
  if (start) value.start = start;
  if (end) value.end = end;
  if (duration !== undefined) {
    value.duration = duration;
    if (start) value.end = new Date(Math.min(start.getTime() + duration * 1000, LAST_ISO_INSTANT));
  }
  return { value, items };
}
