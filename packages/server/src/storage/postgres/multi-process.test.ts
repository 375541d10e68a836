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
});
