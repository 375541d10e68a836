import { BbkApiError, type PolicyInput, type Query, type RecordInput } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerEnv,
  consumerEnv,
  publicId,
  startWebhook,
  type TestConnector,
  type TestWebhook,
} from './consumer-setup.js';
import { call } from './harness.js';

const country = (id: string, name: string, population: number, capital: string): RecordInput => ({
  id,
  name,
  entity: { population, capital, currency: { code: 'C', name: `${name} money` } },
  instance: { independence: 1900 },
});

const LIVE = [
  country('GB', 'United Kingdom', 67_000_000, 'London'),
  country('IN', 'India', 1_400_000_000, 'New Delhi'),
  country('FR', 'France', 68_000_000, 'Paris'),
  country('CN', 'China', 1_410_000_000, 'Beijing'),
];
const LEGAL = [{ type: 'attribution' as const, text: 'Data by Wikipedia', link: 'https://en.wikipedia.org/' }];

const policy = (segment: Record<string, unknown>, masks: string[] = []): PolicyInput => ({
  name: 'Preview',
  description: 'a policy under edit',
  policy: {
    access_control: { enabled: false },
    data_segment: { segment_query: segment as Query, field_masks: masks },
    legal_context: LEGAL,
  },
});

let env: ConsumerEnv;
let hook: TestWebhook;
let live: TestConnector;
let staged: TestConnector;
const big = { 'entity.population': { $gt: 1_000_000_000 } };

beforeAll(async () => {
  hook = await startWebhook(() => ({ body: { entity: { secret: 'from the webhook' } } }));
  env = await consumerEnv();
  await env.entityType('country');
  await env.entityType('city');
  live = await env.connector('country', 'wikipedia', { webhook: hook.url });
  staged = await env.connector('country', 'staging', { live: false });
  const cities = await env.connector('city', 'cities');
  await env.upsert(live, LIVE);
  await env.upsert(staged, [country('ZZ', 'Zedland', 2_000_000_000, 'Zed')]);
  await env.upsert(cities, [{ id: 'LON', name: 'London', entity: { population: 9_000_000 } }]);
  await env.policy('big', { segment: { type: 'country', ...big }, legal: LEGAL });
});
afterAll(async () => {
  await env?.close();
  await hook?.close();
});

describe('POST /policy/:pid/preview (bbk extension)', () => {
  it('counts per type and samples records with the masks applied, live connectors only', async () => {
    const p = await env.coord.policies.preview(
      'new-one',
      policy({}, ['country.capital', 'country.entity.currency.name']),
    );
    expect(p.types).toEqual([
      { type: 'city', records: 1 },
      { type: 'country', records: 4 },
    ]);
    expect(p.records).toBe(5);
    expect(p.added).toBeNull();
    expect(p.removed).toBeNull();
    const ids = p.sample.map((r) => r.id);
    expect(ids).not.toContain(publicId(staged.cid, 'ZZ'));
    const gb = p.sample.find((r) => r.id === publicId(live.cid, 'GB'));
    expect(gb).toMatchObject({ type: 'country', name: 'United Kingdom', legal: LEGAL });
    expect(gb?.entity).toEqual({ population: 67_000_000, currency: { code: 'C' } });
    // the webhook is never called by a preview
    expect(JSON.stringify(p.sample)).not.toContain('from the webhook');
    expect(hook.requests).toHaveLength(0);
  });

  it('shows exactly what a consumer of the stored policy sees', async () => {
    const stored = await env.coord.policies.get('big');
    const p = await env.coord.policies.preview('big', stored);
    const seen = await env.consumer({ audience: 'big' }).catalog({ type: 'country' });
    expect(p.sample.map((r) => r.id).sort()).toEqual(seen.map((r) => r.id).sort());
    expect(p.added).toEqual({ records: 0, items: [], truncated: false });
    expect(p.removed).toEqual({ records: 0, items: [], truncated: false });
  });

  it('names the records a change adds and removes, and changes nothing', async () => {
    const before = await env.coord.policies.get('big');
    const p = await env.coord.policies.preview(
      'big',
      policy({ type: 'country', 'entity.capital': { $in: ['London', 'India', 'Beijing'] } }),
    );
    expect(p.records).toBe(2);
    expect(p.added).toEqual({
      records: 1,
      items: [{ id: publicId(live.cid, 'GB'), type: 'country', name: 'United Kingdom' }],
      truncated: false,
    });
    expect(p.removed).toEqual({
      records: 1,
      items: [{ id: publicId(live.cid, 'IN'), type: 'country', name: 'India' }],
      truncated: false,
    });
    expect(await env.coord.policies.get('big')).toEqual(before);
  });

  it('validates the body as policy create would, and answers 400 on a bad segment', async () => {
    const bad = policy({ 'entity.population': { $bogus: 1 } });
    const err = await env.coord.policies.preview('big', { ...bad, name: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BbkApiError);
    const items = (err as BbkApiError).items;
    expect(items).toContainEqual({ name: 'name', index: null, reason: 'does not meet minimum length of 1' });
    expect(items).toContainEqual({
      name: 'policy.data_segment.segment_query',
      index: null,
      reason: 'Query contains unrecognised operations',
    });
    // a new slug is validated like a create path
    const res = await call(`${env.server.urls.coordinator}/policy/bad!slug/preview`, {
      method: 'POST',
      body: policy({}),
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        code: 400,
        status: 'Bad Request',
        message: [{ name: 'slug', index: null, reason: 'does not match pattern "^[a-z][a-z0-9-]+$"' }],
      },
    });
    expect((await env.coord.policies.list()).map((x) => x.id)).toEqual(['big']);
  });

  it('needs a coordinator token in production mode', async () => {
    const prod = await consumerEnv({ mode: 'production' });
    try {
      const url = `${prod.server.urls.coordinator}/policy/any/preview`;
      expect((await call(url, { method: 'POST', body: policy({}) })).status).toBe(401);
      const ok = await call(url, { method: 'POST', body: policy({}), token: prod.server.adminToken });
      expect(ok.status).toBe(200);
      expect(ok.json).toEqual({ records: 0, types: [], sample: [], added: null, removed: null });
    } finally {
      await prod.close();
    }
  });
});
