import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConsumerEnv,
  consumerEnv,
  publicId,
  startWebhook,
  type TestConnector,
  type TestWebhook,
} from './consumer-setup.js';
import { call } from './harness.js';

/**
 * The spec to the letter (issue 13), timeseries: the webhook's JSON is passed
 * through unchanged (spec §4.6).
 */

let env: ConsumerEnv;
let hook: TestWebhook;
let wiki: TestConnector;

const POPULATION = { period: 'P1Y', value: 'people', unit: 'x1000' };
const NOISE = { period: 'PT1H', value: 'level', unit: 'decibel' };

beforeAll(async () => {
  hook = await startWebhook();
  env = await consumerEnv();
  await env.entityType('country', { timeseries: { population: POPULATION, noise: NOISE } });
  wiki = await env.connector('country', 'wiki', { webhook: hook.url });
  await env.upsert(wiki, [
    { id: 'GB', name: 'United Kingdom', entity: { capital: 'London', timeseries: 'an entity attribute' } },
  ]);
  await env.policy('open', { segment: { type: 'country' } });
  await env.policy('masked', {
    segment: { type: 'country' },
    masks: ['country.timeseries.population', 'country.timeseries.noise.unit', 'country.entity.timeseries'],
  });
  // the coordinator's segment sees the full record, masked series included
  await env.policy('by-series', {
    segment: { 'timeseries.population.value': 'people' },
    masks: ['country.timeseries.population'],
  });
  await env.policy('other-type', { segment: { type: 'country' }, masks: ['city.timeseries.population'] });
});
afterAll(async () => {
  await env.close();
  await hook.close();
});
beforeEach(() => {
  hook.requests.length = 0;
  hook.handler = () => undefined;
});

const gb = () => publicId(wiki.cid, 'GB');
const get = (audience: string, path: string) => call(`${env.base}${path}`, { headers: { 'x-bbk-audience': audience } });
const series = (audience: string, tsid: string, query = '') =>
  get(audience, `/entity/country/${gb()}/timeseries/${tsid}${query}`);

describe('timeseries passthrough (spec §4.6)', () => {
  const oldestFirst = [
    { from: '2001-01-01T00:00:00.000Z', value: 1 },
    { from: '2002-01-01T00:00:00.000Z', to: '2002-12-31T23:59:59.999Z', value: 2 },
    { from: '2003-01-01T00:00:00.000Z', value: 3 },
  ];

  it('keeps the order the webhook sends, oldest first included', async () => {
    hook.handler = () => ({ body: oldestFirst });
    const res = await series('open', 'population', '?start=2001-01-01T00:00:00Z&duration=315360000');
    expect(res.status).toBe(200);
    expect(res.json).toEqual(oldestFirst);
    // a client paging oldest first takes its next start from the answer and asks on, with a positive duration
    const next = (res.json as typeof oldestFirst).at(-1)!.from;
    const again = await series('open', 'population', `?start=${next}&duration=86400`);
    expect(again.status).toBe(200);
    expect(decodeURIComponent(hook.requests[1]!.url)).toBe(
      `/hook/timeseries/country/GB/population?start=${next}&end=2003-01-02T00:00:00.000Z&limit=500`,
    );
  });

  it("does not cut the answer to limit (limit is the connector's to honour, spec §5)", async () => {
    hook.handler = () => ({ body: oldestFirst });
    expect((await series('open', 'population', '?limit=1')).json).toEqual(oldestFirst);
    expect(hook.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('limit'))).toEqual(['1']);
  });

  it('keeps every item as sent, whatever its shape', async () => {
    const odd = [
      { value: { nested: [1, 'two', null] }, from: 'last tuesday', extra: true },
      'not a point',
      null,
      7,
      { from: '1999-01-01T00:00:00.000Z', value: -0.5, to: null },
    ];
    hook.handler = () => ({ body: odd });
    const res = await series('open', 'population');
    expect(res.status).toBe(200);
    expect(res.json).toEqual(odd);
  });

  it('a reply that is not an array is still 200 []', async () => {
    hook.handler = () => ({ body: { points: oldestFirst } });
    const res = await series('open', 'population');
    expect(res.status).toBe(200);
    expect(res.json).toEqual([]);
  });
});
