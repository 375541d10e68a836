import { BbkApiError, CoordinatorClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './harness.js';

// Token lifetimes (bbk extension, docs/DECISIONS.md): expiry by duration or ISO time, 401 "token expired",
// reissue with a new expiry, expires/last_used in the coordinator's views, 400 on `expires`.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The server's clock: tests move it forward instead of sleeping. */
let clock = Date.now();
let server: TestServer;
let admin: CoordinatorClient;
let base: string;
let uid: number;

const expired = { error: { code: 401, status: 'Unauthorized', message: 'token expired' } };
const unauthorized = { error: { code: 401, status: 'Unauthorized', message: '' } };
const forbidden = { error: { code: 403, status: 'Forbidden', message: '' } };
const badExpires = (reason: string) => ({
  error: { code: 400, status: 'Bad Request', message: [{ name: 'expires', index: null, reason }] },
});
const iso = (ms: number) => new Date(ms).toISOString();

/** A consumer or contributor call with a token: the announce route of its API. */
const consume = (token: string) => call(server.urls.consumer, { token });
const contribute = (token: string) => call(server.urls.contributor, { token });

async function policy(pid: string): Promise<void> {
  await admin.policies.create(pid, {
    name: pid,
    description: pid,
    policy: {
      access_control: { enabled: false },
      data_segment: { segment_query: { type: 'country' } },
      legal_context: [],
    },
  });
}

beforeAll(async () => {
  server = await startTestServer({ mode: 'production', now: () => clock });
  base = server.urls.coordinator;
  admin = new CoordinatorClient({ baseUrl: base, token: server.adminToken });
  uid = (await admin.users.create({ name: 'Carol', email: 'carol@x.io', organization: 'X' })).id;
  for (const pid of ['by-duration', 'by-time', 'forever', 'reissued', 'checked']) await policy(pid);
  await admin.entityTypes.create('country', { name: 'Countries', description: 'All countries' });
});
afterAll(async () => {
  await admin.close();
  await server.destroy();
});

describe('consumer tokens (accesses)', () => {
  it('expire after a duration: 401 with "token expired" once the clock passes it', async () => {
    const token = await admin.accesses.grant(uid, 'by-duration', { expires: '2h' });
    const item = await admin.accesses.get(uid, 'by-duration');
    expect(item.expires).toBe(iso(clock + 2 * HOUR));
    expect((await consume(token)).status).toBe(200);
    clock += 2 * HOUR - 1;
    expect((await consume(token)).status).toBe(200);
    clock += 1;
    const res = await consume(token);
    expect(res.status).toBe(401);
    expect(res.json).toEqual(expired);
    // every other 401 keeps its empty message
    expect((await consume(`${token}x`)).json).toEqual(unauthorized);
  });

  it('expire at an ISO-8601 time, stored in UTC', async () => {
    const at = clock + 3 * DAY;
    const offset = `${new Date(at).toISOString().slice(0, 19)}+00:00`; // same instant, written with an offset
    const token = await admin.accesses.grant(uid, 'by-time', { expires: offset });
    expect((await admin.accesses.get(uid, 'by-time')).expires).toBe(iso(Math.floor(at / 1000) * 1000));
    expect((await consume(token)).status).toBe(200);
    clock += 3 * DAY;
    expect((await consume(token)).json).toEqual(expired);
  });

  it('never expire without expires (the default), and say so with null', async () => {
    const token = await admin.accesses.grant(uid, 'forever');
    expect(await admin.accesses.get(uid, 'forever')).toMatchObject({ expires: null, last_used: null });
    clock += 3650 * DAY;
    expect((await consume(token)).status).toBe(200);
  });

  it('reissue with a new expiry (or none): the old token is revoked (403), the new one runs to its own expiry', async () => {
    const first = await admin.accesses.grant(uid, 'reissued', { expires: '1h' });
    const second = await admin.accesses.reissue(uid, 'reissued', { expires: '2w' });
    expect((await admin.accesses.get(uid, 'reissued')).expires).toBe(iso(clock + 14 * DAY));
    clock += 2 * HOUR;
    // revoked beats expired
    expect((await consume(first)).json).toEqual(forbidden);
    expect((await consume(second)).status).toBe(200);
    const third = await admin.accesses.reissue(uid, 'reissued');
    expect((await admin.accesses.get(uid, 'reissued')).expires).toBeNull();
    clock += 15 * DAY;
    expect((await consume(second)).status).toBe(403);
    expect((await consume(third)).status).toBe(200);
  });

  it('show when the access was last used, in the list and the item', async () => {
    const token = await admin.accesses.grant(uid, 'checked', { expires: '30d' });
    expect((await admin.accesses.get(uid, 'checked')).last_used).toBeNull();
    const usedAt = clock;
    expect((await consume(token)).status).toBe(200);
    clock += HOUR;
    const listed = (await admin.accesses.list(uid)).find((a) => a.id === 'checked');
    expect(listed).toMatchObject({ expires: iso(usedAt + 30 * DAY), last_used: iso(usedAt) });
    // a refused call is not a use
    await consume(`${token}x`);
    expect((await admin.accesses.get(uid, 'checked')).last_used).toBe(iso(usedAt));
  });

  it('refuse a bad expires with 400 on expires, before 404 and 409, and issue nothing', async () => {
    const url = `${base}/user/${uid}/access/checked`;
    const cases: [unknown, string][] = [
      [42, 'is not of a type(s) string,null'],
      ['soon', 'is not any of "duration","ISO-8601 time"'],
      ['90 d', 'is not any of "duration","ISO-8601 time"'],
      ['0s', 'must be in the future'],
      [iso(clock - 1000), 'must be in the future'],
      ['2030-13-01', 'is not valid ISO-8601 date format'],
      ['9999999w', 'must not be later than 9999-12-31T23:59:59.999Z'],
    ];
    for (const [expires, reason] of cases) {
      for (const method of ['POST', 'PUT']) {
        const res = await call(url, { method, token: server.adminToken, body: { expires } });
        expect(res.status, `${method} ${String(expires)}`).toBe(400);
        expect(res.json).toEqual(badExpires(reason));
      }
    }
    // 400 comes first: an unknown policy with a bad expires is still a 400
    const unknown = await call(`${base}/user/${uid}/access/nope`, {
      method: 'POST',
      token: server.adminToken,
      body: { expires: 'soon' },
    });
    expect(unknown.status).toBe(400);
    // the access kept its token: the bad reissues issued nothing
    expect((await admin.accesses.get(uid, 'checked')).expires).not.toBeNull();
  });

  it('ignore other body properties, and any body that is not JSON (as before)', async () => {
    await policy('plain');
    const res = await call(`${base}/user/${uid}/access/plain`, {
      method: 'POST',
      token: server.adminToken,
      rawBody: 'expires=soon',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(201);
    const again = await call(`${base}/user/${uid}/access/plain`, {
      method: 'PUT',
      token: server.adminToken,
      body: { whatever: 1, expires: null },
    });
    expect(again.status).toBe(200);
    expect((await admin.accesses.get(uid, 'plain')).expires).toBeNull();
  });
});

describe('contributor tokens (connectors)', () => {
  it('expire when created with expires; list and detail show it; reissue gives a fresh token', async () => {
    const created = await admin.connectors.create('country', 'timed', {
      name: 'Timed',
      description: 'expires',
      expires: '1d',
    });
    const until = iso(clock + DAY);
    expect(await admin.connectors.get('country', 'timed')).toMatchObject({ expires: until, last_used: null });
    expect((await contribute(created.token)).status).toBe(200);
    const usedAt = clock;
    clock += DAY;
    const res = await contribute(created.token);
    expect(res.status).toBe(401);
    expect(res.json).toEqual(expired);
    const listed = (await admin.connectors.list('country')).find((c) => c.id === 'timed');
    expect(listed).toMatchObject({ expires: until, last_used: iso(usedAt) });

    const fresh = await admin.connectors.reissueToken('country', 'timed', { expires: iso(clock + 7 * DAY) });
    expect(fresh.startsWith('contributor.')).toBe(true);
    expect((await contribute(fresh)).status).toBe(200);
    expect((await admin.connectors.get('country', 'timed')).expires).toBe(iso(clock + 7 * DAY));
    expect((await contribute(created.token)).status).toBe(403);
    // the reissued token still opens only its own connector's paths
    const open = await call(`${server.urls.contributor}/connector/${created.id}/session/open/stream`, { token: fresh });
    expect(open.status).toBe(200);
  });

  it('never expire by default; reissue without expires keeps it that way', async () => {
    const created = await admin.connectors.create('country', 'plain-conn', { name: 'Plain', description: 'd' });
    expect((await admin.connectors.get('country', 'plain-conn')).expires).toBeNull();
    const token = await admin.connectors.reissueToken('country', 'plain-conn');
    expect((await admin.connectors.get('country', 'plain-conn')).expires).toBeNull();
    clock += 3650 * DAY;
    expect((await contribute(token)).status).toBe(200);
    expect((await contribute(created.token)).status).toBe(403);
  });

  it('400 on expires after the body items on create; 400 → 404 on reissue', async () => {
    const res = await call(`${base}/entity/country/connector/bad-conn`, {
      method: 'POST',
      token: server.adminToken,
      body: { name: '', description: 'd', expires: 'tomorrow' },
    });
    expect(res.status).toBe(400);
    expect((res.json as { error: { message: unknown } }).error.message).toEqual([
      { name: 'name', index: null, reason: 'does not meet minimum length of 1' },
      { name: 'expires', index: null, reason: 'is not any of "duration","ISO-8601 time"' },
    ]);
    const missing = await call(`${base}/entity/country/connector/nope/token`, {
      method: 'PUT',
      token: server.adminToken,
      body: { expires: '-1d' },
    });
    expect(missing.json).toEqual(badExpires('is not any of "duration","ISO-8601 time"'));
    await expect(admin.connectors.reissueToken('country', 'nope')).rejects.toMatchObject({ status: 404 });
    await expect(admin.connectors.reissueToken('nowhere', 'timed')).rejects.toBeInstanceOf(BbkApiError);
    // update ignores expires: the token keeps its expiry
    await admin.connectors.update('country', 'plain-conn', { name: 'Plain', description: 'd', expires: '1s' });
    expect((await admin.connectors.get('country', 'plain-conn')).expires).toBeNull();
  });
});

describe('last use survives a restart (written at shutdown)', () => {
  it('keeps last_used of a call made just before the server closed', async () => {
    await policy('restart');
    const token = await admin.accesses.grant(uid, 'restart');
    const usedAt = clock;
    expect((await consume(token)).status).toBe(200);
    await admin.close();
    server = await server.restart();
    base = server.urls.coordinator;
    admin = new CoordinatorClient({ baseUrl: base, token: server.adminToken });
    expect((await admin.accesses.get(uid, 'restart')).last_used).toBe(iso(usedAt));
  });
});
