import { BbkApiError, type ConsumerClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerEnv, consumerEnv, publicId, type TestConnector } from './consumer-setup.js';
import { call } from './harness.js';

let clock = Date.UTC(2024, 2, 10, 10, 0, 0, 100);
const now = () => clock;

describe('per-access usage and RateLimit headers (production mode)', () => {
  let env: ConsumerEnv;
  let c: TestConnector;
  let token: string;
  let quotaToken: string;
  let openToken: string;
  const get = (path: string, t = token) => call(`${env.base}${path}`, { token: t });
  const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
    call(`${env.server.urls.coordinator}${path}`, { ...init, token: env.server.adminToken });

  beforeAll(async () => {
    env = await consumerEnv({ mode: 'production', now });
    await env.entityType('thing');
    c = await env.connector('thing', 'things');
    await env.upsert(c, [
      { id: 'a', name: 'A', entity: {} },
      { id: 'b', name: 'B', entity: {} },
    ]);
    await env.policy('limited', {
      segment: { type: 'thing' },
      accessControl: { enabled: true, rate: 3, quota: { max_number: 100, interval_type: 'day' } },
    });
    await env.policy('daily', {
      segment: { type: 'thing' },
      accessControl: { enabled: true, quota: { max_number: 2, interval_type: 'month' } },
    });
    await env.policy('open', { segment: { type: 'thing' } });
    await env.coord.users.create({ name: 'Consumer', email: 'c@acme.io', organization: 'Acme' });
    token = await env.coord.accesses.grant(2, 'limited');
    quotaToken = await env.coord.accesses.grant(2, 'daily');
    openToken = await env.coord.accesses.grant(2, 'open');
  });
  afterAll(() => env.close());

  it('states the limits on every answer, 429 included, and browsers may read them', async () => {
    clock = Date.UTC(2024, 2, 10, 10, 0, 0, 100);
    const first = await get('/entity/thing');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('"rate";q=3;w=1, "quota";q=100;w=86400');
    expect(first.headers.get('ratelimit')).toBe('"rate";r=2;t=1, "quota";r=99;t=50400');
    expect(first.headers.get('access-control-expose-headers')).toContain('ratelimit, ratelimit-policy');
    const detail = await get(`/entity/thing/${publicId(c.cid, 'a')}`);
    expect(detail.headers.get('ratelimit')).toBe('"rate";r=1;t=1, "quota";r=98;t=50400');
    // a 404 after admission states them too
    const missing = await get(`/entity/thing/${'0'.repeat(40)}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('ratelimit')).toBe('"rate";r=0;t=1, "quota";r=97;t=50400');
    const refused = await get('/entity/thing');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('ratelimit-policy')).toBe('"rate";q=3;w=1, "quota";q=100;w=86400');
    expect(refused.headers.get('ratelimit')).toBe('"rate";r=0;t=1, "quota";r=97;t=50400');
  });

  it('a monthly quota states the month; a policy without limits states none', async () => {
    clock = Date.UTC(2024, 1, 29, 0, 0, 0); // February 2024 has 29 days
    const a = await get('/entity', quotaToken);
    expect(a.headers.get('ratelimit-policy')).toBe(`"quota";q=2;w=${29 * 86400}`);
    expect(a.headers.get('ratelimit')).toBe(`"quota";r=1;t=86400`);
    expect((await get('/entity', quotaToken)).status).toBe(200);
    const over = await get('/entity', quotaToken);
    expect(over.status).toBe(429);
    expect(over.headers.get('ratelimit')).toBe(`"quota";r=0;t=86400`);
    const open = await get('/entity', openToken);
    expect(open.status).toBe(200);
    expect(open.headers.get('ratelimit')).toBeNull();
    expect(open.headers.get('ratelimit-policy')).toBeNull();
  });

  it('counts calls, records served and 429s per day, exactly, before and after they are written', async () => {
    clock = Date.UTC(2024, 2, 11, 9, 30, 0, 0);
    expect((await get(`/catalog?q=${encodeURIComponent('{"name":"B"}')}`)).status).toBe(200); // 1 record
    clock += 2000;
    expect((await get(`/entity/thing/${'1'.repeat(40)}`)).status).toBe(404);
    const usage = await env.coord.accesses.usage(2, 'limited');
    const route = env.server.urls.coordinator;
    const expected = {
      user: { id: 2, url: `${route}/user/2` },
      access: { id: 'limited', url: `${route}/user/2/access/limited` },
      totals: { calls: 6, records: 4, rate_limited: 1, quota_limited: 0 },
      last_used: '2024-03-11T09:30:02.000Z',
      days: [
        { day: '2024-03-11', calls: 2, records: 1, rate_limited: 0, quota_limited: 0 },
        { day: '2024-03-10', calls: 4, records: 3, rate_limited: 1, quota_limited: 0 },
      ],
    };
    expect(usage).toEqual(expected);
  });

  it('filters days with since/until; 400 on a bad day, 404 as the access endpoints do', async () => {
    const one = await admin('/user/2/access/limited/usage?since=2024-03-11&until=2024-03-11');
    expect(one.status).toBe(200);
    expect((one.json as { days: unknown[] }).days).toHaveLength(1);
    expect((one.json as { totals: { calls: number } }).totals.calls).toBe(2);
    const bad = await admin('/user/2/access/limited/usage?since=yesterday&until=2024-02-30');
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      error: {
        code: 400,
        status: 'Bad Request',
        message: [
          { name: 'since', index: null, reason: 'is not a day (YYYY-MM-DD)' },
          { name: 'until', index: null, reason: 'is not a day (YYYY-MM-DD)' },
        ],
      },
    });
    for (const path of ['/user/9/access/limited/usage', '/user/2/access/nope/usage', '/user/x/access/limited/usage']) {
      const r = await admin(path);
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ error: { code: 404, status: 'Not Found', message: '' } });
    }
    const none = await admin('/user/2/access/open/usage?since=2030-01-01');
    expect(none.json).toMatchObject({ totals: { calls: 0, records: 0 }, last_used: null, days: [] });
  });

  it('usage goes with the access: a re-granted access starts from zero', async () => {
    await env.coord.accesses.revoke(2, 'limited');
    expect((await admin('/user/2/access/limited/usage')).status).toBe(404);
    token = await env.coord.accesses.grant(2, 'limited');
    const fresh = await env.coord.accesses.usage(2, 'limited');
    expect(fresh.days).toEqual([]);
  });

  it('the SDK exposes what the limits leave, after a 429 too', async () => {
    clock = Date.UTC(2024, 2, 12, 12, 0, 0, 0);
    const consumer: ConsumerClient = env.consumer({ token });
    expect(consumer.rateLimit).toBeUndefined();
    await consumer.entityTypes();
    expect(consumer.rateLimit).toMatchObject({
      rate: { limit: 3, remaining: 2, reset: 1, window: 1 },
      quota: { limit: 100, remaining: 99, reset: 43200, window: 86400 },
    });
    await consumer.entityTypes();
    await consumer.entityTypes();
    const err = await consumer.entityTypes().catch((e: unknown) => e);
    expect(BbkApiError.is(err, 'TOO_MANY_REQUESTS')).toBe(true);
    expect(consumer.rateLimit?.rate?.remaining).toBe(0);
    expect(consumer.rateLimit?.quota?.remaining).toBe(97);
  });

  it('figures are written (a read flushes them) and survive a restart', async () => {
    const before = await env.coord.accesses.usage(2, 'daily');
    const restarted = await env.server.restart();
    env = { ...env, server: restarted, base: restarted.urls.consumer };
    const again = await call(`${restarted.urls.coordinator}/user/2/access/daily/usage`, {
      token: restarted.adminToken,
    });
    expect((again.json as { totals: unknown }).totals).toEqual(before.totals);
    expect((again.json as { days: unknown }).days).toEqual(before.days);
    expect(before.totals).toEqual({ calls: 3, records: 2, rate_limited: 0, quota_limited: 1 });
  });
});

describe('development mode', () => {
  it('states the policy limits (per policy) and records no per-access usage', async () => {
    const env = await consumerEnv({ now });
    try {
      await env.entityType('thing');
      await env.policy('pp1', { segment: { type: 'thing' }, accessControl: { enabled: true, rate: 5 } });
      clock = Date.UTC(2024, 5, 1);
      const r = await call(`${env.base}/entity`, { headers: { 'x-bbk-audience': 'pp1' } });
      expect(r.headers.get('ratelimit-policy')).toBe('"rate";q=5;w=1');
      expect(r.headers.get('ratelimit')).toBe('"rate";r=4;t=1');
    } finally {
      await env.close();
    }
  });
});
