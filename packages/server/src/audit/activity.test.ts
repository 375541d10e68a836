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
    a.count(1, 5, false);
    a.count(1, 0, true);
    a.count(2, 1, false);
    advance(20_000);
    a.count(1, 2, false);
    await Promise.resolve();
    expect(flushed).toEqual([]);
    advance(10_000); // 10:01:00
    a.count(2, 3, false);
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
    a.count('policy:open', 0, false);
    advance(60_000);
    await a.close();
    expect(flushed).toEqual([
      [{ key: 'policy:open', minute: '2030-01-01T10:03:00.000Z', calls: 1, records: 0, limited: 0 }],
    ]);
    const idle = aggregator('2030-01-01T10:00:00.000Z');
    await idle.a.close();
    expect(idle.flushed).toEqual([]);
  });

  it('counts a call in the minute of the clock read its caller passes', async () => {
    const { a, flushed } = aggregator('2030-01-01T10:00:30.000Z');
    a.count(4, 1, false, Date.parse('2030-01-01T10:00:59.999Z'));
    a.count(4, 2, true, Date.parse('2030-01-01T10:01:00.000Z'));
    await a.close();
    expect(flushed).toEqual([
      [{ key: 'access:4', minute: '2030-01-01T10:00:00.000Z', calls: 1, records: 1, limited: 0 }],
      [{ key: 'access:4', minute: '2030-01-01T10:01:00.000Z', calls: 1, records: 2, limited: 1 }],
    ]);
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
    a.count('k', 1, false);
    now = 60_000;
    a.count('k', 1, false);
    await a.close();
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk full', 'disk full']);
  });
});
