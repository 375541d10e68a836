// The store contract, part 5: dump and load (`bbk export` / `bbk import`, docs/MIGRATE.md).
// Engine-neutral: run by storage/sqlite/contract.test.ts and storage/postgres/contract.test.ts; the
// PostgreSQL run also loads into and from a SQLite store (`peer`).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileQuery, type Ir } from '../../query/index.js';
import { DumpFormatError, type DumpItem, type DumpRow, StoreNotEmptyError } from '../dump.js';
import type { Store } from '../store.js';
import { connectorWith, newToken, policyValues, record, type StoreFactory, TYPE } from './fixtures.js';

const EVERYTHING: Ir = { kind: 'const', value: true };
const view = { segment: EVERYTHING, staged: [] as string[] };
const point = (x: number, y: number) => ({ type: 'Point', coordinates: [x, y] });

/** A store with a bit of everything: what the dump must carry. */
async function populate(store: Store): Promise<{ keyId: string }> {
  const ann = (await store.users.create({
    name: 'Ann',
    email: 'ann@x.io',
    organization: 'A',
    addendum: { b: 1, a: 2 },
  }))!;
  const gone = (await store.users.create({ name: 'Gone', email: 'gone@x.io', organization: 'G', addendum: {} }))!;
  await store.users.delete(gone, () => ({
    actor: 'system',
    action: 'user.delete',
    target: `user:${gone}`,
    detail: {},
  }));
  const coordinator = { ...newToken(), expires: '2999-01-01T00:00:00.000Z' };
  expect(await store.tokens.issue({ ...coordinator, kind: 'coordinator', subject: ann })).toBe('issued');
  await store.tokens.recordUses([{ keyId: coordinator.keyId, at: '2026-01-02T03:04:05.000Z' }]);
  // key order of a schema is kept exactly (integer-like keys too)
  const schema = { type: 'object', properties: { zeta: { type: 'string' }, '10': { type: 'number' } } };
  await store.entityTypes.create('place', { ...TYPE, schema, indexes: ['entity.iso'] });
  const live = await connectorWith(store, { type: 'place', slug: 'live-source' });
  const staged = await connectorWith(store, { type: 'place', slug: 'staged-source', live: false });
  await store.records.openSession(live.id, 's1', 'stream');
  await store.records.upsert(live.id, 's1', 'place', [
    record(live.cid, 'b', { iso: 'B', location: point(4.35, 50.85) }),
    record(live.cid, 'a', {
      iso: 'A',
      places: [
        point(2.35, 48.85),
        {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [1, 1],
          ],
        },
      ],
    }),
    record(live.cid, 'c', { iso: 'C', n: 1 }),
  ]);
  await store.records.delete(live.id, 's1', [{ vendorId: 'b', publicId: `${live.cid}:b` }]);
  await store.records.upsert(live.id, 's1', 'place', [
    record(live.cid, 'b', { iso: 'B2', location: point(4.4, 50.9) }),
  ]);
  await store.records.closeSession(live.id, 's1', 'place', true);
  await store.records.openSession(staged.id, 's2', 'stream');
  await store.records.upsert(staged.id, 's2', 'place', [record(staged.cid, 'z', { iso: 'Z' })]);
  await store.records.closeSession(staged.id, 's2', 'place', true);
  // an open accrue session: not carried (start.openSessions counts it)
  await store.records.openSession(staged.id, 's3', 'accrue');
  await store.records.upsert(staged.id, 's3', 'place', [record(staged.cid, 'y', { iso: 'Y' })]);
  await store.policies.create('open', policyValues({ 'entity.iso': { $ne: 'Z' } }));
  const policy = (await store.policies.get('open'))!;
  const access = (await store.accesses.create(ann, policy.id, newToken()))!;
  await store.catalog.addUsage([{ key: `access:${access.id}`, window: '2026-01-02', delta: 7 }]);
  const delta = { accessId: access.id, day: '2026-01-02', calls: 3, records: 9, rate_limited: 1, quota_limited: 0 };
  await store.activity.addUsage([{ ...delta, lastUsed: '2026-01-02T10:00:00.000Z' }]);
  await store.activity.raise([
    {
      accessId: access.id,
      detector: 'scrape',
      severity: 'high',
      evidence: { z: 1, a: [2] },
      at: '2026-01-02T00:00:00.000Z',
    },
  ]);
  await store.activity.setGuard(access.id, { autoSuspend: true });
  await store.audit.append({ actor: 'coordinator:1', action: 'test.step', target: 'user:1', detail: { n: 1 } });
  return { keyId: coordinator.keyId };
}

/** Every item of a dump, documents parsed when `parse` (engines write JSON text differently). */
async function collect(store: Store, parse = false): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of store.dump()) {
    if (item.t === 'start') out.push({ ...item, engine: 'any', openSessions: 0 });
    else if (parse && item.t === 'records') out.push({ ...item, doc: JSON.parse(item.doc) });
    else out.push(item);
  }
  return out;
}

