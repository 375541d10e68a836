import { describe, expect, it } from 'vitest';
import { ActivityAggregator, type ActivityMinute } from './activity.js';

function aggregator(start: string) {
  let now = Date.parse(start);
  const flushed: ActivityMinute[][] = [];
  const a = new ActivityAggregator({
    now: () => now,
    flush: async (m) => {
      flushed.push(m);
    },
    checkEveryMs: 0,
  });
  return { a, flushed, advance: (ms: number) => (now += ms) };
}

describe('ActivityAggregator', () => {
  it('sums calls, records and 429s per key and hands the minute over when it is over', async () => {
    const { a, flushed, advance } = aggregator('2030-01-01T10:00:30.000Z');
    a.count('access:1', { records: 5, limited: false });
    a.count('access:1', { records: 0, limited: true });
    a.count('access:2', { records: 1, limited: false });
    advance(20_000);
    a.count('access:1', { records: 2, limited: false });
    await Promise.resolve();
    expect(flushed).toEqual([]);
    advance(10_000); // 10:01:00
    a.count('access:2', { records: 3, limited: false });
    await a.close();
    expect(flushed).toEqual([
      [
        { key: 'access:1', minute: '2030-01-01T10:00:00.000Z', calls: 3, records: 7, limited: 1 },
        { key: 'access:2', minute: '2030-01-01T10:00:00.000Z', calls: 1, records: 1, limited: 0 },
      ],
      [{ key: 'access:2', minute: '2030-01-01T10:01:00.000Z', calls: 1, records: 3, limited: 0 }],
    ]);
  });

  it('writes nothing for a minute without calls, and nothing at close when idle', async () => {
    const { a, flushed, advance } = aggregator('2030-01-01T10:00:00.000Z');
    advance(180_000);
    a.count('policy:open', { records: 0, limited: false });
    advance(60_000);
    await a.close();
    expect(flushed).toEqual([
      [{ key: 'policy:open', minute: '2030-01-01T10:03:00.000Z', calls: 1, records: 0, limited: 0 }],
    ]);
    const idle = aggregator('2030-01-01T10:00:00.000Z');
    await idle.a.close();
    expect(idle.flushed).toEqual([]);
  });

  it('reports a failed flush and goes on counting', async () => {
    const errors: unknown[] = [];
    let now = 0;
    const a = new ActivityAggregator({
      now: () => now,
      flush: async () => {
        throw new Error('disk full');
      },
      onError: (e) => errors.push(e),
      checkEveryMs: 0,
    });
    a.count('k', { records: 1, limited: false });
    now = 60_000;
    a.count('k', { records: 1, limited: false });
    await a.close();
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk full', 'disk full']);
  });
});
