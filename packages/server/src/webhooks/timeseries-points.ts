/**
 * What the consumer gets from a timeseries webhook reply (spec §4.6, §9):
 * the points newest first by `from` (points without a readable `from` keep
 * their order after the dated ones), at most `limit` of them.
 * @example newestFirst([{ from: '2000' , value: 1 }, { from: '2001', value: 2 }], 1) // [{ from: '2001', value: 2 }]
 */
export function newestFirst(points: readonly unknown[], limit: number): unknown[] {
  const keyed = points.map((p, i) => {
    const from = typeof p === 'object' && p !== null ? (p as { from?: unknown }).from : undefined;
    const t = typeof from === 'string' ? Date.parse(from) : Number.NaN;
    return { p, i, t: Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t };
  });
  keyed.sort((a, b) => (b.t === a.t ? a.i - b.i : b.t > a.t ? 1 : -1));
  return keyed.slice(0, limit).map((k) => k.p);
}
