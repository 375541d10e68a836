import { describe, expect, it } from 'vitest';
import { Limits } from './limits.js';
import { QuotaCounter, quotaWindow, type UsageDelta, type UsageStore, windowEnd } from './quota-counter.js';
import { RateLimiter } from './rate-limiter.js';

/** An in-memory usage table that records every write. */
function memoryUsage(initial: Record<string, number> = {}) {
  const rows = new Map<string, number>(Object.entries(initial));
  const writes: UsageDelta[][] = [];
  const store: UsageStore = {
    async usage(key, window) {
      return rows.get(`${key}|${window}`) ?? 0;
    },
    async addUsage(deltas) {
      writes.push([...deltas]);
      for (const d of deltas) rows.set(`${d.key}|${d.window}`, (rows.get(`${d.key}|${d.window}`) ?? 0) + d.delta);
    },
  };
  return { store, rows, writes };
}

const T0 = Date.UTC(2024, 1, 29, 23, 59, 58, 500); // leap day, 1.5 s before midnight UTC

describe('quotaWindow / windowEnd', () => {
  it('uses UTC calendar days and months', () => {
    expect(quotaWindow('day', T0)).toBe('2024-02-29');
    expect(quotaWindow('month', T0)).toBe('2024-02');
    expect(quotaWindow('anything-else', T0)).toBe('2024-02');
    expect(new Date(windowEnd('day', T0)).toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(new Date(windowEnd('month', Date.UTC(2024, 11, 31, 12))).toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });

  it('stays exact at the edges of the window it remembers, forwards and backwards in time', () => {
    const midnight = Date.UTC(2024, 2, 1);
    const seen = [
      T0,
      midnight - 1,
      midnight,
      midnight + 1,
      midnight - 1,
      T0 - 86_400_000,
      midnight,
      Date.UTC(2024, 2, 31, 23, 59, 59, 999),
      Date.UTC(2024, 3, 1),
    ];
    for (const t of seen) {
      const iso = new Date(t).toISOString();
      expect(quotaWindow('day', t)).toBe(iso.slice(0, 10));
      expect(quotaWindow('month', t)).toBe(iso.slice(0, 7));
      const d = new Date(t);
      expect(windowEnd('day', t)).toBe(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
      expect(windowEnd('month', t)).toBe(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    }
    expect(() => quotaWindow('day', Number.NaN)).toThrow(RangeError);
  });
});

describe('RateLimiter', () => {
  it('allows `rate` calls per clock second and resets on the next second', () => {
    const r = new RateLimiter();
    const t = 10_000;
    for (let i = 0; i < 3; i++) {
      expect(r.allows('k', 3, t + i * 100)).toBe(true);
      r.count('k', t + i * 100);
    }
    expect(r.allows('k', 3, t + 999)).toBe(false);
    expect(r.allows('other', 3, t + 999)).toBe(true);
    expect(r.allows('k', 3, t + 1000)).toBe(true);
  });

  it('rate 0 admits nothing', () => {
    expect(new RateLimiter().allows('k', 0, 0)).toBe(false);
  });
});

describe('QuotaCounter', () => {
  it('reads the stored count once, then counts in memory and flushes deltas', async () => {
    const { store, writes, rows } = memoryUsage({ 'k|2024-02-29': 5 });
    const q = new QuotaCounter(store);
    const c = await q.counter('k', '2024-02-29', T0);
    expect(c.count).toBe(5);
    q.count(c);
    q.count(c);
    expect((await q.counter('k', '2024-02-29', T0)).count).toBe(7);
    await q.flush(T0);
    expect(writes).toEqual([[{ key: 'k', window: '2024-02-29', delta: 2 }]]);
    expect(rows.get('k|2024-02-29')).toBe(7);
    await q.flush(T0); // nothing pending: no write
    expect(writes).toHaveLength(1);
  });

  it('keeps pending counts when a flush fails and writes them later', async () => {
    const { store, rows } = memoryUsage();
    let fail = true;
    const flaky: UsageStore = {
      usage: store.usage,
      async addUsage(d) {
        if (fail) throw new Error('disk full');
        return store.addUsage(d);
      },
    };
    const q = new QuotaCounter(flaky);
    q.count(await q.counter('k', 'w', 0));
    await expect(q.flush(0)).rejects.toThrow('disk full');
    fail = false;
    await q.flush(0);
    expect(rows.get('k|w')).toBe(1);
  });

  it('drops idle flushed counters and re-reads them', async () => {
    const { store } = memoryUsage();
    const q = new QuotaCounter(store);
    q.count(await q.counter('k', 'w', 0));
    await q.flush(120_000);
    expect(q.size).toBe(0);
    expect((await q.counter('k', 'w', 120_000)).count).toBe(1);
  });

  it('shares one read between concurrent first uses', async () => {
    let reads = 0;
    const store: UsageStore = {
      async usage() {
        reads++;
        return 0;
      },
      async addUsage() {},
    };
    const q = new QuotaCounter(store);
    const [a, b] = await Promise.all([q.counter('k', 'w', 0), q.counter('k', 'w', 0)]);
    expect(a).toBe(b);
    expect(reads).toBe(1);
  });
});

describe('Limits', () => {
  it('enabled: false, or no rate and no quota, means unlimited', async () => {
    const { store } = memoryUsage();
    const limits = new Limits({ usage: store, now: () => T0 });
    for (let i = 0; i < 50; i++) {
      expect(
        (await limits.admit('k', { enabled: false, rate: 0, quota: { max_number: 0, interval_type: 'day' } })).ok,
      ).toBe(true);
      expect((await limits.admit('k', { enabled: true })).ok).toBe(true);
    }
    await limits.close();
  });

  it('refuses over the rate until the second rolls over, without counting refusals', async () => {
    const { store } = memoryUsage();
    let now = T0;
    const limits = new Limits({ usage: store, now: () => now });
    const ac = { enabled: true, rate: 2, quota: { max_number: 100, interval_type: 'day' } };
    expect((await limits.admit('k', ac)).ok).toBe(true);
    expect((await limits.admit('k', ac)).ok).toBe(true);
    expect(await limits.admit('k', ac)).toEqual({ ok: false, retryAfter: 1, limit: 'rate' });
    now += 1500; // next clock second, and the next UTC day
    expect((await limits.admit('k', ac)).ok).toBe(true);
    await limits.flush();
    expect(await store.usage('k', '2024-03-01')).toBe(1);
    expect(await store.usage('k', '2024-02-29')).toBe(2);
    await limits.close();
  });

  it('refuses over the quota until the day rolls over (UTC) and says how long', async () => {
    const { store } = memoryUsage();
    let now = T0;
    const limits = new Limits({ usage: store, now: () => now });
    const ac = { enabled: true, quota: { max_number: 2, interval_type: 'day' } };
    expect((await limits.admit('a', ac)).ok).toBe(true);
    expect((await limits.admit('a', ac)).ok).toBe(true);
    expect(await limits.admit('a', ac)).toEqual({ ok: false, retryAfter: 2, limit: 'quota' });
    expect((await limits.admit('b', ac)).ok).toBe(true); // other key, own budget
    now = Date.UTC(2024, 2, 1, 0, 0, 0, 1);
    expect((await limits.admit('a', ac)).ok).toBe(true);
    await limits.close();
  });

  it('admitWithStatus: the verdict, then what is left with this call counted, one store read', async () => {
    let reads = 0;
    const { store } = memoryUsage();
    const counting = {
      ...store,
      usage(key: string, window: string) {
        reads++;
        return store.usage(key, window);
      },
    };
    const limits = new Limits({ usage: counting, now: () => T0 });
    const ac = { enabled: true, rate: 5, quota: { max_number: 2, interval_type: 'day' } };
    const first = await limits.admitWithStatus('k', ac);
    expect(first.verdict).toEqual({ ok: true });
    expect(first.status).toEqual({
      rate: { limit: 5, remaining: 4, reset: 1, window: 1 },
      quota: { limit: 2, remaining: 1, reset: expect.any(Number), window: 86_400 },
    });
    await limits.admitWithStatus('k', ac);
    const refused = await limits.admitWithStatus('k', ac);
    expect(refused.verdict).toMatchObject({ ok: false, limit: 'quota' });
    expect(refused.status?.quota?.remaining).toBe(0);
    expect(reads).toBe(1);
    expect((await limits.admitWithStatus('k', { enabled: false, rate: 1 })).status).toBeNull();
    await limits.close();
  });

  it('persists counts through close, so a new instance continues the count', async () => {
    const { store } = memoryUsage();
    const ac = { enabled: true, quota: { max_number: 3, interval_type: 'month' } };
    const first = new Limits({ usage: store, now: () => T0 });
    await first.admit('k', ac);
    await first.admit('k', ac);
    await first.close();
    const second = new Limits({ usage: store, now: () => T0 });
    expect((await second.admit('k', ac)).ok).toBe(true);
    expect((await second.admit('k', ac)).ok).toBe(false);
    await second.close();
  });

  it('flushes in the background at the configured interval', async () => {
    const { store, rows } = memoryUsage();
    const limits = new Limits({ usage: store, now: () => T0, flushIntervalMs: 20 });
    await limits.admit('k', { enabled: true, quota: { max_number: 9, interval_type: 'day' } });
    await new Promise((r) => setTimeout(r, 80));
    expect(rows.get('k|2024-02-29')).toBe(1);
    await limits.close();
  });
});
