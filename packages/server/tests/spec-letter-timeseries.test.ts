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
 * through unchanged (spec §4.6), and a field mask `type.timeseries.tsid`
 * withholds that series (§9 masks, docs/CONSUMER.md).
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
const catalog = async (audience: string, q: unknown) => {
  const res = await get(audience, `/catalog?q=${encodeURIComponent(JSON.stringify(q))}`);
  expect(res.status).toBe(200);
  return (res.json as Array<{ id: string }>).map((i) => i.id);
};

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

describe('a field mask on a timeseries (spec §9 masks)', () => {
  const url = (tsid: string) => `${env.base}/entity/country/${gb()}/timeseries/${tsid}`;

  it('removes the series declaration from the detail; a nested mask removes one field of it', async () => {
    const open = await get('open', `/entity/country/${gb()}`);
    expect((open.json as { timeseries: unknown }).timeseries).toEqual({
      population: { ...POPULATION, url: url('population') },
      noise: { ...NOISE, url: url('noise') },
    });
    const masked = await get('masked', `/entity/country/${gb()}`);
    expect(masked.status).toBe(200);
    const body = masked.json as { timeseries: unknown; entity: unknown };
    expect(body.timeseries).toEqual({ noise: { period: 'PT1H', value: 'level', url: url('noise') } });
    // `type.entity.timeseries` is how an entity attribute called `timeseries` is masked
    expect(body.entity).toEqual({ capital: 'London' });
  });

  it('answers 404 for the masked series, as for an undeclared one, without calling the webhook', async () => {
    hook.handler = () => ({ body: [{ from: '2001-01-01T00:00:00.000Z', value: 1 }] });
    for (const query of ['', '?start=2000-01-01&limit=5']) {
      const res = await series('masked', 'population', query);
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ error: { code: 404, status: 'Not Found', message: '' } });
      expect(res.text).toBe((await series('masked', 'undeclared', query)).text);
    }
    expect((await series('MASKED', 'Population')).status).toBe(404); // path ids and audience are lower-cased
    expect(hook.requests).toEqual([]);
    // parameters are still checked first (400), then the series (404)
    expect((await series('masked', 'population', '?limit=0')).status).toBe(400);

    // the series that is not masked, the same series under another policy, a mask of another type
    expect((await series('masked', 'noise')).json).toEqual([{ from: '2001-01-01T00:00:00.000Z', value: 1 }]);
    expect((await series('open', 'population')).status).toBe(200);
    expect((await series('other-type', 'population')).status).toBe(200);
    expect(hook.requests.map((r) => new URL(r.url, 'http://x').pathname)).toEqual([
      '/hook/timeseries/country/GB/noise',
      '/hook/timeseries/country/GB/population',
      '/hook/timeseries/country/GB/population',
    ]);
  });

  it('makes consumer queries behave as if the masked declaration were absent', async () => {
    const id = gb();
    expect(await catalog('open', { 'timeseries.population.value': 'people' })).toEqual([id]);
    expect(await catalog('masked', { 'timeseries.population.value': 'people' })).toEqual([]);
    expect(await catalog('masked', { 'timeseries.population': null })).toEqual([id]);
    expect(await catalog('masked', { 'timeseries.population.period': { $ne: 'P1Y' } })).toEqual([id]);
    expect(await catalog('masked', { 'timeseries.noise.unit': 'decibel' })).toEqual([]);
    expect(await catalog('masked', { 'timeseries.noise.value': 'level' })).toEqual([id]);
    // an object compared as a whole is compared without its masked keys
    expect(await catalog('masked', { 'timeseries.noise': { period: 'PT1H', value: 'level' } })).toEqual([id]);
    expect(await catalog('open', { 'timeseries.noise': { period: 'PT1H', value: 'level' } })).toEqual([]);
    expect(await catalog('other-type', { 'timeseries.population.value': 'people' })).toEqual([id]);
  });

  it("the coordinator's segment still sees the masked series", async () => {
    const list = await get('by-series', '/entity/country');
    expect((list.json as Array<{ id: string }>).map((i) => i.id)).toEqual([gb()]);
    const detail = await get('by-series', `/entity/country/${gb()}`);
    expect(Object.keys((detail.json as { timeseries: object }).timeseries)).toEqual(['noise']);
    expect((await series('by-series', 'population')).status).toBe(404);
    expect(await catalog('by-series', { 'timeseries.population.value': 'people' })).toEqual([]);
    // only the detail's entity webhook was called
    expect(hook.requests.map((r) => r.url)).toEqual(['/hook/entity/country/GB']);
  });
});
