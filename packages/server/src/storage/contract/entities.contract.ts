// The store contract, part 1: meta, users, tokens, entity types, connectors, policies, accesses.
// Engine-neutral: run by storage/sqlite/contract.test.ts and storage/postgres/contract.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Store, UnstorableValueError } from '../store.js';
import { connectorWith, type EngineLimits, newToken, policyValues, type StoreFactory, TYPE } from './fixtures.js';

const USER = { name: 'Ann', email: 'Ann@Example.com', organization: 'Acme', addendum: { a: 1 } };

export function entitiesContract(open: StoreFactory, limits: EngineLimits = {}): void {
  let store: Store;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  describe('meta', () => {
    it('sets, overwrites and reads values', async () => {
      expect(await store.meta.get('k')).toBeUndefined();
      await store.meta.set('k', 'one');
      await store.meta.set('k', 'two');
      expect(await store.meta.get('k')).toBe('two');
    });
  });

  describe('users', () => {
    it('ids increase, a taken email consumes none, a deleted id is never reused', async () => {
      expect(await store.users.sequenceUsed()).toBe(false);
      expect(await store.users.create(USER)).toBe(1);
      expect(await store.users.sequenceUsed()).toBe(true);
      expect(await store.users.create({ ...USER, email: 'ann@example.COM' })).toBeUndefined();
      expect(await store.users.create({ ...USER, email: 'bob@example.com' })).toBe(2);
      expect(await store.users.delete(2)).toBe(true);
      expect(await store.users.delete(2)).toBe(false);
      expect(await store.users.create({ ...USER, email: 'cy@example.com' })).toBe(3);
    });

    it('reads by id and email (lower-cased), updates, lists in id order with coordinator and accesses', async () => {
      const id = (await store.users.create(USER))!;
      await store.users.create({ ...USER, email: 'b@x.org', organization: 'Beta' });
      expect(await store.users.getByEmail('ANN@example.com')).toEqual({
        id,
        name: 'Ann',
        email: 'ann@example.com',
        organization: 'Acme',
        addendum: { a: 1 },
        coordinator: false,
        accesses: [],
      });
      expect(await store.users.update(id, { name: 'Anne', organization: 'Acme Ltd', addendum: {} })).toBe(true);
      expect(await store.users.update(99, { name: 'x', organization: '', addendum: {} })).toBe(false);
      expect(await store.tokens.issue({ ...newToken(), kind: 'coordinator', subject: id })).toBe('issued');
      const u = await store.users.get(id);
      expect(u).toMatchObject({ name: 'Anne', organization: 'Acme Ltd', addendum: {}, coordinator: true });
      expect((await store.users.list()).map((x) => x.email)).toEqual(['ann@example.com', 'b@x.org']);
      expect((await store.users.organizationsStartingWith('ACME')).sort()).toEqual(['Acme Ltd']);
      expect(await store.users.get(99)).toBeUndefined();
    });

    it('deleting a user removes its accesses and revokes its tokens', async () => {
      const id = (await store.users.create(USER))!;
      const coordinator = newToken();
      expect(await store.tokens.issue({ ...coordinator, kind: 'coordinator', subject: id })).toBe('issued');
      await store.policies.create('p', policyValues());
      const access = await store.accesses.create(id, (await store.policies.get('p'))!.id, newToken());
      expect((await store.users.get(id))!.accesses).toEqual(['p']);
      await store.users.delete(id);
      expect((await store.tokens.get(coordinator.keyId))!.revoked).toBe(true);
      expect(await store.accesses.getById(access!.id)).toBeUndefined();
      expect(await store.tokens.hasLive('consumer', access!.id)).toBe(false);
    });
  });

  describe('tokens', () => {
    it('issue: only for a subject that exists, once only when asked, one live token whatever runs at once', async () => {
      const user = (await store.users.create(USER))!;
      expect(await store.tokens.issue({ ...newToken(), kind: 'coordinator', subject: 999 })).toBe('gone');
      expect(await store.tokens.issue({ ...newToken(), kind: 'consumer', subject: user })).toBe('gone');
      expect(await store.tokens.hasLive('coordinator', 999)).toBe(false);
      const first = newToken();
      const notes: number[] = [];
      expect(
        await store.tokens.issue({ ...first, kind: 'coordinator', subject: user }, { once: true }, (revoked) => {
          notes.push(revoked);
          return undefined;
        }),
      ).toBe('issued');
      expect(
        await store.tokens.issue({ ...newToken(), kind: 'coordinator', subject: user }, { once: true }, (revoked) => {
          notes.push(revoked);
          return undefined;
        }),
      ).toBe('exists');
      expect(notes).toEqual([0]);
      expect((await store.tokens.get(first.keyId))!.revoked).toBe(false);

      // eight reissues at once: each revokes the one before it, so exactly one stays live
      const minted = Array.from({ length: 8 }, () => newToken());
      const outcomes = await Promise.all(
        minted.map((t) => store.tokens.issue({ ...t, kind: 'coordinator', subject: user })),
      );
      expect(outcomes).toEqual(Array(8).fill('issued'));
      const live = [first, ...minted].map(async (t) => (await store.tokens.get(t.keyId))!.revoked === false);
      expect((await Promise.all(live)).filter(Boolean)).toHaveLength(1);

      // eight promotions at once of a user who has none: one is issued
      const other = (await store.users.create({ ...USER, email: 'other@example.com' }))!;
      const once = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.tokens.issue({ ...newToken(), kind: 'coordinator', subject: other }, { once: true }),
        ),
      );
      expect(once.filter((o) => o === 'issued')).toHaveLength(1);
      expect(once.filter((o) => o === 'exists')).toHaveLength(7);

      // a subject deleted while tokens are issued for it ends with none live
      const doomed = (await store.users.create({ ...USER, email: 'doomed@example.com' }))!;
      const racing = Array.from({ length: 4 }, () => newToken());
      await Promise.all([
        ...racing.map((t) => store.tokens.issue({ ...t, kind: 'coordinator', subject: doomed })),
        store.users.delete(doomed),
      ]);
      expect(await store.tokens.hasLive('coordinator', doomed)).toBe(false);
    });

    it('a new token revokes the subject’s live one of that kind only', async () => {
      // the first user and the first access: one subject number, two kinds
      const user = (await store.users.create(USER))!;
      await store.policies.create('p', policyValues());
      const access = (await store.accesses.create(user, (await store.policies.get('p'))!.id, newToken()))!.id;
      expect(access).toBe(user);
      const a = newToken();
      const b = newToken();
      expect(await store.tokens.issue({ ...a, kind: 'coordinator', subject: user })).toBe('issued');
      const c = newToken();
      expect(await store.tokens.issue({ ...c, kind: 'consumer', subject: access })).toBe('issued');
      expect((await store.tokens.get(c.keyId))!.policy).toMatchObject({ slug: 'p' });
      // other kinds carry no `policy` at all
      expect(await store.tokens.get(a.keyId)).toEqual({
        keyId: a.keyId,
        kind: 'coordinator',
        hash: a.hash,
        subject: user,
        revoked: false,
        expires: null,
      });
      expect(await store.tokens.issue({ ...b, kind: 'coordinator', subject: user })).toBe('issued');
      expect((await store.tokens.get(a.keyId))!.revoked).toBe(true);
      expect((await store.tokens.get(b.keyId))!.revoked).toBe(false);
      expect(await store.tokens.hasLive('consumer', access)).toBe(true);
      expect(await store.tokens.revokeSubject('coordinator', user)).toBe(1);
      expect(await store.tokens.revokeSubject('coordinator', user)).toBe(0);
      expect(await store.tokens.hasLive('coordinator', user)).toBe(false);
      // a consumer token whose access is gone: revoked, and no policy
      expect(await store.accesses.delete(access)).toBe(true);
      expect(await store.tokens.get(c.keyId)).toMatchObject({ revoked: true, policy: null });
      expect(await store.tokens.get('nope')).toBeUndefined();
    });
  });

  describe('entity types', () => {
    it('creates once, lists by slug, bumps the version on update, finds tags', async () => {
      expect(await store.entityTypes.create('zeta', TYPE)).toBe(true);
      expect(await store.entityTypes.create('Zulu', { ...TYPE, tags: ['Geology'] })).toBe(true);
      expect(await store.entityTypes.create('zeta', TYPE)).toBe(false);
      // byte order, whatever the database collation
      expect((await store.entityTypes.list()).map((t) => t.slug)).toEqual(['Zulu', 'zeta']);
      const before = (await store.entityTypes.get('zeta'))!;
      expect(before).toMatchObject({ ...TYPE, slug: 'zeta', version: 1 });
      const changed = { ...TYPE, name: 'Z', timeseries: { t: { period: 'P1D', value: 'x', unit: 'u' } } };
      expect(await store.entityTypes.update('zeta', changed)).toBe(true);
      expect(await store.entityTypes.update('nope', TYPE)).toBe(false);
      expect(await store.entityTypes.get('zeta')).toMatchObject({ ...changed, id: before.id, version: 2 });
      expect((await store.entityTypes.tagsStartingWith('GEO')).sort()).toEqual(['Geology', 'geo']);
    });

    it('searches prefixes without case beyond ASCII, the same on every engine', async () => {
      await store.entityTypes.create('greek', { ...TYPE, tags: ['Ωmega', 'Élan', 'İstanbul'] });
      await store.policies.create('greek', { ...policyValues(), tags: ['ÉLAN'] });
      await store.users.create({ ...USER, organization: 'Élan Corp' });
      for (const q of ['é', 'É', 'élan']) expect(await store.users.organizationsStartingWith(q)).toEqual(['Élan Corp']);
      expect(await store.entityTypes.tagsStartingWith('ω')).toEqual(['Ωmega']);
      expect(await store.entityTypes.tagsStartingWith('é')).toEqual(['Élan']);
      expect(await store.entityTypes.tagsStartingWith('i')).toEqual(['İstanbul']);
      expect(await store.policies.tagsStartingWith('élan')).toEqual(['ÉLAN']);
      expect(await store.policies.tagsStartingWith('e')).toEqual([]);
    });

    it('keeps schemas and policies exactly as written, key order included (it orders validation errors)', async () => {
      const schema = {
        type: 'object',
        properties: { code: { type: 'string' } },
        required: ['code'],
        additionalProperties: false,
      };
      await store.entityTypes.create('ordered', { ...TYPE, schema });
      expect(JSON.stringify((await store.entityTypes.get('ordered'))!.schema)).toBe(JSON.stringify(schema));
      const policy = policyValues({ 'entity.zz': 1, type: 'ordered' });
      await store.policies.create('ordered', policy);
      expect(JSON.stringify((await store.policies.get('ordered'))!.policy)).toBe(JSON.stringify(policy.policy));
    });

    it('declared indexes are kept in step with the types (create, update, delete)', async () => {
      await store.entityTypes.create('a', { ...TYPE, indexes: ['entity.iso', 'entity.x'] });
      await store.entityTypes.create('b', { ...TYPE, indexes: ['entity.iso'] });
      expect(await store.catalog.syncIndexes()).toEqual({ created: [], dropped: [] });
      await store.entityTypes.update('a', { ...TYPE, indexes: [] });
      expect(await store.catalog.syncIndexes()).toEqual({ created: [], dropped: [] });
      await store.entityTypes.delete('b');
      expect(await store.catalog.syncIndexes()).toEqual({ created: [], dropped: [] });
      expect((await store.entityTypes.get('a'))!.indexes).toEqual([]);
    });

    it('deleting a type cascades to its connectors and revokes their tokens', async () => {
      const token = newToken();
      await store.entityTypes.create('t', TYPE);
      const et = (await store.entityTypes.get('t'))!;
      const c = await store.connectors.create(
        et.id,
        'src',
        { name: 's', description: '', webhook: null, cache: 0, contributionId: 'cid1', webhookSecret: 'w' },
        token,
      );
      expect(await store.entityTypes.delete('t')).toBe(true);
      expect(await store.entityTypes.delete('t')).toBe(false);
      expect(await store.connectors.getById(c!.id)).toBeUndefined();
      expect((await store.tokens.get(token.keyId))!.revoked).toBe(true);
    });
  });

  describe('connectors', () => {
    it('creates with its token, slugs unique instance-wide, reads every way', async () => {
      const token = newToken();
      await store.entityTypes.create('t', TYPE);
      await store.entityTypes.create('u', TYPE);
      const t = (await store.entityTypes.get('t'))!;
      const u = (await store.entityTypes.get('u'))!;
      const values = { name: 'S', description: 'd', webhook: 'http://x', cache: 5, webhookSecret: 'w' };
      const c = (await store.connectors.create(t.id, 'src', { ...values, contributionId: 'c1' }, token))!;
      expect(c).toEqual({
        id: c.id,
        slug: 'src',
        entityTypeId: t.id,
        entityType: 't',
        contributionId: 'c1',
        name: 'S',
        description: 'd',
        webhook: 'http://x',
        cache: 5,
        isLive: false,
        webhookSecret: 'w',
        inSession: false,
      });
      expect(
        await store.connectors.create(u.id, 'src', { ...values, contributionId: 'c2' }, newToken()),
      ).toBeUndefined();
      expect(await store.tokens.get(token.keyId)).toMatchObject({ kind: 'contributor', subject: c.id, revoked: false });
      expect(await store.connectors.get(t.id, 'src')).toEqual(c);
      expect(await store.connectors.get(u.id, 'src')).toBeUndefined();
      expect(await store.connectors.getBySlug('src')).toEqual(c);
      expect(await store.connectors.getByContributionId('c1')).toEqual(c);
      await store.connectors.create(t.id, 'Another', { ...values, contributionId: 'c3' }, newToken());
      expect((await store.connectors.list(t.id)).map((x) => x.slug)).toEqual(['Another', 'src']);
    });

    it('updates, goes live, shows its session, deletes with its token revoked', async () => {
      const { id, cid } = await connectorWith(store, { live: false });
      expect(await store.connectors.liveIds()).toEqual([]);
      await store.connectors.setLive(id, true);
      expect(await store.connectors.liveIds()).toEqual([id]);
      await store.connectors.update(id, { name: 'N', description: 'D', webhook: null, cache: 1 });
      await store.records.openSession(id, 's1', 'stream');
      expect(await store.connectors.getById(id)).toMatchObject({
        name: 'N',
        description: 'D',
        cache: 1,
        isLive: true,
        inSession: true,
      });
      const token = await store.tokens.hasLive('contributor', id);
      expect(token).toBe(true);
      await store.connectors.delete(id);
      expect(await store.connectors.getByContributionId(cid)).toBeUndefined();
      expect(await store.tokens.hasLive('contributor', id)).toBe(false);
      expect(await store.connectors.liveIds()).toEqual([]);
    });
  });

  describe('policies and accesses', () => {
    it('policies: create once, list by slug, version bump, tags', async () => {
      expect(await store.policies.create('b', policyValues({ type: 'x' }))).toBe(true);
      expect(await store.policies.create('a', { ...policyValues(), tags: ['Openness'] })).toBe(true);
      expect(await store.policies.create('b', policyValues())).toBe(false);
      expect((await store.policies.list()).map((p) => p.slug)).toEqual(['a', 'b']);
      const b = (await store.policies.get('b'))!;
      expect(b).toMatchObject({ ...policyValues({ type: 'x' }), slug: 'b', version: 1 });
      expect(await store.policies.update('b', policyValues())).toBe(true);
      expect(await store.policies.getById(b.id)).toMatchObject({ ...policyValues(), version: 2 });
      expect(await store.policies.update('nope', policyValues())).toBe(false);
      expect((await store.policies.tagsStartingWith('open')).sort()).toEqual(['Openness', 'open']);
      expect(await store.catalog.policyBySlug('b')).toEqual({ id: b.id, slug: 'b', version: 2 });
    });

    it('accesses: one per user and policy, each with its token; deleting a policy revokes them', async () => {
      const user = (await store.users.create(USER))!;
      await store.policies.create('p', policyValues());
      await store.policies.create('q', policyValues());
      const p = (await store.policies.get('p'))!;
      const q = (await store.policies.get('q'))!;
      const tq = newToken();
      const aq = (await store.accesses.create(user, q.id, tq))!;
      const ap = (await store.accesses.create(user, p.id, newToken()))!;
      expect(await store.accesses.create(user, p.id, newToken())).toBeUndefined();
      expect(aq).toEqual({ id: aq.id, userId: user, policy: 'q', created: expect.stringMatching(/^\d{4}-.*Z$/) });
      expect((await store.accesses.list(user)).map((a) => a.policy)).toEqual(['q', 'p']);
      expect((await store.users.get(user))!.accesses).toEqual(['q', 'p']);
      expect(await store.accesses.get(user, 'p')).toEqual(ap);
      // a shared store also says whether the access is suspended (services/consumer-scope.ts)
      const head = { id: q.id, slug: 'q', version: 1, ...(store.shared ? { suspension: null } : {}) };
      expect(await store.catalog.policyByAccess(aq.id)).toEqual(head);
      if (store.shared) {
        await store.activity.setGuard(aq.id, { suspended: '2024-01-01T00:00:00.000Z', reason: 'coordinator' });
        expect(await store.catalog.policyByAccess(aq.id)).toEqual({ ...head, suspension: 'coordinator' });
        await store.activity.setGuard(aq.id, { suspended: null });
        expect(await store.catalog.policyByAccess(aq.id)).toEqual(head);
      }
      // a consumer token comes with its access's policy head, read in the same statement
      expect(await store.tokens.get(tq.keyId)).toMatchObject({ kind: 'consumer', subject: aq.id, revoked: false });
      expect((await store.tokens.get(tq.keyId))!.policy).toEqual(head);
      if (store.shared) {
        await store.activity.setGuard(aq.id, { suspended: '2024-01-01T00:00:00.000Z', reason: 'detector' });
        expect((await store.tokens.get(tq.keyId))!.policy).toEqual({ ...head, suspension: 'detector' });
        await store.activity.setGuard(aq.id, { suspended: null });
      }
      await store.policies.update('q', policyValues({ name: 'Q2' }));
      expect((await store.tokens.get(tq.keyId))!.policy).toEqual(await store.catalog.policyByAccess(aq.id));
      expect((await store.tokens.get(tq.keyId))!.policy!.version).toBe(2);
      expect(await store.policies.delete('q')).toBe(true);
      expect(await store.policies.delete('q')).toBe(false);
      expect(await store.tokens.get(tq.keyId)).toMatchObject({ revoked: true, policy: null });
      await store.accesses.delete(ap.id);
      expect(await store.accesses.list(user)).toEqual([]);
      expect(await store.tokens.hasLive('consumer', ap.id)).toBe(false);
    });
  });

  describe('U+0000', () => {
    it('a lookup by a key holding it finds nothing', async () => {
      await store.users.create(USER);
      expect(await store.users.getByEmail('ann@example.com\0')).toBeUndefined();
      expect(await store.entityTypes.get('a\0')).toBeUndefined();
      expect(await store.policies.tagsStartingWith('\0')).toEqual([]);
      expect(await store.tokens.get('k\0')).toBeUndefined();
      expect(await store.connectors.getByContributionId('c\0')).toBeUndefined();
    });

    it(
      limits.nulInText ? `is refused in stored text (${limits.nulInText})` : 'is stored in text like any character',
      async () => {
        const write = store.users.create({ ...USER, name: 'A\0B' });
        if (limits.nulInText) {
          await expect(write).rejects.toBeInstanceOf(UnstorableValueError);
          expect(await store.users.list()).toEqual([]);
        } else expect((await store.users.get((await write)!))!.name).toBe('A\0B');
      },
    );

    it(
      limits.nulInText
        ? 'is refused inside JSON values too (tags, segments, addenda), keys included'
        : 'is kept inside JSON values like any character',
      async () => {
        const writes = [
          () => store.entityTypes.create('nul', { ...TYPE, tags: ['\0x'] }),
          () => store.policies.create('nul', policyValues({ 'entity.a': 'x\0' })),
          () => store.policies.create('nul-key', policyValues({ 'entity.a\0b': 1 })),
          () => store.users.create({ ...USER, addendum: { note: { deep: ['\0'] } } }),
        ];
        for (const write of writes) {
          if (limits.nulInText) await expect(write()).rejects.toBeInstanceOf(UnstorableValueError);
          else await write();
        }
        if (limits.nulInText) {
          expect(await store.entityTypes.list()).toEqual([]);
          expect(await store.policies.list()).toEqual([]);
          expect(await store.users.list()).toEqual([]);
          // nothing was stored that a search could trip over
          expect(await store.entityTypes.tagsStartingWith('x')).toEqual([]);
        } else {
          expect((await store.entityTypes.get('nul'))!.tags).toEqual(['\0x']);
          expect((await store.policies.get('nul'))!.policy.data_segment.segment_query).toEqual({ 'entity.a': 'x\0' });
        }
      },
    );
  });

  describe('health and figures', () => {
    it('a fresh store is ready and counts nothing', async () => {
      const h = await store.health();
      expect(h.database).toBe(true);
      expect(h.schemaVersion).toBe(h.expectedSchemaVersion);
      const f = await store.figures();
      expect(f.records).toEqual([]);
      expect(f.openSessions).toEqual([]);
      expect(f.databaseBytes).toBeGreaterThan(0);
    });
  });
}
