// Rate and quota counted in PostgreSQL (`bbk_admit`): two stores (two pools) on one schema stand
// for two processes; every admission is decided by the database, so the counts are exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Limits } from '../../limits/index.js';
import { TEST_DATABASE_URL } from '../../query/testing/postgres.js';
import { PostgresStore } from './postgres-store.js';
import { createTestSchema } from './testing/pg-schema.js';

const T0 = Date.UTC(2024, 1, 29, 12, 0, 0, 100);

describe.skipIf(!TEST_DATABASE_URL)('shared rate and quota (PostgreSQL)', () => {
  let a: PostgresStore;
  let b: PostgresStore;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const place = await createTestSchema(TEST_DATABASE_URL!);
    drop = place.drop;
    a = await PostgresStore.open({ url: TEST_DATABASE_URL!, schema: place.schema, max: 5 });
    b = await PostgresStore.open({ url: TEST_DATABASE_URL!, schema: place.schema, max: 5 });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  it('admits exactly the quota across two processes and 50 concurrent callers; refusals are not counted', async () => {
    const ac = { enabled: true, quota: { max_number: 120, interval_type: 'day' } };
    const limits = [new Limits({ usage: a.catalog, now: () => T0 }), new Limits({ usage: b.catalog, now: () => T0 })];
    const verdicts = await Promise.all(
      Array.from({ length: 50 }, async (_, client) => {
        const out: boolean[] = [];
        for (let i = 0; i < 4; i++) out.push((await limits[client % 2]!.admit('q', ac)).ok);
        return out;
      }),
    );
    expect(verdicts.flat().filter(Boolean)).toHaveLength(120);
    expect(await a.catalog.usage('q', '2024-02-29')).toBe(120);
    // a new process (a restart) continues the count
    const again = new Limits({ usage: b.catalog, now: () => T0 });
    expect(await again.admitWithStatus('q', ac)).toMatchObject({
      verdict: { ok: false, limit: 'quota' },
      status: { quota: { limit: 120, remaining: 0 } },
    });
    await Promise.all([...limits, again].map((l) => l.close()));
  });

  it('admits exactly `rate` calls per second across processes, and the next second starts afresh', async () => {
    let now = T0;
    const ac = { enabled: true, rate: 30, quota: { max_number: 1000, interval_type: 'month' } };
    const limits = [new Limits({ usage: a.catalog, now: () => now }), new Limits({ usage: b.catalog, now: () => now })];
    const burst = () => Promise.all(Array.from({ length: 80 }, (_, i) => limits[i % 2]!.admitWithStatus('r', ac)));
    const first = await burst();
    expect(first.filter((x) => x.verdict.ok)).toHaveLength(30);
    const refused = first.find((x) => !x.verdict.ok)!;
    expect(refused.verdict).toEqual({ ok: false, retryAfter: 1, limit: 'rate' });
    expect(refused.status?.rate).toEqual({ limit: 30, remaining: 0, reset: 1, window: 1 });
    // only the 30 admitted calls ate into the quota
    expect(await a.catalog.usage('r', '2024-02')).toBe(30);
    now += 1000;
    expect((await burst()).filter((x) => x.verdict.ok)).toHaveLength(30);
    // a lagging clock counts in the newest window
    now -= 1000;
    expect((await limits[0]!.admit('r', ac)).ok).toBe(false);
    expect(await a.catalog.usage('r', '2024-02')).toBe(60);
    await Promise.all(limits.map((l) => l.close()));
  });

  it('a full quota undoes the rate increment; rate 0 and quota 0 admit nothing and count nothing', async () => {
    const ac = { enabled: true, rate: 5, quota: { max_number: 2, interval_type: 'day' } };
    const limits = new Limits({ usage: a.catalog, now: () => T0 });
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await limits.admitWithStatus('u', ac));
    expect(seen.map((s) => s.verdict.ok)).toEqual([true, true, false, false]);
    expect(seen[1]!.status).toMatchObject({ rate: { remaining: 3 }, quota: { remaining: 0 } });
    expect(seen[3]!.status).toMatchObject({ rate: { remaining: 3 }, quota: { remaining: 0 } });
    expect(seen[3]!.verdict).toMatchObject({ ok: false, limit: 'quota' });
    expect((await limits.admit('z', { enabled: true, rate: 0 })).ok).toBe(false);
    expect((await limits.admit('z', { enabled: true, quota: { max_number: 0, interval_type: 'day' } })).ok).toBe(false);
    expect(await a.catalog.usage('z', '2024-02-29')).toBe(0);
    await limits.close();
  });
});
