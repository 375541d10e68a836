import { createHmac } from 'node:crypto';
import { createWebhook } from '@bbk/connector-kit';
import type { RecordInput } from '@bbk/sdk';
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

const TIMEOUT_MS = 300;
let clock = Date.UTC(2024, 4, 1, 12, 0, 0);
let env: ConsumerEnv;
let hook: TestWebhook;
let wiki: TestConnector;
let cached: TestConnector;
let dead: TestConnector;

const RECORDS: RecordInput[] = [
  {
    id: 'GB',
    name: 'United Kingdom',
    entity: { capital: 'London', area: 1, nested: { a: 1, b: 2 } },
    instance: { since: 1707 },
  },
  { id: 'a b/c?', name: 'Odd Id', entity: { capital: 'Odd' } },
];

beforeAll(async () => {
  hook = await startWebhook();
  env = await consumerEnv({ now: () => clock, webhookTimeoutMs: TIMEOUT_MS });
  await env.entityType('country', { timeseries: { population: { period: 'P1Y', value: 'people', unit: 'x1' } } });
  wiki = await env.connector('country', 'wiki', { webhook: hook.url });
  cached = await env.connector('country', 'cached', { webhook: `${hook.url}/`, cache: 60 });
  dead = await env.connector('country', 'dead', { webhook: 'http://127.0.0.1:9/nothing' });
  await env.upsert(wiki, [
    ...RECORDS,
    {
      id: 'LINKS',
      name: 'Links',
      entity: {
        country: `bbk://country/${wiki.cid}/GB`,
        list: [`bbk://country/${wiki.cid}/GB`, `BBK://country/${wiki.cid}/a b`, 'not bbk://country/x/y'],
        deep: { again: `bbk://heritage-site/${cached.cid}/1196` },
      },
    },
  ]);
  await env.upsert(cached, [{ id: 'C1', name: 'Cached One', entity: { v: 0 } }]);
  await env.upsert(dead, [{ id: 'D1', name: 'Dead One', entity: { v: 0 } }]);
  await env.policy('all', { segment: { type: 'country' } });
});
afterAll(async () => {
  await env.close();
  await hook.close();
});
beforeEach(() => {
  hook.requests.length = 0;
  hook.handler = () => undefined;
});

const consumer = () => env.consumer({ audience: 'all' });
const gb = () => publicId(wiki.cid, 'GB');

