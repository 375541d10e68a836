// The store contract, part 2: contributor sessions, pending operations and the order of the catalog.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SECTION_DEPTH, UnstorableRecordError } from '../records-store.js';
import type { Store } from '../store.js';
import { connectorWith, record, type StoreFactory, vendorIds } from './fixtures.js';

const POINT = { type: 'Point', coordinates: [1.5, 42.5] };

export function recordsContract(open: StoreFactory): void {
  let store: Store;
  let c: { id: number; cid: string };
  const rec = (id: string, entity: Record<string, unknown> = { v: id }) => record(c.cid, id, entity);
  beforeEach(async () => {
    store = await open();
    c = await connectorWith(store);
  });
  afterEach(async () => {
    await store.close();
  });

  describe('sessions', () => {
    it('target names the connector, its type and open session', async () => {
      expect(await store.records.target('nope')).toBeUndefined();
      expect(await store.records.target(c.cid)).toMatchObject({
        connectorId: c.id,
        contributionId: c.cid,
        entityType: 'country',
        typeVersion: 1,
        session: undefined,
      });
      await store.records.openSession(c.id, 's1', 'accrue');
      // a shared store keeps what the session posted (its audit counts, services/session-audit.ts)
      const tally = (upserts: number, deletes: number) => (store.shared ? { posted: { upserts, deletes } } : {});
      expect((await store.records.target(c.cid))!.session).toEqual({ id: 's1', mode: 'accrue', ...tally(0, 0) });
      await store.records.upsert(c.id, 's1', 'country', [rec('a'), rec('b')]);
      await store.records.delete(c.id, 's1', [{ vendorId: 'a', publicId: `${c.cid}:a` }]);
      expect((await store.records.target(c.cid))!.session).toEqual({ id: 's1', mode: 'accrue', ...tally(2, 1) });
    });

    it('a call with a session id that is not the open one changes nothing', async () => {
      await store.records.openSession(c.id, 's1', 'stream');
      await store.records.openSession(c.id, 's2', 'stream');
      expect(await store.records.upsert(c.id, 's1', 'country', [rec('a')])).toBe(false);
      expect(await store.records.delete(c.id, 's1', [{ vendorId: 'a', publicId: `${c.cid}:a` }])).toBe(false);
      expect(await store.records.closeSession(c.id, 's1', 'country', true)).toBe(false);
      expect(await store.records.count(c.id)).toBe(0);
      expect(await store.records.closeSession(c.id, 's2', 'country', true)).toBe(true);
      expect(await store.records.upsert(c.id, 's2', 'country', [rec('a')])).toBe(false);
    });

    it('opening a session discards the open one and its pending operations', async () => {
      await store.records.openSession(c.id, 's1', 'accrue');
      await store.records.upsert(c.id, 's1', 'country', [rec('a'), rec('b')]);
      expect(await store.records.pendingCount(c.id)).toBe(2);
      await store.records.openSession(c.id, 's2', 'accrue');
      expect(await store.records.pendingCount(c.id)).toBe(0);
      await store.records.closeSession(c.id, 's2', 'country', true);
      expect(await store.records.count()).toBe(0);
    });
  });

  describe('stream', () => {
    it('writes at once; a stored key keeps its place, new keys follow in posted order', async () => {
      await store.records.openSession(c.id, 's', 'stream');
      await store.records.upsert(c.id, 's', 'country', [rec('b'), rec('a'), rec('c')]);
      await store.records.upsert(c.id, 's', 'country', [rec('d'), rec('a', { v: 'A' }), rec('e')]);
      expect(await vendorIds(store, c.id)).toEqual(['b', 'a', 'c', 'd', 'e']);
      expect((await store.records.get(c.id, 'a'))!.doc).toMatchObject({ id: 'a', entity: { v: 'A' }, type: 'country' });
      await store.records.delete(c.id, 's', [
        { vendorId: 'a', publicId: `${c.cid}:a` },
        { vendorId: 'zz', publicId: `${c.cid}:zz` },
      ]);
      await store.records.upsert(c.id, 's', 'country', [rec('a')]);
      expect(await vendorIds(store, c.id)).toEqual(['b', 'c', 'd', 'e', 'a']);
      expect(await store.records.count(c.id)).toBe(5);
      expect(await store.records.count()).toBe(5);
    });

    it('keeps quotes, backslashes, braces, commas and NULL-like texts in ids, names and documents', async () => {
      const odd = ['a"b', 'c\\d', '{e,f}', 'NULL', '"', '\\', ' g ', 'h\\"i'];
      for (const mode of ['stream', 'replace'] as const) {
        await store.records.openSession(c.id, `s-${mode}`, mode);
        const records = odd.map((id) => rec(id, { s: id, t: `${id}\\"${mode}` }));
        await store.records.upsert(c.id, `s-${mode}`, 'country', records);
        if (mode === 'replace') await store.records.closeSession(c.id, `s-${mode}`, 'country', true);
        expect(await vendorIds(store, c.id)).toEqual(odd);
        for (const id of odd) {
          const stored = (await store.records.get(c.id, id))!;
          expect(stored).toMatchObject({ vendorId: id, publicId: `${c.cid}:${id}`, name: `name of ${id}` });
          expect(stored.doc.entity).toEqual({ s: id, t: `${id}\\"${mode}` });
        }
      }
    });

    it('a key twice in one call is stored once, at its first place, with its last document', async () => {
      await store.records.openSession(c.id, 's', 'stream');
      await store.records.upsert(c.id, 's', 'country', [rec('x', { n: 1 }), rec('y'), rec('x', { n: 2 })]);
      expect(await vendorIds(store, c.id)).toEqual(['x', 'y']);
      expect((await store.records.get(c.id, 'x'))!.doc.entity).toEqual({ n: 2 });
    });

    it('stores the document as posted and keeps the spatial index in step', async () => {
      await store.records.openSession(c.id, 's', 'stream');
      const entity = { where: POINT, places: [POINT, { type: 'Nope' }], s: 'é ✓', n: 1.5, z: null, b: [true] };
      await store.records.upsert(c.id, 's', 'country', [rec('g', entity)]);
      const stored = (await store.records.get(c.id, 'g'))!;
      expect(stored).toMatchObject({ publicId: `${c.cid}:g`, connectorId: c.id, type: 'country', vendorId: 'g' });
      expect(stored.doc).toEqual({ id: 'g', name: 'name of g', entity, type: 'country', timeseries: {} });
      expect(await store.records.geometryCount(stored.seq)).toBe(2);
      await store.records.upsert(c.id, 's', 'country', [rec('g', { where: POINT })]);
      expect(await store.records.geometryCount(stored.seq)).toBe(1);
      await store.records.upsert(c.id, 's', 'country', [rec('g', { where: 'nowhere' })]);
      expect(await store.records.geometryCount(stored.seq)).toBe(0);
      expect((await store.records.get(c.id, 'g'))!.seq).toBe(stored.seq);
    });
  });

  describe('limits', () => {
    const nested = (levels: number): Record<string, unknown> => {
      let v: Record<string, unknown> = {};
      for (let i = 1; i < levels; i++) v = { v };
      return v;
    };

    it(`takes sections nested ${MAX_SECTION_DEPTH} levels deep; refuses deeper ones, storing nothing of the call`, async () => {
      for (const mode of ['stream', 'accrue'] as const) {
        await store.records.openSession(c.id, `s-${mode}`, mode);
        const refused = store.records.upsert(c.id, `s-${mode}`, 'country', [
          rec('ok'),
          rec('deep', nested(MAX_SECTION_DEPTH + 1)),
        ]);
        await expect(refused).rejects.toEqual(new UnstorableRecordError(1));
        expect(await store.records.count(c.id)).toBe(0);
        expect(await store.records.pendingCount(c.id)).toBe(0);
      }
      await store.records.openSession(c.id, 's', 'stream');
      expect(await store.records.upsert(c.id, 's', 'country', [rec('deep', nested(MAX_SECTION_DEPTH))])).toBe(true);
      expect(await store.records.count(c.id)).toBe(1);
    });
  });

  describe('accrue and replace', () => {
    it('accrue: nothing shows until commit; rollback discards', async () => {
      await store.records.openSession(c.id, 's', 'accrue');
      await store.records.upsert(c.id, 's', 'country', [rec('a'), rec('b')]);
      expect(await store.records.count(c.id)).toBe(0);
      expect(await store.records.closeSession(c.id, 's', 'country', false)).toBe(true);
      expect(await store.records.count(c.id)).toBe(0);
      expect(await store.records.pendingCount(c.id)).toBe(0);
      await store.records.openSession(c.id, 't', 'accrue');
      await store.records.upsert(c.id, 't', 'country', [rec('a'), rec('b')]);
      expect(await store.records.closeSession(c.id, 't', 'country', true)).toBe(true);
      expect(await vendorIds(store, c.id)).toEqual(['a', 'b']);
      expect((await store.records.target(c.cid))!.session).toBeUndefined();
    });

    it('a commit is a replay in posted order: deleted-then-upserted keys move to the end', async () => {
      await store.records.openSession(c.id, 's', 'stream');
      await store.records.upsert(c.id, 's', 'country', [rec('a'), rec('b'), rec('c'), rec('d', { where: POINT })]);
      const d = (await store.records.get(c.id, 'd'))!;
      await store.records.openSession(c.id, 't', 'accrue');
      await store.records.upsert(c.id, 't', 'country', [rec('n1'), rec('b', { v: 'B' }), rec('a', { v: 'A1' })]);
      await store.records.delete(c.id, 't', [
        { vendorId: 'a', publicId: `${c.cid}:a` },
        { vendorId: 'c', publicId: `${c.cid}:c` },
        { vendorId: 'n1', publicId: `${c.cid}:n1` },
      ]);
      await store.records.upsert(c.id, 't', 'country', [
        rec('n2'),
        rec('a', { v: 'A2' }),
        rec('n1'),
        rec('n2', { v: 'N2' }),
      ]);
      await store.records.upsert(c.id, 't', 'country', [rec('d', { where: POINT, more: 1 })]);
      expect(await store.records.pendingCount(c.id)).toBe(11);
      await store.records.closeSession(c.id, 't', 'country', true);
      expect(await vendorIds(store, c.id)).toEqual(['b', 'd', 'n2', 'a', 'n1']);
      expect((await store.records.get(c.id, 'a'))!.doc.entity).toEqual({ v: 'A2' });
      expect((await store.records.get(c.id, 'b'))!.doc.entity).toEqual({ v: 'B' });
      expect((await store.records.get(c.id, 'n2'))!.doc.entity).toEqual({ v: 'N2' });
      const d2 = (await store.records.get(c.id, 'd'))!;
      expect(d2.seq).toBe(d.seq);
      expect(await store.records.geometryCount(d2.seq)).toBe(1);
    });

    it('replace leaves only what the session upserted (and did not delete afterwards)', async () => {
      await store.records.openSession(c.id, 's', 'stream');
      await store.records.upsert(c.id, 's', 'country', [rec('a', { where: POINT }), rec('b'), rec('c')]);
      const a = (await store.records.get(c.id, 'a'))!;
      await store.records.openSession(c.id, 'r', 'replace');
      await store.records.upsert(c.id, 'r', 'country', [rec('x'), rec('c'), rec('b')]);
      await store.records.delete(c.id, 'r', [{ vendorId: 'b', publicId: `${c.cid}:b` }]);
      await store.records.closeSession(c.id, 'r', 'country', true);
      expect(await vendorIds(store, c.id)).toEqual(['c', 'x']);
      expect(await store.records.geometryCount(a.seq)).toBe(0);
    });

    it('a large commit is the same replay (PostgreSQL joins such a session by hashing only)', async () => {
      const ids = (prefix: string, from: number, to: number) =>
        Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);
      const post = async (session: string, vendorIds: string[], v: string) => {
        for (let i = 0; i < vendorIds.length; i += 250)
          await store.records.upsert(
            c.id,
            session,
            'country',
            vendorIds
              .slice(i, i + 250)
              .map((id) => rec(id, { v, ...(Number(id.slice(1)) % 3 ? {} : { where: POINT }) })),
          );
      };
      await store.records.openSession(c.id, 's', 'stream');
      await post('s', ids('k', 0, 1200), 'old');
      await store.records.openSession(c.id, 'r', 'replace');
      await post('r', ids('n', 0, 300), 'first');
      await post('r', ids('k', 0, 1000), 'new');
      await store.records.delete(
        c.id,
        'r',
        ids('k', 0, 100).map((id) => ({ vendorId: id, publicId: `${c.cid}:${id}` })),
      );
      await post('r', ids('k', 50, 100), 'again');
      await post('r', ids('n', 0, 10), 'last');
      await post('r', ids('k', 100, 1000), 'new');
      expect(await store.records.pendingCount(c.id)).toBe(2360);
      await store.records.closeSession(c.id, 'r', 'country', true);
      // kept keys in place, then new keys by first upsert after their last delete; the rest replaced away
      expect(await vendorIds(store, c.id)).toEqual([...ids('k', 100, 1000), ...ids('n', 0, 300), ...ids('k', 50, 100)]);
      expect((await store.records.get(c.id, 'n6'))!.doc.entity).toEqual({ v: 'last', where: POINT });
      expect((await store.records.get(c.id, 'n7'))!.doc.entity).toEqual({ v: 'last' });
      expect((await store.records.get(c.id, 'k500'))!.doc.entity).toEqual({ v: 'new' });
      expect((await store.records.get(c.id, 'k60'))!.doc.entity).toEqual({ v: 'again', where: POINT });
      expect(await store.records.get(c.id, 'k1100')).toBeUndefined();
      const k99 = (await store.records.get(c.id, 'k99'))!;
      expect(await store.records.geometryCount(k99.seq)).toBe(1);
    });

    it('a first load (nothing stored yet), small or large, is the same replay', async () => {
      const other = await connectorWith(store, { slug: 'other' });
      await store.records.openSession(other.id, 'o', 'stream');
      await store.records.upsert(other.id, 'o', 'country', [record(other.cid, 'n1', { v: 'other' })]);
      const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `n${from + i}`);
      for (const [session, n] of [
        ['small', 80],
        ['large', 2400],
      ] as const) {
        // an empty replace empties the connector
        await store.records.openSession(c.id, `${session}-clear`, 'replace');
        await store.records.closeSession(c.id, `${session}-clear`, 'country', true);
        expect(await store.records.count(c.id)).toBe(0);
        await store.records.openSession(c.id, session, 'replace');
        const post = async (list: string[], v: string) => {
          for (let i = 0; i < list.length; i += 250)
            await store.records.upsert(
              c.id,
              session,
              'country',
              list.slice(i, i + 250).map((id) => rec(id, { v, ...(Number(id.slice(1)) % 4 ? {} : { where: POINT }) })),
            );
        };
        const tenth = n / 10;
        await post(ids(0, n), 'first');
        await store.records.delete(
          c.id,
          session,
          ids(0, tenth).map((id) => ({ vendorId: id, publicId: `${c.cid}:${id}` })),
        );
        await post(ids(tenth / 2, tenth), 'again');
        await post(ids(n - 2, n), 'last');
        await store.records.closeSession(c.id, session, 'country', true);
        expect(await vendorIds(store, c.id)).toEqual([...ids(tenth, n), ...ids(tenth / 2, tenth)]);
        expect((await store.records.get(c.id, `n${n - 1}`))!.doc.entity).toEqual({ v: 'last' });
        expect((await store.records.get(c.id, `n${tenth}`))!.doc.entity).toEqual({ v: 'first', where: POINT });
        expect(await store.records.get(c.id, 'n0')).toBeUndefined();
        const again = (await store.records.get(c.id, `n${tenth / 2}`))!;
        expect(again.doc.entity).toEqual({ v: 'again', where: POINT });
        expect(await store.records.geometryCount(again.seq)).toBe(1);
      }
      expect((await store.records.get(other.id, 'n1'))!.doc.entity).toEqual({ v: 'other' });
    });

    it('a large session of upserts only, each key once, is the same replay (PostgreSQL: no grouping by key)', async () => {
      const n = 2400;
      const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `k${from + i}`);
      const at = (i: number) => ({ type: 'Point', coordinates: [i % 170, i % 80] });
      const post = async (session: string, list: string[], entity: (i: number) => Record<string, unknown>) => {
        for (let i = 0; i < list.length; i += 250)
          await store.records.upsert(
            c.id,
            session,
            'country',
            list.slice(i, i + 250).map((id) => rec(id, entity(Number(id.slice(1))))),
          );
      };
      // a first load in posted order
      await store.records.openSession(c.id, 'first', 'replace');
      await post('first', ids(0, n), (i) => ({ v: 1, ...(i % 3 ? {} : { where: at(i) }) }));
      await store.records.closeSession(c.id, 'first', 'country', true);
      expect(await vendorIds(store, c.id)).toEqual(ids(0, n));
      const seqOf = new Map((await store.records.list(c.id)).map((r) => [r.vendorId, r.seq]));
      // a replace carrying keys in another order: unchanged, changed, moved, new; a tenth not carried
      await store.records.openSession(c.id, 'again', 'replace');
      const carried = [...ids(n + 100, n + 300), ...ids(n / 10, n).reverse()];
      const again = (i: number): Record<string, unknown> =>
        i >= n
          ? { v: 'new', where: at(i) }
          : i % 4 === 0
            ? { v: 1, ...(i % 3 ? {} : { where: at(i) }) } // unchanged
            : i % 4 === 1
              ? { v: 2, ...(i % 3 ? {} : { where: at(i) }) } // changed, same geometry
              : { v: 3, where: at(i + 1) }; // moved (or given a geometry)
      await post('again', carried, again);
      await store.records.closeSession(c.id, 'again', 'country', true);
      // stored keys keep their places, new ones follow in posted order
      expect(await vendorIds(store, c.id)).toEqual([...ids(n / 10, n), ...ids(n + 100, n + 300)]);
      for (const i of [n / 10, n / 10 + 1, n / 10 + 2, n / 10 + 3, n / 10 + 6, n - 1, n + 100, n + 299]) {
        const r = (await store.records.get(c.id, `k${i}`))!;
        if (i < n) expect(r.seq).toBe(seqOf.get(`k${i}`));
        const expected = again(i);
        expect(r.doc.entity).toEqual(expected);
        expect(await store.records.geometryCount(r.seq)).toBe('where' in expected ? 1 : 0);
      }
      expect(await store.records.get(c.id, 'k0')).toBeUndefined();
      expect(await store.records.geometryCount(seqOf.get('k0')!)).toBe(0);
      // every key stored already: nothing new, nothing lost
      await store.records.openSession(c.id, 'same', 'accrue');
      await post('same', ids(n / 10, n / 10 + 300), () => ({ v: 4 }));
      await store.records.closeSession(c.id, 'same', 'country', true);
      expect(await store.records.count(c.id)).toBe(n - n / 10 + 200);
      const same = (await store.records.get(c.id, `k${n / 10}`))!;
      expect(same.doc.entity).toEqual({ v: 4 });
      expect(await store.records.geometryCount(same.seq)).toBe(0);
    });

    it('a commit of unchanged records keeps them as they are', async () => {
      await store.records.openSession(c.id, 's', 'replace');
      await store.records.upsert(c.id, 's', 'country', [rec('a', { where: POINT }), rec('b')]);
      await store.records.closeSession(c.id, 's', 'country', true);
      const before = await store.records.list(c.id);
      await store.records.openSession(c.id, 't', 'replace');
      await store.records.upsert(c.id, 't', 'country', [rec('b'), rec('a', { where: POINT })]);
      await store.records.closeSession(c.id, 't', 'country', true);
      expect(await store.records.list(c.id)).toEqual(before);
      expect(await store.records.geometryCount(before[0]!.seq)).toBe(1);
    });

    it('sessions of two connectors do not see each other', async () => {
      const other = await connectorWith(store, { slug: 'other' });
      await store.records.openSession(c.id, 's', 'replace');
      await store.records.openSession(other.id, 'o', 'replace');
      await store.records.upsert(c.id, 's', 'country', [rec('a')]);
      await store.records.upsert(other.id, 'o', 'country', [record(other.cid, 'a', {})]);
      await store.records.closeSession(other.id, 'o', 'country', false);
      expect(await store.records.pendingCount(c.id)).toBe(1);
      await store.records.closeSession(c.id, 's', 'country', true);
      expect(await vendorIds(store, c.id)).toEqual(['a']);
      expect(await vendorIds(store, other.id)).toEqual([]);
      const f = await store.figures();
      expect(f.records).toEqual([
        { connector: 'country-source', type: 'country', live: true, records: 1 },
        { connector: 'other', type: 'country', live: true, records: 0 },
      ]);
    });

    it('writes handed over without waiting apply in that order', async () => {
      await store.records.openSession(c.id, 's', 'accrue');
      const calls = [];
      for (let i = 0; i < 20; i++) calls.push(store.records.upsert(c.id, 's', 'country', [rec(`r${i}`)]));
      calls.push(store.records.closeSession(c.id, 's', 'country', true));
      expect(await Promise.all(calls)).toEqual(calls.map(() => true));
      expect(await vendorIds(store, c.id)).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
    });

    it('deleting the connector removes its session, pending operations and records', async () => {
      await store.records.openSession(c.id, 's', 'stream');
      await store.records.upsert(c.id, 's', 'country', [rec('a', { where: POINT })]);
      const a = (await store.records.get(c.id, 'a'))!;
      await store.records.openSession(c.id, 't', 'accrue');
      await store.records.upsert(c.id, 't', 'country', [rec('b')]);
      await store.connectors.delete(c.id);
      expect(await store.records.count()).toBe(0);
      expect(await store.records.pendingCount(c.id)).toBe(0);
      expect(await store.records.geometryCount(a.seq)).toBe(0);
      expect((await store.figures()).openSessions).toEqual([]);
    });
  });
}
