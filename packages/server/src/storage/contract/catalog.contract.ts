// The store contract, part 3: the consumer's policy-scoped reads and the usage counters.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileQuery, type Ir } from '../../query/index.js';
import type { CatalogView } from '../catalog-store.js';
import type { Store } from '../store.js';
import { connectorWith, newToken, policyValues, record, type StoreFactory } from './fixtures.js';

const EVERYTHING: Ir = { kind: 'const', value: true };
const NOTHING: Ir = { kind: 'const', value: false };
const view = (segment: Ir = EVERYTHING, staged: string[] = []): CatalogView => ({ segment, staged });
const page = { limit: 100, offset: 0 };

export function catalogContract(open: StoreFactory): void {
  let store: Store;
  let live: { id: number; cid: string };
  let staged: { id: number; cid: string };
  const names = (rows: { publicId: string }[]) => rows.map((r) => r.publicId.split(':')[1]);

  beforeEach(async () => {
    store = await open();
    live = await connectorWith(store, { indexes: ['entity.iso'] });
    staged = await connectorWith(store, { slug: 'staged', live: false });
    const city = await connectorWith(store, { type: 'city', slug: 'cities' });
    await store.records.openSession(live.id, 's', 'stream');
    await store.records.upsert(live.id, 's', 'country', [
      record(live.cid, 'gb', { iso: 'GB', pop: 67 }),
      record(live.cid, 'fr', { iso: 'FR', pop: 68 }),
      record(live.cid, 'ad', { iso: 'AD', pop: 0.08 }),
    ]);
    await store.records.openSession(staged.id, 's2', 'stream');
    await store.records.upsert(staged.id, 's2', 'country', [record(staged.cid, 'xx', { iso: 'XX', pop: 1 })]);
    await store.records.openSession(city.id, 's3', 'stream');
    await store.records.upsert(city.id, 's3', 'city', [record(city.cid, 'paris', { iso: 'FR' }, 'city')]);
  });
  afterEach(async () => {
    await store.close();
  });

  describe('catalog reads', () => {
    it('counts visible records per type (the policy preview), with the segment and filter', async () => {
      expect(await store.catalog.countByType(view())).toEqual([
        { type: 'city', records: 1 },
        { type: 'country', records: 3 },
      ]);
      const filter = compileQuery({ 'entity.iso': 'FR' });
      expect(await store.catalog.countByType(view(EVERYTHING, [staged.cid]), { filter })).toEqual([
        { type: 'city', records: 1 },
        { type: 'country', records: 1 },
      ]);
      expect(await store.catalog.countByType(view(NOTHING))).toEqual([]);
    });

    it('explains a list: the SQL run, rows returned, a plan', async () => {
      const filter = compileQuery({ 'entity.iso': 'FR' });
      const e = await store.catalog.explain(view(), { ...page, filter });
      expect(e.returned).toBe(2);
      expect(e.examined).toBeGreaterThanOrEqual(2);
      expect(e.plan.length).toBeGreaterThan(0);
      expect(e.sql).toMatch(/FROM records r/);
      expect(e.startsAt).toBeNull();
      const none = await store.catalog.explain(view(NOTHING), page);
      expect(none).toMatchObject({ sql: null, plan: [], returned: 0, examined: 0 });
    });

    it('lists visible records in catalog order: live connectors, or staged ones when named', async () => {
      expect(names(await store.catalog.list(view(), page))).toEqual(['gb', 'fr', 'ad', 'paris']);
      expect(names(await store.catalog.list(view(EVERYTHING, [staged.cid]), page))).toEqual([
        'gb',
        'fr',
        'ad',
        'xx',
        'paris',
      ]);
      const first = (await store.catalog.list(view(), page))[0];
      expect(first).toEqual({ publicId: `${live.cid}:gb`, type: 'country', name: 'name of gb' });
    });

    it('applies the segment, the filter, the type and the page', async () => {
      const segment = compileQuery({ 'entity.pop': { $gte: 1 } });
      expect(names(await store.catalog.list(view(segment), page))).toEqual(['gb', 'fr']);
      const filter = compileQuery({ 'entity.iso': { $in: ['FR', 'AD'] } });
      expect(names(await store.catalog.list(view(segment), { ...page, filter }))).toEqual(['fr']);
      expect(names(await store.catalog.list(view(), { ...page, filter }))).toEqual(['fr', 'ad', 'paris']);
      expect(names(await store.catalog.list(view(), { ...page, type: 'city' }))).toEqual(['paris']);
      expect(names(await store.catalog.list(view(), { limit: 2, offset: 1 }))).toEqual(['fr', 'ad']);
      expect(
        names(await store.catalog.list(view(), { ...page, filter: compileQuery({ 'entity.iso': 'GB' }) })),
      ).toEqual(['gb']);
      expect(await store.catalog.list(view(NOTHING), page)).toEqual([]);
      expect(await store.catalog.list(view(), { ...page, filter: NOTHING })).toEqual([]);
    });

    it('lists with each stored document when asked (withDoc), the same rows and page', async () => {
      const segment = compileQuery({ 'entity.pop': { $gte: 1 } });
      const rows = await store.catalog.list(view(segment), { limit: 1, offset: 1, withDoc: true });
      expect(names(rows)).toEqual(['fr']);
      const doc = (await store.catalog.record(view(), 'country', `${live.cid}:fr`))!.doc;
      expect(rows[0]).toEqual({ publicId: `${live.cid}:fr`, type: 'country', name: 'name of fr', doc });
      expect(Object.keys(rows[0]!.doc!)).toEqual(Object.keys(doc));
      expect(rows[0]!.doc!.entity).toEqual({ iso: 'FR', pop: 68 });
      const typed = await store.catalog.list(view(), { ...page, type: 'city', withDoc: true });
      expect(typed.map((r) => r.doc?.entity)).toEqual([{ iso: 'FR' }]);
      expect(await store.catalog.list(view(NOTHING), { ...page, withDoc: true })).toEqual([]);
    });

    it('lists the entity types with a visible record, by slug', async () => {
      expect(await store.catalog.entityTypes(view(), page)).toEqual([
        { slug: 'city', name: 'Country', description: 'countries' },
        { slug: 'country', name: 'Country', description: 'countries' },
      ]);
      expect(
        (await store.catalog.entityTypes(view(compileQuery({ 'entity.pop': 1 }), [staged.cid]), page)).map(
          (t) => t.slug,
        ),
      ).toEqual(['country']);
      expect((await store.catalog.entityTypes(view(), { limit: 1, offset: 1 })).map((t) => t.slug)).toEqual([
        'country',
      ]);
      expect(await store.catalog.entityTypes(view(NOTHING), page)).toEqual([]);
    });

    it('reads one visible record with its connector', async () => {
      const r = await store.catalog.record(view(), 'country', `${live.cid}:fr`);
      expect(r).toEqual({
        publicId: `${live.cid}:fr`,
        type: 'country',
        name: 'name of fr',
        vendorId: 'fr',
        doc: { id: 'fr', name: 'name of fr', entity: { iso: 'FR', pop: 68 }, type: 'country', timeseries: {} },
        connector: { id: live.id, webhook: null, cache: 0, webhookSecret: 'secret' },
      });
      expect(await store.catalog.record(view(), 'city', `${live.cid}:fr`)).toBeUndefined();
      expect(
        await store.catalog.record(view(compileQuery({ 'entity.iso': 'GB' })), 'country', `${live.cid}:fr`),
      ).toBeUndefined();
      expect(await store.catalog.record(view(), 'country', `${staged.cid}:xx`)).toBeUndefined();
      expect(await store.catalog.record(view(EVERYTHING, [staged.cid]), 'country', `${staged.cid}:xx`)).toBeDefined();
      expect(await store.catalog.record(view(NOTHING), 'country', `${live.cid}:fr`)).toBeUndefined();
    });

    it('reads a record with its witness on one snapshot: the token, or the policy by slug', async () => {
      const user = (await store.users.create({ name: 'W', email: 'w@example.com', organization: 'o', addendum: {} }))!;
      await store.policies.create('witness', policyValues());
      const policy = (await store.policies.get('witness'))!;
      const token = newToken();
      const access = (await store.accesses.create(user, policy.id, token))!;
      const fr = `${live.cid}:fr`;
      const expected = await store.catalog.record(view(), 'country', fr);

      const byToken = await store.catalog.recordWitnessed(view(), 'country', fr, { keyId: token.keyId });
      expect(byToken.record).toEqual(expected);
      expect(byToken.token).toEqual(await store.tokens.get(token.keyId));
      expect(byToken.token).toMatchObject({ kind: 'consumer', subject: access.id, revoked: false });
      expect(byToken.token?.policy).toMatchObject({ id: policy.id, slug: 'witness', version: policy.version });
      expect(byToken.policy).toBeUndefined();

      const bySlug = await store.catalog.recordWitnessed(view(), 'country', fr, { policySlug: 'witness' });
      expect(bySlug).toEqual({ record: expected, policy: await store.catalog.policyBySlug('witness') });

      // the witness is read whether or not the record is visible, and is absent when it is gone
      const hidden = await store.catalog.recordWitnessed(view(), 'city', fr, { keyId: token.keyId });
      expect(hidden.record).toBeUndefined();
      expect(hidden.token).toEqual(byToken.token);
      const none = await store.catalog.recordWitnessed(view(NOTHING), 'country', fr, { policySlug: 'witness' });
      expect(none).toEqual({ record: undefined, policy: bySlug.policy });
      const nothing = await store.catalog.recordWitnessed(view(NOTHING), 'country', fr, { keyId: token.keyId });
      expect(nothing).toEqual({ record: undefined, token: byToken.token });
      expect(await store.catalog.recordWitnessed(view(), 'country', fr, { keyId: 'nokey' })).toEqual({
        record: expected,
      });
      expect(await store.catalog.recordWitnessed(view(), 'country', fr, { policySlug: 'none' })).toEqual({
        record: expected,
      });
      expect(await store.catalog.recordWitnessed(view(), 'country', fr, { policySlug: 'wit\0ness' })).toEqual({
        record: expected,
      });

      // a change is seen by the next witnessed read: a new policy version, a revoked token
      await store.policies.update('witness', policyValues({ 'entity.iso': 'FR' }));
      const changed = await store.catalog.recordWitnessed(view(), 'country', fr, { keyId: token.keyId });
      expect(changed.token?.policy?.version).toBeGreaterThan(policy.version);
      expect((await store.catalog.recordWitnessed(view(), 'country', fr, { policySlug: 'witness' })).policy).toEqual(
        changed.token?.policy && { id: policy.id, slug: 'witness', version: changed.token.policy.version },
      );
      await store.tokens.revokeSubject('consumer', access.id);
      expect((await store.catalog.recordWitnessed(view(), 'country', fr, { keyId: token.keyId })).token?.revoked).toBe(
        true,
      );
    });

    it('concurrent witnessed reads each get their own answer (PostgreSQL sends them as one statement)', async () => {
      const user = (await store.users.create({ name: 'C', email: 'c@example.com', organization: 'o', addendum: {} }))!;
      await store.policies.create('together', policyValues());
      const policy = (await store.policies.get('together'))!;
      const token = newToken();
      await store.accesses.create(user, policy.id, token);
      const fr = `${live.cid}:fr`;
      const asks: [CatalogView, string, string, { keyId: string } | { policySlug: string }][] = [
        [view(), 'country', fr, { keyId: token.keyId }],
        [view(), 'country', fr, { policySlug: 'together' }],
        [view(), 'city', fr, { keyId: token.keyId }],
        [view(), 'country', `${live.cid}:nope`, { policySlug: 'together' }],
        [view(), 'country', fr, { keyId: 'nokey' }],
        [view(), 'country', fr, { policySlug: 'it\'s "quoted" $1' }],
        [view(NOTHING), 'country', fr, { policySlug: 'together' }],
        [view(compileQuery({ 'entity.iso': 'FR' })), 'country', fr, { keyId: token.keyId }],
        [view(compileQuery({ 'entity.iso': 'GB' })), 'country', fr, { keyId: token.keyId }],
        [view(), 'country', `${live.cid}:fr\0`, { policySlug: 'together' }],
        [view(EVERYTHING, [staged.cid]), 'country', `${staged.cid}:xx`, { policySlug: 'together' }],
        [view(), 'country', `${staged.cid}:xx`, { keyId: token.keyId }],
      ];
      const one = async ([v, type, id, witness]: (typeof asks)[number]) =>
        store.catalog.recordWitnessed(v, type, id, witness);
      const alone = [];
      for (const ask of asks) alone.push(await one(ask));
      expect(alone[0]!.record).toBeDefined();
      expect(alone[10]!.record).toBeDefined();
      // the same asks, twice over, all in one turn of the event loop
      const together = await Promise.all([...asks, ...asks].map(one));
      expect(together).toEqual([...alone, ...alone]);
    });

    it('a public id, type or staged id holding U+0000 matches nothing', async () => {
      expect(await store.catalog.record(view(), 'country', `${live.cid}:fr\0`)).toBeUndefined();
      expect(
        await store.catalog.recordWitnessed(view(), 'country', `${live.cid}:fr\0`, { policySlug: 'none' }),
      ).toEqual({
        record: undefined,
      });
      expect(await store.catalog.recordWitnessed(view(), 'country\0', `${live.cid}:fr`, { keyId: 'nokey' })).toEqual({
        record: undefined,
      });
      expect(await store.catalog.list(view(), { ...page, type: 'country\0' })).toEqual([]);
      expect(names(await store.catalog.list(view(EVERYTHING, [`${staged.cid}\0`]), page))).toEqual([
        'gb',
        'fr',
        'ad',
        'paris',
      ]);
    });

    it('a demoted connector’s records disappear on the next read', async () => {
      await store.connectors.setLive(live.id, false);
      expect(names(await store.catalog.list(view(), page))).toEqual(['paris']);
      expect(await store.catalog.record(view(), 'country', `${live.cid}:fr`)).toBeUndefined();
    });
  });

  describe('usage counters', () => {
    it('add deltas per (key, window) in one call', async () => {
      expect(await store.catalog.usage('k', '2024-01-01')).toBe(0);
      await store.catalog.addUsage([
        { key: 'k', window: '2024-01-01', delta: 2 },
        { key: 'k', window: '2024-01-02', delta: 1 },
        { key: 'k', window: '2024-01-01', delta: 1 },
      ]);
      await store.catalog.addUsage([{ key: 'k', window: '2024-01-01', delta: 3 }]);
      await store.catalog.addUsage([]);
      expect(await store.catalog.usage('k', '2024-01-01')).toBe(6);
      expect(await store.catalog.usage('k', '2024-01-02')).toBe(1);
    });
  });
}