describe('entity webhook', () => {
  it('is called with the encoded vendor id, merged shallowly (webhook keys win), then returned', async () => {
    hook.handler = () => ({
      body: { entity: { capital: 'Londinium', nested: { c: 3 }, extra: true }, instance: { live: 1 }, name: 'ignored' },
    });
    const d = await consumer().entity('country', gb());
    expect(d.name).toBe('United Kingdom');
    expect(d.entity).toEqual({ capital: 'Londinium', area: 1, nested: { c: 3 }, extra: true });
    expect(d.instance).toEqual({ since: 1707, live: 1 });
    expect(hook.requests.map((r) => [r.method, r.url])).toEqual([['GET', '/hook/entity/country/GB']]);
    expect(hook.requests[0]!.headers.accept).toBe('application/json, text/plain');

    await consumer().entity('country', publicId(wiki.cid, 'a b/c?'));
    expect(hook.requests[1]!.url).toBe('/hook/entity/country/a%20b%2Fc%3F');
  });

  it('each call is signed with the connector webhook secret', async () => {
    await consumer().entity('country', gb());
    const { url, headers } = hook.requests[0]!;
    const t = Math.floor(clock / 1000);
    const v1 = createHmac('sha256', wiki.webhookSecret).update(`${t}.GET.${url}`).digest('hex');
    expect(wiki.webhookSecret.length).toBeGreaterThan(20);
    expect(headers['x-bbk-signature']).toBe(`t=${t},v1=${v1}`);
  });

  it('signatures verify with the connector kit (interoperability), under a webhook base path', async () => {
    const signed = await env.connector('country', 'kit-signed', { webhook: 'http://127.0.0.1:9/later' });
    await env.upsert(signed, [{ id: 'K 1', name: 'Kit One', entity: { v: 1 } }]);
    const handlers = {
      entity: (_type: string, id: string) => ({ entity: { verified: id } }),
      timeseries: () => [{ from: '2020-01-01T00:00:00.000Z', value: 1 }],
    };
    const point = (url: string) =>
      env.coord.connectors.update('country', 'kit-signed', { name: 'k', description: 'k', webhook: url, cache: 0 });
    const id = publicId(signed.cid, 'K 1');
    const good = createWebhook(handlers, { secret: signed.webhookSecret, basePath: '/kit/hooks', now: () => clock });
    const wrong = createWebhook(handlers, { secret: 'not-the-secret', basePath: '/kit/hooks', now: () => clock });
    try {
      await point(await good.listen(0)); // the kit's URL includes its base path
      expect((await consumer().entity('country', id)).entity).toEqual({ v: 1, verified: 'K 1' });
      expect(await consumer().timeseries('country', id, 'population')).toEqual([
        { from: '2020-01-01T00:00:00.000Z', value: 1 },
      ]);
      // the kit refuses a bad signature (401): the record comes without extras, the series empty
      await point(await wrong.listen(0));
      expect((await consumer().entity('country', id)).entity).toEqual({ v: 1 });
      expect(await consumer().timeseries('country', id, 'population')).toEqual([]);
    } finally {
      await good.close();
      await wrong.close();
    }
  });

  it('only 2xx JSON objects are merged: errors, bad JSON, wrong shapes give the catalog record', async () => {
    const plain = { capital: 'London', area: 1, nested: { a: 1, b: 2 } };
    for (const answer of [
      { status: 500, body: { entity: { capital: 'Error' } } },
      { status: 404, body: { entity: { capital: 'Missing' } } },
      { raw: 'not json' },
      { raw: '[{"entity":{"capital":"x"}}]' },
      { body: { entity: ['x'], instance: 'y' } },
      // deeper than a stored record may be: every later step would recurse over it
      { raw: `{"entity":{"x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}` },
      { raw: `{"entity":{"x":${'['.repeat(20000)}${']'.repeat(20000)}}}` },
    ]) {
      hook.handler = () => answer;
      const d = await consumer().entity('country', gb());
      expect(d.entity, JSON.stringify(answer)).toEqual(plain);
      expect(d.instance).toEqual({ since: 1707 });
    }
  });

  it('a slow webhook times out (configured timeout) and the record is served', async () => {
    hook.handler = () => ({ body: { entity: { capital: 'Late' } }, delayMs: 2000 });
    const started = performance.now();
    const d = await consumer().entity('country', gb());
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 700);
    expect(d.entity.capital).toBe('London');
  });

  it('an unreachable webhook gives the record, never 500', async () => {
    const d = await consumer().entity('country', publicId(dead.cid, 'D1'));
    expect(d.entity).toEqual({ v: 0 });
  });

  it('replies are cached per record for the connector cache seconds', async () => {
    let n = 0;
    hook.handler = () => ({ body: { entity: { v: ++n } } });
    const id = publicId(cached.cid, 'C1');
    expect((await consumer().entity('country', id)).entity).toEqual({ v: 1 });
    expect((await consumer().entity('country', id)).entity).toEqual({ v: 1 });
    clock += 59_000;
    expect((await consumer().entity('country', id)).entity).toEqual({ v: 1 });
    clock += 1_000;
    expect((await consumer().entity('country', id)).entity).toEqual({ v: 2 });
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[0]!.url).toBe('/hook/entity/country/C1');
    // failures are not cached
    hook.handler = () => ({ status: 500 });
    clock += 60_000;
    expect((await consumer().entity('country', id)).entity).toEqual({ v: 0 });
    hook.handler = () => ({ body: { entity: { v: 9 } } });
    expect((await consumer().entity('country', id)).entity).toEqual({ v: 9 });
    // cache 0 (updated) → every detail calls the webhook
    await env.coord.connectors.update('country', 'cached', {
      name: 'c',
      description: 'c',
      webhook: hook.url,
      cache: 0,
    });
    hook.requests.length = 0;
    await consumer().entity('country', id);
    await consumer().entity('country', id);
    expect(hook.requests).toHaveLength(2);
  });

  it('masks apply to cached webhook data too, without spoiling the cache', async () => {
    await env.policy('masked', { segment: { type: 'country' }, masks: ['country.nested.c', 'country.extra'] });
    await env.coord.connectors.update('country', 'wiki', { name: 'w', description: 'w', webhook: hook.url, cache: 30 });
    hook.handler = () => ({ body: { entity: { nested: { c: 3, d: 4 }, extra: 'secret' } } });
    const masked = await env.consumer({ audience: 'masked' }).entity('country', gb());
    expect(masked.entity).toEqual({ capital: 'London', area: 1, nested: { d: 4 } });
    const full = await consumer().entity('country', gb());
    expect(full.entity).toEqual({ capital: 'London', area: 1, nested: { c: 3, d: 4 }, extra: 'secret' });
    expect(hook.requests).toHaveLength(1);
    await env.coord.connectors.update('country', 'wiki', { name: 'w', description: 'w', webhook: hook.url, cache: 0 });
  });

  it('bbk links are rewritten in the detail, every match', async () => {
    const d = await consumer().entity('country', publicId(wiki.cid, 'LINKS'));
    expect(d.entity).toEqual({
      country: `${env.base}/entity/country/${gb()}`,
      list: [
        `${env.base}/entity/country/${gb()}`,
        `${env.base}/entity/country/${publicId(wiki.cid, 'a b')}`,
        'not bbk://country/x/y',
      ],
      deep: { again: `${env.base}/entity/heritage-site/${publicId(cached.cid, '1196')}` },
    });
  });

  it('timeseries declarations carry their url', async () => {
    const d = await consumer().entity('country', gb());
    expect(d.timeseries).toEqual({
      population: {
        period: 'P1Y',
        value: 'people',
        unit: 'x1',
        url: `${env.base}/entity/country/${gb()}/timeseries/population`,
      },
    });
    const all = await consumer().entities('country');
    expect(await consumer().catalog({ 'timeseries.population.value': 'people' })).toEqual(all);
    expect(await consumer().catalog({ 'timeseries.population.unit': 'decibel' })).toEqual([]);
  });
});

