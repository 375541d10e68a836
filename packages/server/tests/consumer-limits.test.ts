import { BbkApiError } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerEnv, consumerEnv } from './consumer-setup.js';
import { call } from './harness.js';

let clock = Date.UTC(2024, 0, 31, 23, 59, 50);
const now = () => clock;

const get = (env: ConsumerEnv, path: string, headers: Record<string, string>) =>
  call(`${env.base}${path}`, { headers });
const TOO_MANY = { error: { code: 429, status: 'Too Many Requests', message: '' } };

describe('development mode: limits per policy', () => {
  let env: ConsumerEnv;
  beforeAll(async () => {
    env = await consumerEnv({ now });
    await env.entityType('thing');
    const c = await env.connector('thing', 'things');
    await env.upsert(c, [{ id: 'a', name: 'A', entity: {} }]);
    await env.policy('rate3', { segment: { type: 'thing' }, accessControl: { enabled: true, rate: 3 } });
    await env.policy('quota5', {
      segment: { type: 'thing' },
      accessControl: { enabled: true, quota: { max_number: 5, interval_type: 'day' } },
    });
    await env.policy('monthly', {
      segment: { type: 'thing' },
      accessControl: { enabled: true, quota: { max_number: 2, interval_type: 'month' } },
    });
    await env.policy('off', {
      segment: { type: 'thing' },
      accessControl: { enabled: false, rate: 0, quota: { max_number: 0, interval_type: 'day' } },
    });
    await env.policy('zero', { segment: { type: 'thing' }, accessControl: { enabled: true, rate: 0 } });
  });
  afterAll(() => env.close());

  it('rate: calls per clock second, 429 until the second rolls over, on every route', async () => {
    const h = { 'x-bbk-audience': 'rate3' };
    clock = Date.UTC(2024, 0, 10, 10, 0, 0, 100);
    expect((await get(env, '/entity', h)).status).toBe(200);
    expect((await get(env, '/entity/thing', h)).status).toBe(200);
    expect((await get(env, '/catalog?q={"name":"A"}', h)).status).toBe(200);
    const over = await get(env, '/entity/thing', h);
    expect(over.status).toBe(429);
    expect(over.json).toEqual(TOO_MANY);
    expect(over.headers.get('retry-after')).toBe('1');
    // 429 is decided before parameter validation, like the original gateway
    expect((await get(env, '/entity?limit=0', h)).status).toBe(429);
    clock += 899; // still the same clock second
    expect((await get(env, '/entity', h)).status).toBe(429);
    clock += 1; // next second
    expect((await get(env, '/entity', h)).status).toBe(200);
  });

  it('quota per UTC day: 429 until midnight UTC, with Retry-After', async () => {
    const h = { 'x-bbk-audience': 'quota5' };
    clock = Date.UTC(2024, 0, 31, 23, 59, 0);
    for (let i = 0; i < 5; i++) expect((await get(env, '/entity/thing', h)).status).toBe(200);
    const over = await get(env, `/entity/thing/${'0'.repeat(40)}`, h);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('60');
    clock = Date.UTC(2024, 1, 1, 0, 0, 0);
    expect((await get(env, '/entity/thing', h)).status).toBe(200);
  });

  it('quota per month', async () => {
    const h = { 'x-bbk-audience': 'monthly' };
    clock = Date.UTC(2024, 2, 31, 12);
    expect((await get(env, '/entity', h)).status).toBe(200);
    expect((await get(env, '/entity', h)).status).toBe(200);
    expect((await get(env, '/entity', h)).status).toBe(429);
    clock = Date.UTC(2024, 3, 1);
    expect((await get(env, '/entity', h)).status).toBe(200);
  });

  it('limits beyond what a count can hold are refused (400), and the largest are enforced', async () => {
    const policy = (accessControl: string) =>
      `{"name":"big","description":"big","policy":{"access_control":${accessControl},` +
      '"data_segment":{"segment_query":{"type":"thing"}},"legal_context":[]}}';
    const post = (accessControl: string) =>
      call(`${env.server.urls.coordinator}/policy/big`, {
        method: 'POST',
        rawBody: policy(accessControl),
        headers: { 'content-type': 'application/json' },
      });
    const refusals = {
      '{"enabled":true,"rate":2147483648}': 'policy.access_control.rate',
      '{"enabled":true,"rate":1e400}': 'policy.access_control.rate',
      '{"enabled":true,"quota":{"max_number":9007199254740992,"interval_type":"day"}}':
        'policy.access_control.quota.max_number',
      '{"enabled":true,"quota":{"max_number":1e400,"interval_type":"day"}}': 'policy.access_control.quota.max_number',
    };
    for (const [accessControl, name] of Object.entries(refusals)) {
      const r = await post(accessControl);
      expect(r.status, accessControl).toBe(400);
      expect((r.json as { error: { message: { name: string }[] } }).error.message.map((m) => m.name)).toEqual([name]);
    }
    const largest =
      '{"enabled":true,"rate":2147483647,"quota":{"max_number":9007199254740991,"interval_type":"month"}}';
    expect((await post(largest)).status).toBe(201);
    const r = await get(env, '/entity', { 'x-bbk-audience': 'big' });
    expect(r.status).toBe(200);
    expect(r.headers.get('ratelimit-policy')).toContain('q=2147483647');
  });

  it('enabled: false means no limits; rate 0 admits nothing', async () => {
    for (let i = 0; i < 30; i++) expect((await get(env, '/entity', { 'x-bbk-audience': 'off' })).status).toBe(200);
    expect((await get(env, '/entity', { 'x-bbk-audience': 'zero' })).status).toBe(429);
  });

  it('the SDK surfaces 429 as a typed error', async () => {
    clock = Date.UTC(2024, 5, 1, 0, 0, 0);
    const c = env.consumer({ audience: 'rate3' });
    await c.entityTypes();
    await c.entityTypes();
    await c.entityTypes();
    const err = await c.entityTypes().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BbkApiError);
    expect((err as BbkApiError).isRateLimited()).toBe(true);
    expect((err as BbkApiError).code).toBe('TOO_MANY_REQUESTS');
    expect((err as BbkApiError).retryAfterSeconds).toBe(1);
  });
});

