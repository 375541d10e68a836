// The store contract, part 4: the audit log, access usage, violations and guards, token lifetimes.
// Engine-neutral: run by storage/sqlite/contract.test.ts and storage/postgres/contract.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditDraft } from '../audit-store.js';
import type { Store } from '../store.js';
import { newToken, policyValues, type StoreFactory } from './fixtures.js';

const USER = { name: 'Ann', email: 'ann@example.com', organization: 'Acme', addendum: {} };
const draft = (n: number): AuditDraft => ({
  actor: 'coordinator:1',
  action: 'test.step',
  target: `user:${n}`,
  detail: { n },
});

/** A user with an access to a fresh policy; returns the access id. */
async function accessOf(store: Store, email = USER.email): Promise<number> {
  const user = (await store.users.create({ ...USER, email }))!;
  const slug = `p-${user}`;
  await store.policies.create(slug, policyValues());
  const policy = (await store.policies.get(slug))!;
  return (await store.accesses.create(user, policy.id, newToken()))!.id;
}

export function activityContract(open: StoreFactory): void {
  let store: Store;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  describe('audit log', () => {
    it('appends in order (also when appends race), lists by filter and page, verifies intact', async () => {
      const first = await store.audit.append([draft(1), draft(2)]);
      expect(first.map((e) => e.seq)).toEqual([1, 2]);
      expect(first[1]!.prev_hash).toBe(first[0]!.hash);
      await Promise.all([3, 4, 5, 6, 7, 8].map((n) => store.audit.append(draft(n))));
      const all = await store.audit.list({}, { limit: 100, order: 'asc' });
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (let i = 1; i < all.length; i++) expect(all[i]!.prev_hash).toBe(all[i - 1]!.hash);
      expect(all[0]!.detail).toEqual({ n: 1 });
      expect((await store.audit.list({ target: 'user:3' }, { limit: 10, order: 'asc' })).length).toBe(1);
      expect((await store.audit.list({ target: 'user' }, { limit: 10, order: 'asc' })).length).toBe(8);
      expect((await store.audit.list({ actor: 'coordinator' }, { limit: 3, order: 'desc' })).map((e) => e.seq)).toEqual(
        [8, 7, 6],
      );
      expect((await store.audit.list({}, { after: 2, before: 5, limit: 10, order: 'asc' })).map((e) => e.seq)).toEqual([
        3, 4,
      ]);
      expect(await store.audit.verify()).toMatchObject({ intact: true });
    });

    it('a write’s note is appended with the change, in the same transaction', async () => {
      const id = await store.users.create(USER, (uid) => ({
        actor: 'system',
        action: 'user.create',
        target: `user:${uid}`,
        detail: {},
      }));
      expect(await store.users.update(99, { name: 'x', organization: '', addendum: {} }, () => undefined)).toBe(false);
      const entries = await store.audit.list({}, { limit: 10, order: 'asc' });
      expect(entries.map((e) => [e.action, e.target])).toEqual([['user.create', `user:${id}`]]);
      // a note that throws undoes the change it records
      const failing = () => {
        throw new Error('note failed');
      };
      await expect(store.users.create({ ...USER, email: 'bob@example.com' }, failing)).rejects.toThrow('note failed');
      expect(await store.users.getByEmail('bob@example.com')).toBeUndefined();
      expect(await store.audit.verify()).toMatchObject({ intact: true });
    });
  });

  describe('usage, violations, guards', () => {
    it('usage adds up per (access, day); a deleted access’s figures are skipped', async () => {
      const access = await accessOf(store);
      const delta = { accessId: access, day: '2026-01-02', calls: 2, records: 5, rate_limited: 1, quota_limited: 0 };
      await store.activity.addUsage([{ ...delta, lastUsed: '2026-01-02T10:00:00.000Z' }]);
      await store.activity.addUsage([
        { ...delta, lastUsed: '2026-01-02T09:00:00.000Z' },
        { ...delta, day: '2026-01-03', lastUsed: '2026-01-03T01:00:00.000Z' },
        { ...delta, accessId: access + 1000, lastUsed: '2026-01-03T01:00:00.000Z' },
      ]);
      expect(await store.activity.usage(access)).toEqual([
        {
          day: '2026-01-03',
          calls: 2,
          records: 5,
          rate_limited: 1,
          quota_limited: 0,
          last_used: '2026-01-03T01:00:00.000Z',
        },
        {
          day: '2026-01-02',
          calls: 4,
          records: 10,
          rate_limited: 2,
          quota_limited: 0,
          last_used: '2026-01-02T10:00:00.000Z',
        },
      ]);
      expect((await store.activity.usage(access, { until: '2026-01-02' })).map((d) => d.day)).toEqual(['2026-01-02']);
    });

    it('a flag merges into the open one of its detector; dismissed flags are gone; guards default and set', async () => {
      const access = await accessOf(store);
      const flag = { accessId: access, detector: 'burst', severity: 'low' as const, evidence: { a: 1 } };
      await store.activity.raise([{ ...flag, at: '2026-01-01T00:00:00.000Z' }]);
      await store.activity.raise([{ ...flag, severity: 'high', evidence: { a: 2 }, at: '2026-01-01T00:01:00.000Z' }]);
      const [open] = await store.activity.violations({});
      expect(open).toMatchObject({ accessId: access, severity: 'high', evidence: { a: 2 }, count: 2 });
      expect(open!.firstSeen).toBe('2026-01-01T00:00:00.000Z');
      expect(await store.activity.violations({ detector: 'other' })).toEqual([]);
      expect(await store.activity.dismiss(open!.id)).toBe(true);
      expect(await store.activity.dismiss(open!.id)).toBe(false);
      expect(await store.activity.violations({})).toEqual([]);
      expect(await store.activity.guard(access)).toEqual({ autoSuspend: false, suspended: null, reason: null });
      await store.activity.setGuard(access, { autoSuspend: true });
      await store.activity.setGuard(access, { suspended: '2026-01-01T00:00:00.000Z', reason: 'burst' });
      expect(await store.activity.guards()).toEqual([
        { accessId: access, autoSuspend: true, suspended: '2026-01-01T00:00:00.000Z', reason: 'burst' },
      ]);
    });
  });

  describe('token lifetimes', () => {
    it('keeps the expiry, records the latest use only, summarises per subject', async () => {
      const access = await accessOf(store);
      const a = newToken();
      const issued = await store.tokens.issue({
        ...a,
        expires: '2030-01-01T00:00:00.000Z',
        kind: 'consumer',
        subject: access,
      });
      expect(issued).toBe('issued');
      expect((await store.tokens.get(a.keyId))!.expires).toBe('2030-01-01T00:00:00.000Z');
      await store.tokens.recordUses([
        { keyId: a.keyId, at: '2026-01-02T00:00:00.000Z' },
        { keyId: a.keyId, at: '2026-01-01T00:00:00.000Z' },
      ]);
      await store.tokens.recordUses([{ keyId: a.keyId, at: '2025-12-31T00:00:00.000Z' }]);
      const summaries = await store.tokens.summaries('consumer', [access, access + 1000]);
      expect([...summaries]).toEqual([
        [access, { expires: '2030-01-01T00:00:00.000Z', lastUsed: '2026-01-02T00:00:00.000Z' }],
      ]);
      // a new token without expiry replaces the live one; the last use of the old one is kept
      expect(await store.tokens.issue({ ...newToken(), kind: 'consumer', subject: access })).toBe('issued');
      expect(await store.tokens.summaries('consumer', [access])).toEqual(
        new Map([[access, { expires: null, lastUsed: '2026-01-02T00:00:00.000Z' }]]),
      );
    });
  });
}