describe('timeseries webhook', () => {
  const ts = (query = '', id = gb(), tsid = 'population') =>
    call(`${env.base}/entity/country/${id}/timeseries/${tsid}${query}`, { headers: { 'x-bbk-audience': 'all' } });
  const points = [
    { from: '2001-01-01T00:00:00.000Z', value: 1 },
    { from: '2004-01-01T00:00:00.000Z', value: 4 },
    { from: '2002-01-01T00:00:00.000Z', value: 2 },
    { from: '2003-01-01T00:00:00.000Z', to: '2003-12-31T00:00:00.000Z', value: 3 },
  ];

  it('forwards start, end, limit in that order as full ISO UTC; duration becomes end', async () => {
    hook.handler = () => ({ body: [] });
    await ts('?start=2000-01-01T00:00:00Z&end=2001-06-01T12:00:00.5Z&limit=7');
    await ts('?start=2000-01-01T00:00:00Z&duration=86400');
    await ts('');
    expect(hook.requests.map((r) => decodeURIComponent(r.url))).toEqual([
      '/hook/timeseries/country/GB/population?start=2000-01-01T00:00:00.000Z&end=2001-06-01T12:00:00.500Z&limit=7',
      '/hook/timeseries/country/GB/population?start=2000-01-01T00:00:00.000Z&end=2000-01-02T00:00:00.000Z&limit=500',
      '/hook/timeseries/country/GB/population?limit=500',
    ]);
    expect(hook.requests[0]!.headers['x-bbk-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it("passes the webhook's array through unchanged: its order, its length, whatever limit says", async () => {
    hook.handler = () => ({ body: points });
    expect((await ts('?limit=2')).json).toEqual(points);
    expect((await ts('')).json).toEqual(points);
  });

  it('any failure is 200 []', async () => {
    for (const answer of [
      { status: 500, body: points },
      { raw: 'nope' },
      { body: { points } },
      { body: points, delayMs: 2000 },
      { raw: `[{"from":"2020","value":${'['.repeat(5000)}${']'.repeat(5000)}}]` },
    ]) {
      hook.handler = () => answer;
      const res = await ts('');
      expect(res.status).toBe(200);
      expect(res.json).toEqual([]);
    }
    const res = await ts('', publicId(dead.cid, 'D1'));
    expect(res.json).toEqual([]);
  });

  it('unknown tsid or record → 404; bad parameters → exact 400s first', async () => {
    expect((await ts('', gb(), 'noise')).status).toBe(404);
    expect((await ts('', gb(), 'has%20spaces')).status).toBe(404);
    expect((await ts('', '0'.repeat(40))).status).toBe(404);
    const bad = await ts('?end=1980&duration=86400', '0'.repeat(40));
    expect(bad.status).toBe(400);
    expect((bad.json as { error: { message: Array<{ name: string; reason: string }> } }).error.message).toEqual([
      { name: 'paging', index: null, reason: 'You cannot specify an end without a start' },
      { name: 'paging', index: null, reason: 'You cannot specify a duration without a start' },
      { name: 'paging', index: null, reason: 'You cannot specify both an end and a duration' },
    ]);
    const limit = await ts('?limit=501');
    expect((limit.json as { error: { message: unknown } }).error.message).toEqual([
      { name: 'limit', index: null, reason: 'must be less than or equal to 500' },
    ]);
  });

  it('a connector without a webhook answers []', async () => {
    await env.entityType('plain');
    const plain = await env.connector('plain', 'plain-source');
    await env.coord.entityTypes.update('plain', {
      name: 'Plain',
      description: 'now with a timeseries',
      timeseries: { noise: { period: 'PT1H', value: 'level', unit: 'decibel' } },
    });
    await env.upsert(plain, [{ id: 'P1', name: 'Plain One', entity: {} }]);
    await env.policy('plain', { segment: { type: 'plain' } });
    const res = await call(`${env.base}/entity/plain/${publicId(plain.cid, 'P1')}/timeseries/noise`, {
      headers: { 'x-bbk-audience': 'plain' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual([]);
  });
});

describe('webhook health (coordinator)', () => {
  it('counts calls, failures, timeouts and latency per connector', async () => {
    const res = await call(`${env.server.urls.coordinator}/entity/country/connector/dead/health`);
    expect(res.status).toBe(200);
    const h = res.json as Record<string, unknown>;
    expect(h).toMatchObject({
      id: 'dead',
      url: `${env.server.urls.coordinator}/entity/country/connector/dead/health`,
      webhook: 'http://127.0.0.1:9/nothing',
    });
    expect(h.calls).toBeGreaterThanOrEqual(2);
    expect(h.failures).toBe(h.calls);
    expect(h.last_success).toBeNull();
    expect(typeof h.last_error).toBe('string');
    const wikiHealth = (await call(`${env.server.urls.coordinator}/entity/country/connector/wiki/health`))
      .json as Record<string, number>;
    expect(wikiHealth.timeouts).toBeGreaterThanOrEqual(2);
    expect(wikiHealth.calls).toBeGreaterThan(wikiHealth.failures ?? 0);
    expect(wikiHealth.latency_ms_avg).toBeGreaterThan(0);
    expect((await call(`${env.server.urls.coordinator}/entity/country/connector/nope/health`)).status).toBe(404);
  });
});
