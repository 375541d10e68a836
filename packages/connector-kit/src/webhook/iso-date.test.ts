import { describe, expect, it } from 'vitest';
import { parseIsoDate } from './iso-date.js';

describe('parseIsoDate', () => {
  it('reads every iso-date form of the spec, zone-less as UTC', () => {
    expect(parseIsoDate('2020-01-01T00:00:00.000Z')).toBe(Date.UTC(2020, 0, 1));
    expect(parseIsoDate('1960')).toBe(Date.UTC(1960, 0, 1));
    expect(parseIsoDate('1960-07')).toBe(Date.UTC(1960, 6, 1));
    expect(parseIsoDate('2020-02-29T10:20')).toBe(Date.UTC(2020, 1, 29, 10, 20));
    expect(parseIsoDate('2020-02-29T10:20:30.5+02:00')).toBe(Date.UTC(2020, 1, 29, 8, 20, 30, 500));
    expect(parseIsoDate('0001-01-01T00:00:00.000Z')).toBe(new Date('0001-01-01T00:00:00.000Z').getTime());
  });

  it('refuses other text and dates that do not exist', () => {
    for (const text of [
      'foo',
      '',
      '1970-13-01',
      '2021-02-29',
      '2021-04-31',
      '2020-01-01T24:00',
      '2020-01-01T10:61',
      '2020-01-01 10:00',
      '2020-01-01T10:00+25:00',
    ]) {
      expect(parseIsoDate(text), text).toBeUndefined();
    }
  });
});
