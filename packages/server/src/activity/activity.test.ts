import { describe, expect, it } from 'vitest';
import type { BBox } from '../geo/index.js';
import { validateQuery } from '../query/index.js';
import { adjacent, Enumeration, largestTiling } from './detectors/index.js';
import { Buckets } from './detectors/per-access.js';
import type { ActivityEvent } from './events.js';
import { queryFeatures } from './query-features.js';
import { UsageMeter } from './usage-meter.js';

describe('geo tiling geometry', () => {
  it('edge-sharing tiles are adjacent; overlapping (panned) and distant windows are not', () => {
    expect(adjacent([0, 0, 1, 1], [1, 0, 2, 1])).toBe(true);
    expect(adjacent([0, 0, 1, 1], [1, 1, 2, 2])).toBe(true); // corner
    expect(adjacent([0, 0, 1, 1], [0.3, 0, 1.3, 1])).toBe(false); // 70% overlap
    expect(adjacent([0, 0, 1, 1], [5, 5, 6, 6])).toBe(false);
  });

  it('finds the largest connected grid', () => {
    const grid: BBox[] = [];
    for (let x = 0; x < 4; x++) grid.push([x, 0, x + 1, 1]);
    expect(largestTiling([...grid, [50, 50, 51, 51], [52, 50, 53, 51]])).toHaveLength(4);
  });
});

describe('Buckets', () => {
  it('sums one-second buckets inside the window only', () => {
    const b = new Buckets<'n'>(10_000);
    b.add(0, 'n');
    b.add(500, 'n', 2);
    b.add(9_000, 'n', 4);
    expect(b.sum(9_500).n).toBe(7);
    expect(b.sum(10_500).n).toBe(4);
  });

  it('stays bounded by its window when it is counted into and never summed', () => {
    const b = new Buckets<'n'>(10_000);
    for (let ms = 0; ms < 3_600_000; ms += 250) b.add(ms, 'n');
    expect(b.size).toBeLessThanOrEqual(11);
    expect(b.sum(3_600_000).n).toBe(36);
  });
});

describe('queryFeatures', () => {
  it('finds masked paths anywhere in the query and bounded geo windows', () => {
    const v = validateQuery(
      JSON.stringify({
        $or: [{ 'entity.secret.x': 1 }, { name: 'a' }],
        'entity.where': {
          $within: {
            $geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [2, 0],
                  [2, 1],
                  [0, 0],
                ],
              ],
            },
          },
        },
        'entity.other': { $near: { $geometry: { type: 'Point', coordinates: [0, 0] }, $min: 5 } },
      }),
    );
    if (!v.ok) throw new Error(v.reason);
    const f = queryFeatures(v.query, [{ type: 'thing', path: ['entity', 'secret'] }]);
    expect(f.maskedPaths).toEqual(['entity.secret.x']);
    expect(f.geoWindows).toEqual([[0, 0, 2, 1]]); // the $near without $max is no window
  });
});

describe('UsageMeter', () => {
  it('adds per access and UTC day, and gives back a batch whose write failed', () => {
    const m = new UsageMeter();
    const at = Date.UTC(2024, 0, 1, 23, 59, 59);
    m.add({ accessId: 1, at, route: 'entity', status: 200, records: 1, limitedBy: null });
    m.add({ accessId: 1, at: at + 2000, route: 'catalog', status: 429, records: 0, limitedBy: 'quota' });
    const batch = m.take();
    expect(batch.map((d) => [d.day, d.calls, d.records, d.quota_limited])).toEqual([
      ['2024-01-01', 1, 1, 0],
      ['2024-01-02', 1, 0, 1],
    ]);
    expect(m.size).toBe(0);
    m.add({ accessId: 1, at, route: 'entities', status: 200, records: 5, limitedBy: null });
    m.restore(batch);
    expect(m.take().find((d) => d.day === '2024-01-01')).toMatchObject({ calls: 2, records: 6 });
  });
});

describe('Enumeration', () => {
  const detail = (id: string, status: number, at: number): ActivityEvent => ({
    accessId: 1,
    at,
    route: 'entity',
    status,
    records: status === 200 ? 1 : 0,
    limitedBy: null,
    id,
  });

  it('counts a missing id once whatever its case, and raises at the threshold of distinct ones', () => {
    const d = new Enumeration({ count: 3, windowSeconds: 60 });
    expect(d.observe(detail('ZZ', 404, 1_000))).toBeNull();
    expect(d.observe(detail('zz', 404, 2_000))).toBeNull(); // the same id
    expect(d.observe(detail('Zz', 404, 3_000))).toBeNull();
    expect(d.observe(detail('GB', 200, 3_500))).toBeNull();
    expect(d.observe(detail('yy', 404, 4_000))).toBeNull();
    const finding = d.observe(detail('XX', 404, 5_000));
    expect(finding?.evidence).toMatchObject({
      distinct_missing_ids: 3,
      found: 1,
      missing: 5,
      examples: ['zz', 'yy', 'xx'],
    });
    expect(finding?.severity).toBe('medium');
  });
});
