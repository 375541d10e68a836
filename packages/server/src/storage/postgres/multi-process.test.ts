// Several processes on one PostgreSQL database: two stores (two pools) on one schema stand for two
// bbk processes. Nothing is cached in the store, so a change made through one is what the other
// reads on its very next call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../query/testing/postgres.js';
import { connectorWith, newToken, policyValues, record } from '../contract/fixtures.js';
import { PostgresStore } from './postgres-store.js';
import { createTestSchema } from './testing/pg-schema.js';

describe.skipIf(!TEST_DATABASE_URL)('two processes, one PostgreSQL database', () => {
  let a: PostgresStore;
  let b: PostgresStore;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const place = await createTestSchema(TEST_DATABASE_URL!);
    drop = place.drop;
    [a, b] = await Promise.all([
      PostgresStore.open({ url: TEST_DATABASE_URL!, schema: place.schema, max: 3 }),
      PostgresStore.open({ url: TEST_DATABASE_URL!, schema: place.schema, max: 3 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  it('a rescinded token, a deleted policy and a demoted connector are seen by the other at once', async () => {
    const user = (await a.users.create({ name: 'U', email: 'u@x.org', organization: '', addendum: {} }))!;
    await a.policies.create('p', policyValues());
    const access = (await a.accesses.create(user, (await a.policies.get('p'))!.id, newToken()))!;
    expect(await b.catalog.policyByAccess(access.id)).toMatchObject({ slug: 'p' });
    expect(await b.tokens.hasLive('consumer', access.id)).toBe(true);
    await a.policies.delete('p');
    expect(await b.catalog.policyByAccess(access.id)).toBeUndefined();
    expect(await b.tokens.hasLive('consumer', access.id)).toBe(false);

    const c = await connectorWith(a);
    await a.records.openSession(c.id, 's', 'stream');
    await a.records.upsert(c.id, 's', 'country', [record(c.cid, 'x', {})]);
    const all = { segment: { kind: 'const', value: true } as const, staged: [] };
    expect(await b.catalog.list(all, { limit: 10, offset: 0 })).toHaveLength(1);
    await a.connectors.setLive(c.id, false);
    expect(await b.catalog.list(all, { limit: 10, offset: 0 })).toEqual([]);
  });

  it('usage counters add up across processes', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).catalog.addUsage([{ key: 'k', window: 'w', delta: 1 }])),
    );
    expect(await a.catalog.usage('k', 'w')).toBe(10);
  });

  it('one connector’s session calls through both processes keep one session and every record', async () => {
    const c = await connectorWith(a, { slug: 'shared' });
    await a.records.openSession(c.id, 'one', 'accrue');
    const calls = Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? a : b).records.upsert(c.id, 'one', 'country', [record(c.cid, `r${i}`, {})]),
    );
    expect(await Promise.all(calls)).toEqual(calls.map(() => true));
    expect(await b.records.closeSession(c.id, 'one', 'country', true)).toBe(true);
    expect((await a.records.list(c.id)).map((r) => r.vendorId).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `r${i}`).sort(),
    );
    // a stale session id is refused through either process
    expect(await a.records.upsert(c.id, 'one', 'country', [record(c.cid, 'late', {})])).toBe(false);
  });
  it('a connector deleted through one process while the other writes its records leaves nothing of them behind', async () => {
    // the cascades are triggers (migration 8): a write in flight holds the session row, which the
    // delete's trigger waits for before it deletes the connector's records
    const point = (i: number) => ({ location: { type: 'Point', coordinates: [i % 180, i % 80] } });
    for (let round = 0; round < 6; round++) {
      const c = await connectorWith(a, { slug: `doomed-${round}` });
      await a.records.openSession(c.id, 'w', round % 2 ? 'stream' : 'accrue');
      const batch = Array.from({ length: 300 }, (_, i) => record(c.cid, `k${i}`, point(i)));
      const writes = [
        a.records.upsert(c.id, 'w', 'country', batch),
        a.records.upsert(c.id, 'w', 'country', batch.slice(0, 100)),
        round % 2 ? Promise.resolve(true) : a.records.closeSession(c.id, 'w', 'country', true),
      ];
      // the delete lands before, between or after the writes, as the round's timing has it
      await new Promise((r) => setTimeout(r, round * 3));
      await b.connectors.delete(c.id);
      await Promise.allSettled(writes);
      const left = await a.db.query<{ records: number; orphans: number }>(
        `SELECT (SELECT count(*)::int FROM records WHERE connector_id = $1) AS records,
                (SELECT count(*)::int FROM record_geo g WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.seq = g.record_seq))
                  AS orphans`,
        [c.id],
      );
      expect(left.rows[0]).toEqual({ records: 0, orphans: 0 });
    }
  });
});
