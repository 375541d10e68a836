// The audit trail over HTTP against a real server (docs/AUDIT.md): coordinator changes, tokens,
// sessions and consumer activity are recorded, filtered and paged, and the chain verifies.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type AuditEntry, ConsumerClient, ContributorClient, CoordinatorClient } from '@bbk/sdk';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { type ConsumerEnv, consumerEnv, type TestConnector } from './consumer-setup.js';
import { call } from './harness.js';

let env: ConsumerEnv;

/** The audit table's rows as stored, from the engine under test (SQLite file or PostgreSQL schema). */
async function storedAuditRows(): Promise<Record<string, unknown>[]> {
  if (env.server.engine === 'sqlite') {
    const db = new Database(join(env.server.dataDir, 'bbk.sqlite'), { readonly: true });
    try {
      return db.prepare('SELECT * FROM audit').all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  const reader = (await env.server.openReader()) as PostgresStore;
  try {
    return (await reader.db.query('SELECT * FROM audit')).rows;
  } finally {
    await reader.close();
  }
}
let now = Date.parse('2030-01-01T10:00:10.000Z');
let connector: TestConnector;
const secrets: string[] = [];

const entries = async (query = {}): Promise<AuditEntry[]> => env.coord.audit.list({ limit: 1000, ...query });
const summary = (list: AuditEntry[]) => list.map((e) => `${e.actor} ${e.action} ${e.target}`);

beforeAll(async () => {
  env = await consumerEnv({ mode: 'production', now: () => now });
  secrets.push(env.server.adminToken);
  await env.entityType('thing');
  connector = await env.connector('thing', 'acme');
  secrets.push(connector.token, connector.webhookSecret);
  await env.upsert(connector, [
    { id: 'a', name: 'A', entity: {} },
    { id: 'b', name: 'B', entity: {} },
  ]);
  await env.policy('open', { segment: { type: 'thing' }, accessControl: { enabled: true, rate: 1 } });
});
afterAll(async () => {
  await env.close();
});

describe('coordinator changes and tokens', () => {
  it('starts with the bootstrap user and its token, by the system', async () => {
    const list = await entries({ limit: 2 });
    expect(summary(list)).toEqual(['system user.create user:1', 'system token.issue user:1']);
    expect(list[0]).toMatchObject({ seq: 1, prev_hash: '0'.repeat(64) });
    expect(list[1]!.prev_hash).toBe(list[0]!.hash);
  });

  it('records creates, updates, promotions and deletes with the caller as actor', async () => {
    const { id } = await env.coord.users.create({ name: 'Bob', email: 'bob@example.com', organization: 'X' });
    await env.coord.users.update(id, { name: 'Robert', organization: 'Y' });
    secrets.push(await env.coord.users.promote(id));
    await env.coord.users.demote(id);
    await env.coord.policies.update('open', {
      name: 'Open',
      description: 'changed',
      policy: {
        access_control: { enabled: true, rate: 1 },
        data_segment: { segment_query: { type: 'thing' }, field_masks: [] },
        legal_context: [],
      },
    });
    const mine = await entries({ actor: 'coordinator:1' });
    expect(summary(mine)).toEqual([
      'coordinator:1 entity-type.create entity-type:thing',
      'coordinator:1 connector.create connector:acme',
      'coordinator:1 token.issue connector:acme',
      'coordinator:1 connector.live connector:acme',
      'coordinator:1 policy.create policy:open',
      `coordinator:1 user.create user:${id}`,
      `coordinator:1 user.update user:${id}`,
      `coordinator:1 token.issue user:${id}`,
      `coordinator:1 token.rescind user:${id}`,
      'coordinator:1 policy.update policy:open',
    ]);
    const update = mine.find((e) => e.action === 'user.update')!;
    expect(update.detail).toEqual({
      before: { name: 'Bob', email: 'bob@example.com', organization: 'X', addendum: {} },
      after: { name: 'Robert', organization: 'Y', addendum: {} },
    });
    const policy = mine.find((e) => e.action === 'policy.update')!;
    expect(policy.detail).toMatchObject({ before: { description: 'policy open' }, after: { description: 'changed' } });
    expect(mine.find((e) => e.action === 'connector.create')!.detail).toEqual({
      entity_type: 'thing',
      after: { name: 'acme', description: 'connector acme', webhook: null, cache: 0 },
    });
  });

  it('records an access with its token, a reissue and a delete', async () => {
    const { id } = await env.coord.users.create({ name: 'Carol', email: 'carol@example.com', organization: 'Z' });
    secrets.push(await env.coord.accesses.grant(id, 'open'));
    secrets.push(await env.coord.accesses.reissue(id, 'open'));
    await env.coord.accesses.revoke(id, 'open');
    expect(summary(await entries({ target: `access:${id}/open` }))).toEqual([
      `coordinator:1 access.create access:${id}/open`,
      `coordinator:1 token.issue access:${id}/open`,
      `coordinator:1 token.reissue access:${id}/open`,
      `coordinator:1 access.delete access:${id}/open`,
    ]);
    const reissue = await entries({ action: 'token.reissue' });
    expect(reissue.at(-1)!.detail).toMatchObject({ kind: 'consumer', rescinded: 1 });
  });

  it('records nothing for a refused change', async () => {
    const before = (await entries()).length;
    await expect(
      env.coord.policies.create('open', { name: 'x', description: 'y', policy: {} as never }),
    ).rejects.toThrow();
    await expect(env.coord.users.update(999, { name: 'n', organization: 'o' })).rejects.toThrow();
    expect((await entries()).length).toBe(before);
  });
});

describe('contributor sessions', () => {
  it('records commit and rollback with mode and counts, by the connector', async () => {
    const api = new ContributorClient({ baseUrl: env.server.urls.contributor, token: connector.token });
    try {
      const sid = await api.openSession(connector.cid, 'accrue');
      await api.upsert(connector.cid, sid, [
        { id: 'c', name: 'C', entity: {} },
        { id: 'd', name: 'D', entity: {} },
      ]);
      await api.delete(connector.cid, sid, ['a']);
      await api.closeSession(connector.cid, sid, true);
      const second = await api.openSession(connector.cid, 'replace');
      await api.upsert(connector.cid, second, [{ id: 'e', name: 'E', entity: {} }]);
      await api.closeSession(connector.cid, second, false);
    } finally {
      await api.close();
    }
    const sessions = await entries({ target: 'connector:acme', actor: 'contributor' });
    expect(sessions.map((e) => [e.actor, e.action, e.detail])).toEqual([
      ['contributor:acme', 'session.commit', { mode: 'stream', upserts: 2, deletes: 0 }],
      ['contributor:acme', 'session.commit', { mode: 'accrue', upserts: 2, deletes: 1 }],
      ['contributor:acme', 'session.rollback', { mode: 'replace', upserts: 1, deletes: 0 }],
    ]);
  });
});

describe('GET /audit', () => {
  it('filters by actor or target kind, action and time, and pages by seq both ways', async () => {
    const all = await entries();
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect((await entries({ actor: 'system' })).length).toBe(2);
    expect((await entries({ target: 'policy' })).every((e) => e.target.startsWith('policy:'))).toBe(true);
    expect((await entries({ target: 'policy:open' })).length).toBeGreaterThan(1);
    expect(await entries({ target: 'policy:nope' })).toEqual([]);
    expect((await entries({ action: 'token.issue' })).every((e) => e.action === 'token.issue')).toBe(true);
    const mid = all[4]!;
    expect((await entries({ since: mid.at })).every((e) => e.at >= mid.at)).toBe(true);
    expect((await entries({ until: mid.at })).every((e) => e.at < mid.at)).toBe(true);
    expect(await entries({ until: '2000-01-01' })).toEqual([]);
    const page1 = await env.coord.audit.list({ limit: 3 });
    const page2 = await env.coord.audit.list({ limit: 3, after: page1.at(-1)!.seq });
    expect([...page1, ...page2]).toEqual(all.slice(0, 6));
    const last = await env.coord.audit.list({ limit: 2, order: 'desc' });
    expect(last).toEqual(all.slice(-2).reverse());
    expect(await env.coord.audit.list({ before: 3, order: 'desc' })).toEqual([all[1], all[0]]);
    const paged: AuditEntry[] = [];
    for await (const page of env.coord.audit.pages({ limit: 4 })) paged.push(...page);
    expect(paged).toEqual(all);
  });

  it('answers bad parameters with every item in the standard body', async () => {
    const res = await call(`${env.server.urls.coordinator}/audit?since=yesterday&limit=0&after=-1&order=up&actor=`, {
      token: env.server.adminToken,
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        code: 400,
        status: 'Bad Request',
        message: [
          { name: 'actor', index: null, reason: 'does not meet minimum length of 1' },
          { name: 'since', index: null, reason: 'is not valid ISO-8601 date format' },
          { name: 'after', index: null, reason: 'must be greater than or equal to 0' },
          { name: 'limit', index: null, reason: 'must be greater than or equal to 1' },
          { name: 'order', index: null, reason: 'is not one of enum values: asc,desc' },
        ],
      },
    });
    const over = await call(`${env.server.urls.coordinator}/audit?limit=1001`, { token: env.server.adminToken });
    expect(over.json).toMatchObject({
      error: { message: [{ name: 'limit', reason: 'must be less than or equal to 1000' }] },
    });
  });

  it('needs a coordinator token', async () => {
    expect((await call(`${env.server.urls.coordinator}/audit`)).status).toBe(401);
    expect((await call(`${env.server.urls.coordinator}/audit/verify`, { token: connector.token })).status).toBe(401);
  });

  it('verifies the chain: intact, with its length and head', async () => {
    const all = await entries();
    expect(await env.coord.audit.verify()).toEqual({ intact: true, entries: all.length, head: all.at(-1)!.hash });
  });
});

describe('consumer activity', () => {
  it('summarises calls, records and 429s per access per minute, written when the minute is over', async () => {
    const { id } = await env.coord.users.create({ name: 'Dan', email: 'dan@example.com', organization: 'D' });
    const token = await env.coord.accesses.grant(id, 'open');
    secrets.push(token);
    const access = (await entries({ action: 'access.create' })).at(-1)!.detail.access as number;
    const consumer = new ConsumerClient({ baseUrl: env.base, token });
    try {
      const list = await call(`${env.base}/entity/thing`, { token });
      expect(list.status).toBe(200);
      expect((list.json as unknown[]).length).toBe(3);
      const first = (list.json as { id: string }[])[0]!.id;
      expect((await call(`${env.base}/entity/thing/${first}`, { token })).status).toBe(429); // rate 1 per second
      now += 1000;
      expect((await call(`${env.base}/entity/thing/${first}`, { token })).status).toBe(200);
      expect(await entries({ action: 'consumer.activity' })).toEqual([]); // nothing written per call
      now += 60_000; // the minute is over: the next call hands it over
      expect((await call(`${env.base}/catalog?q={}`, { token })).status).toBe(200);
      let activity: AuditEntry[] = [];
      for (let i = 0; i < 100 && activity.length === 0; i++) {
        activity = await entries({ action: 'consumer.activity' });
        if (activity.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(activity.map((e) => [e.actor, e.target, e.detail])).toEqual([
        [
          `consumer:${access}`,
          `access:${id}/open`,
          { minute: '2030-01-01T10:00:00.000Z', calls: 3, records: 4, limited: 1 },
        ],
      ]);
    } finally {
      await consumer.close();
    }
  });

  it('names the access as it was when its minute is written after the access is gone', async () => {
    const { id } = await env.coord.users.create({ name: 'Gus', email: 'gus@example.com', organization: 'G' });
    const token = await env.coord.accesses.grant(id, 'open');
    const hal = await env.coord.users.create({ name: 'Hal', email: 'hal@example.com', organization: 'H' });
    const other = await env.coord.accesses.grant(hal.id, 'open');
    secrets.push(token, other);
    const access = (await entries({ action: 'access.create', target: `access:${id}/open` }))[0]!.detail
      .access as number;
    now += 60_000;
    expect((await call(`${env.base}/entity/thing`, { token })).status).toBe(200);
    await env.coord.accesses.revoke(id, 'open');
    now += 60_000; // the next call hands the minute over, the access already gone
    expect((await call(`${env.base}/entity/thing`, { token: other })).status).toBe(200);
    let activity: AuditEntry[] = [];
    for (let i = 0; i < 100 && activity.length === 0; i++) {
      activity = await entries({ action: 'consumer.activity', actor: `consumer:${access}` });
      if (activity.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(activity.map((e) => [e.target, e.detail.calls])).toEqual([[`access:${id}/open`, 1]]);
  });

  it('writes the minute in progress at shutdown', async () => {
    const before = (await entries({ action: 'consumer.activity' })).length;
    const verdict = await env.coord.audit.verify();
    env.server = await env.server.restart();
    const coord = new CoordinatorClient({ baseUrl: env.server.urls.coordinator, token: env.server.adminToken });
    try {
      const activity = await coord.audit.list({ action: 'consumer.activity' });
      expect(activity.length).toBe(before + 1);
      const minute = new Date(Math.floor(now / 60_000) * 60_000).toISOString(); // the last call's
      expect(activity.at(-1)!.detail).toEqual({ minute, calls: 1, records: 3, limited: 0 });
      const after = await coord.audit.verify();
      expect(after).toMatchObject({ intact: true, entries: (verdict as { entries: number }).entries + 1 });
    } finally {
      await coord.close();
    }
  });
});

describe('secrets', () => {
  it('records a token lifetime and a contributor token reissue', async () => {
    // last: it rotates the connector token the other tests use (on the server restarted above)
    const coord = new CoordinatorClient({ baseUrl: env.server.urls.coordinator, token: env.server.adminToken });
    try {
      const { id } = await coord.users.create({ name: 'Erin', email: 'erin.lifetime@example.com', organization: 'Z' });
      secrets.push(await coord.accesses.grant(id, 'open', { expires: '2099-01-01T00:00:00.000Z' }));
      secrets.push(await coord.connectors.reissueToken('thing', 'acme', { expires: '2099-02-01T00:00:00.000Z' }));
      const [grant] = await coord.audit.list({ target: `access:${id}/open`, action: 'token.issue' });
      expect(grant!.detail).toMatchObject({ kind: 'consumer', expires: '2099-01-01T00:00:00.000Z' });
      const rotated = (await coord.audit.list({ target: 'connector:acme', action: 'token.reissue' })).at(-1);
      expect(rotated).toMatchObject({ actor: 'coordinator:1', target: 'connector:acme' });
      expect(rotated!.detail).toMatchObject({ kind: 'contributor', rescinded: 1, expires: '2099-02-01T00:00:00.000Z' });
    } finally {
      await coord.close();
    }
  });

  it('never stores a token, a token hash, a key id or a webhook secret', async () => {
    const text = (await storedAuditRows()).map((r) => Object.values(r).join('|')).join('\n');
    expect(text.length).toBeGreaterThan(1000);
    const needles = secrets.flatMap((s) => {
      const parts = s.split('.');
      const hash = (v: string) => createHash('sha256').update(v).digest();
      return parts.length === 3
        ? [s, parts[1]!, parts[2]!, hash(parts[2]!).toString('hex'), hash(parts[2]!).toString('base64')]
        : [s];
    });
    expect(needles.length).toBeGreaterThan(10);
    for (const needle of needles) expect(text).not.toContain(needle);
  });
});
