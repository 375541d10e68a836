import { describe, expect, it } from 'vitest';
import { shapePoints } from './points.js';

const years = [1990, 2005, 1960, 2019, 2000].map((year, i) => ({ from: `${year}`, value: i }));

describe('shapePoints', () => {
  it('orders newest first and normalises dates to full UTC ISO', () => {
    expect(shapePoints(years, { limit: 500 }).map((p) => p.from)).toEqual([
      '2019-01-01T00:00:00.000Z',
      '2005-01-01T00:00:00.000Z',
      '2000-01-01T00:00:00.000Z',
      '1990-01-01T00:00:00.000Z',
      '1960-01-01T00:00:00.000Z',
    ]);
  });

  it('keeps start inclusive and end exclusive, then applies the limit to the newest', () => {
    const window = { start: Date.UTC(1990, 0, 1), end: Date.UTC(2019, 0, 1) };
    expect(shapePoints(years, { ...window, limit: 500 }).map((p) => p.value)).toEqual([1, 4, 0]);
    expect(shapePoints(years, { ...window, limit: 2 }).map((p) => p.value)).toEqual([1, 4]);
  });

  it('accepts Dates and `to`, and keeps the handler order among equal instants', () => {
    const at = new Date(Date.UTC(2020, 5, 1));
    expect(
      shapePoints(
        [
          { from: at, to: '2020-06-02', value: 'a' },
          { from: '2020-06-01T00:00:00Z', value: 'b' },
        ],
        { limit: 10 },
      ),
    ).toEqual([
      { from: '2020-06-01T00:00:00.000Z', to: '2020-06-02T00:00:00.000Z', value: 'a' },
      { from: '2020-06-01T00:00:00.000Z', value: 'b' },
    ]);
  });

  it('names a point whose date is unusable', () => {
    expect(() =>
      shapePoints(
        [
          { from: '2020', value: 1 },
          { from: 'soon', value: 2 },
        ],
        { limit: 5 },
      ),
    ).toThrow(/point 1\.from/);
    expect(() => shapePoints([{ from: 1960 as unknown as string, value: 1 }], { limit: 5 })).toThrow(/point 0\.from/);
  });
});
