import { valueRules } from '@bbk/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { LAST_ISO_INSTANT, validateTimeseriesParams } from './timeseries-params.js';

const item = (name: string, reason: string) => ({ name, index: null, reason });
const INVALID_DATE = 'is not valid ISO-8601 date format';
const PATTERN = `does not match pattern ${JSON.stringify(valueRules.isoDate.pattern)}`;

describe('timeseries parameters (§4.6)', () => {
  it('defaults: limit 500, nothing else', () => {
    expect(validateTimeseriesParams({})).toEqual({ value: { limit: 500 }, items: [] });
  });

  it('start=foo gives the pattern error and the date error', () => {
    expect(validateTimeseriesParams({ start: 'foo' }).items).toEqual([
      item('start', PATTERN),
      item('start', INVALID_DATE),
    ]);
  });

  it('start=1970-13-01 gives only the date error', () => {
    expect(validateTimeseriesParams({ start: '1970-13-01' }).items).toEqual([item('start', INVALID_DATE)]);
  });

  it('end=1980&duration=86400 gives the three paging reasons that apply', () => {
    expect(validateTimeseriesParams({ end: '1980', duration: '86400' }).items).toEqual([
      item('paging', 'You cannot specify an end without a start'),
      item('paging', 'You cannot specify a duration without a start'),
      item('paging', 'You cannot specify both an end and a duration'),
    ]);
  });

  it('end at or before start', () => {
    expect(validateTimeseriesParams({ start: '1980-01-02', end: '1980-01-02' }).items).toEqual([
      item('paging', 'You cannot specify an end which is at or before the start'),
    ]);
    expect(validateTimeseriesParams({ start: '1980-01-02', end: '1980-01-01' }).items).toHaveLength(1);
  });

  it('duration and limit are integers read like paging values', () => {
    expect(validateTimeseriesParams({ start: '1980', duration: '0.5', limit: '501' }).items).toEqual([
      item('duration', 'is not of a type(s) integer'),
      item('duration', 'must be greater than or equal to 1'),
      item('limit', 'must be less than or equal to 500'),
    ]);
    expect(validateTimeseriesParams({ limit: '0' }).items).toEqual([
      item('limit', 'must be greater than or equal to 1'),
    ]);
  });

  it('schema errors come first, then date checks, then paging', () => {
    expect(validateTimeseriesParams({ end: 'x', duration: 'y' }).items).toEqual([
      item('end', PATTERN),
      item('duration', 'is not of a type(s) integer'),
      item('end', INVALID_DATE),
      item('paging', 'You cannot specify an end without a start'),
      item('paging', 'You cannot specify a duration without a start'),
      item('paging', 'You cannot specify both an end and a duration'),
    ]);
  });

  it('a valid window: start + duration gives the end', () => {
    const { value, items } = validateTimeseriesParams({
      start: '1980-01-01T00:00:00Z',
      duration: '86400',
      limit: '10',
    });
    expect(items).toEqual([]);
    expect(value.start?.toISOString()).toBe('1980-01-01T00:00:00.000Z');
    expect(value.end?.toISOString()).toBe('1980-01-02T00:00:00.000Z');
    expect(value.duration).toBe(86400);
    expect(value.limit).toBe(10);
  });

  it('a repeated parameter is not a string', () => {
    expect(validateTimeseriesParams({ start: ['1980', '1981'] }).items).toEqual([
      item('start', 'is not of a type(s) string'),
      item('start', INVALID_DATE),
    ]);
  });
});

describe('a duration past the calendar', () => {
  it('ends the window at the last ISO-8601 instant instead of an invalid date', () => {
    for (const duration of ['1e16', '1e308', '9223372036854775807']) {
      const { value, items } = validateTimeseriesParams({ start: '2020-01-01T00:00:00Z', duration });
      expect(items).toEqual([]);
      expect(value.end?.toISOString()).toBe('9999-12-31T23:59:59.999Z');
      expect(value.end?.getTime()).toBe(LAST_ISO_INSTANT);
    }
  });
});
