import { describe, expect, it } from 'vitest';
import { fitColumns, textWidth } from './fit.js';

describe('fitColumns', () => {
  it('keeps natural widths when they fit', () => {
    expect(fitColumns([2, 10, 20], 40, 2)).toEqual([2, 10, 20]);
  });

  it('cuts the widest columns first and uses all the room', () => {
    const widths = fitColumns([2, 30, 50], 40, 1);
    expect(widths[0]).toBe(2);
    expect(widths.reduce((a, b) => a + b, 0) + 2).toBe(40);
    expect(Math.abs((widths[1] ?? 0) - (widths[2] ?? 0))).toBeLessThanOrEqual(1);
  });

  it('never goes below the minimum', () => {
    expect(fitColumns([20, 20, 20], 10, 1, 6)).toEqual([6, 6, 6]);
  });

  it('keeps narrow columns narrower than the minimum as they are', () => {
    expect(fitColumns([1, 100], 20, 1, 6)).toEqual([1, 18]);
  });
});

describe('fitColumns with kept columns', () => {
  it('never cuts a kept column; the others share the rest', () => {
    const widths = fitColumns([40, 30, 50], 80, 2, 6, [true]);
    expect(widths[0]).toBe(40);
    expect(widths.reduce((a, b) => a + b, 0) + 4).toBe(80);
  });

  it('keeps ids whole even when the table must overflow', () => {
    expect(fitColumns([40, 30], 30, 2, 6, [true])).toEqual([40, 6]);
  });
});

describe('textWidth', () => {
  it('counts wide characters twice', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('Côte d’Ivoire')).toBe(13);
  });
});