async function* only(items: AsyncIterable<DumpItem>, keep: (item: DumpItem, index: number) => DumpItem | undefined) {
  let i = 0;
  for await (const item of items) {
    const kept = keep(item, i++);
    if (kept) yield kept;
  }
}

const near = compileQuery({ 'entity.location': { $near: { $geometry: point(4.35, 50.85), $max: 20_000 } } });
const within = compileQuery({
  'entity.places.0': {
    $within: {
      $geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [2, 48],
            [3, 48],
            [3, 49],
            [2, 49],
            [2, 48],
          ],
        ],
      },
    },
  },
});

async function answers(store: Store) {
  const ids = async (filter?: Ir) =>
    (await store.catalog.list(view, { limit: 100, offset: 0, ...(filter ? { filter } : {}) })).map((r) => r.publicId);
  return { all: await ids(), near: await ids(near), within: await ids(within) };
}

export function dumpContract(open: StoreFactory, peer?: { name: string; open: StoreFactory }): void {
  // hooks inside the describe: the other parts' tests need no populated store
  describe('dump and load', () => {
    let store: Store;
    let keyId: string;
    const opened: Store[] = [];
    const fresh = async (factory: StoreFactory = open) => {
      const s = await factory();
      opened.push(s);
      return s;
    };
    beforeEach(async () => {
      store = await fresh();
      ({ keyId } = await populate(store));
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('round-trips into an empty store: same rows, ids, sequences, token hashes, catalog, audit chain', async () => {
      const dump = store.dump();
      const start = (await dump.next()).value as Extract<DumpItem, { t: 'start' }>;
      await dump.return(undefined);
      expect(start).toMatchObject({ t: 'start', openSessions: 1 });
      const before = await collect(store);
      expect(start.counts).toMatchObject({
        users: 1,
        records: 4,
        tokens: 4,
        audit: 2,
        violations: 1,
        access_guards: 1,
      });
      const target = await fresh();
      const counts = await target.load(store.dump());
      expect(counts).toEqual(start.counts);
      expect(await collect(target)).toEqual(before);
      expect(await answers(target)).toEqual(await answers(store));
      expect((await answers(target)).near).toHaveLength(1);
      expect((await answers(target)).within).toHaveLength(1);
      expect((await target.tokens.get(keyId))?.hash).toEqual((await store.tokens.get(keyId))?.hash);
      expect(await target.entityTypes.get('place')).toEqual(await store.entityTypes.get('place'));
      // ids go on from where the source was: the deleted user 2's id is not handed out again
      expect(await target.users.create({ name: 'N', email: 'n@x.io', organization: '', addendum: {} })).toBe(3);
      expect(await target.audit.verify()).toMatchObject({ intact: true, entries: 2 });
      await target.audit.append({ actor: 'system', action: 'test.after', target: 'user:3', detail: {} });
      expect(await target.audit.verify()).toMatchObject({ intact: true, entries: 3 });
    });

    it('refuses a store that is not empty, changing nothing', async () => {
      const target = await fresh();
      await target.users.create({ name: 'X', email: 'x@x.io', organization: '', addendum: {} });
      const before = await collect(target);
      await expect(target.load(store.dump())).rejects.toBeInstanceOf(StoreNotEmptyError);
      expect(await collect(target)).toEqual(before);
    });

    it('rolls back rows that do not add up, out of order or unknown; the store stays empty and loads after', async () => {
      const target = await fresh();
      const empty = await collect(target);
      const cut = only(store.dump(), (item, i) => (i > 20 ? undefined : item));
      await expect(target.load(cut)).rejects.toBeInstanceOf(DumpFormatError);
      expect(await collect(target)).toEqual(empty);
      // a usage row held back until after the access usage rows: out of order
      let held: DumpRow | undefined;
      const reordered = only(store.dump(), (item) => {
        if (item.t === 'usage' && !held) {
          held = item;
          return undefined;
        }
        return item.t === 'violations' && held ? held : item;
      });
      await expect(target.load(reordered)).rejects.toBeInstanceOf(DumpFormatError);
      const unknown = only(store.dump(), (item) => (item.t === 'audit' ? ({ ...item, t: 'nope' } as never) : item));
      await expect(target.load(unknown)).rejects.toBeInstanceOf(DumpFormatError);
      expect(await collect(target)).toEqual(empty);
      await target.load(store.dump());
      expect(await collect(target)).toEqual(await collect(store));
    });

    it.skipIf(!peer)(`goes to ${peer?.name} and back with the same rows and answers`, async () => {
      const there = await fresh(peer!.open);
      await there.load(store.dump());
      expect(await collect(there, true)).toEqual(await collect(store, true));
      expect(await answers(there)).toEqual(await answers(store));
      const back = await fresh();
      await back.load(there.dump());
      expect(await collect(back, true)).toEqual(await collect(store, true));
      expect(await back.audit.verify()).toMatchObject({ intact: true });
    });
  });
}