describe('quota counts persist', () => {
  it('survive a restart, and are written within about a second without one', async () => {
    clock = Date.UTC(2024, 6, 1, 8);
    let env = await consumerEnv({ now });
    await env.entityType('thing');
    await env.policy('daily', {
      segment: { type: 'thing' },
      accessControl: { enabled: true, quota: { max_number: 4, interval_type: 'day' } },
    });
    const h = { 'x-bbk-audience': 'daily' };
    for (let i = 0; i < 3; i++) expect((await get(env, '/entity', h)).status).toBe(200);

    // written behind: visible to another connection within the flush interval
    await new Promise((r) => setTimeout(r, 1300));
    const reader = await env.server.openReader();
    expect(await reader.catalog.usage('policy:daily', '2024-07-01')).toBe(3);
    await reader.close();

    const restarted = await env.server.restart();
    env = { ...env, server: restarted, base: restarted.urls.consumer };
    expect((await get(env, '/entity', h)).status).toBe(200);
    expect((await get(env, '/entity', h)).status).toBe(429);
    await env.coord.close();
    await env.contrib.close();
    await restarted.destroy();
  });
});

describe('production mode: limits per access', () => {
  let env: ConsumerEnv;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    env = await consumerEnv({ mode: 'production', now });
    await env.entityType('thing');
    await env.policy('shared', {
      segment: { type: 'thing' },
      accessControl: { enabled: true, quota: { max_number: 2, interval_type: 'day' } },
    });
    const a = await env.coord.users.create({ name: 'Alice', email: 'alice@example.com', organization: 'A' });
    const b = await env.coord.users.create({ name: 'Bob', email: 'bob@example.com', organization: 'B' });
    alice = await env.coord.accesses.grant(a.id, 'shared');
    bob = await env.coord.accesses.grant(b.id, 'shared');
  });
  afterAll(() => env.close());

  it('each consumer of a policy has its own budget', async () => {
    clock = Date.UTC(2024, 7, 1);
    const as = (token: string) => call(`${env.base}/entity`, { token });
    expect((await as(alice)).status).toBe(200);
    expect((await as(alice)).status).toBe(200);
    expect((await as(alice)).status).toBe(429);
    expect((await as(bob)).status).toBe(200);
    expect((await as(bob)).status).toBe(200);
    expect((await as(bob)).status).toBe(429);
  });
});
