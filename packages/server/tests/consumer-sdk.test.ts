import { BbkApiError } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerEnv,
  consumerEnv,
  publicId,
  startWebhook,
  type TestConnector,
  type TestWebhook,
} from './consumer-setup.js';

// A yearly series 2000..2011; the webhook honours start (inclusive), end (exclusive) and limit, newest first.
const SERIES = Array.from({ length: 12 }, (_, i) => ({ from: `${2000 + i}-01-01T00:00:00.000Z`, value: i }));

let env: ConsumerEnv;
let hook: TestWebhook;
let c: TestConnector;

beforeAll(async () => {
  hook = await startWebhook((url) => {
    if (!url.pathname.startsWith('/hook/timeseries/')) return { body: {} };
    const start = url.searchParams.get('start');
    const end = url.searchParams.get('end');
    const limit = Number(url.searchParams.get('limit'));
    const points = SERIES.filter((p) => (!start || p.from >= start) && (!end || p.from < end))
      .reverse()
      .slice(0, limit);
    return { body: points };
  });
  env = await consumerEnv();
  await env.entityType('country', { timeseries: { population: { period: 'P1Y', value: 'people', unit: 'x1' } } });
  c = await env.connector('country', 'wiki', { webhook: hook.url });
  await env.upsert(
    c,
    Array.from({ length: 7 }, (_, i) => ({
      id: `C${i}`,
      name: `Country ${i}`,
      entity: { rank: i, capital: `Cap ${i}` },
    })),
  );
  await env.policy('all', { segment: { type: 'country' }, legal: [{ type: 'license', text: 'CC', link: null }] });
});
afterAll(async () => {
  await env.close();
  await hook.close();
});

describe('the SDK consumer client, end-to-end', () => {
  it('catalogAll and entitiesAll page through everything in order', async () => {
    const consumer = env.consumer({ audience: 'all' });
    const all: string[] = [];
    for await (const item of consumer.catalogAll({ 'entity.rank': { $gte: 1 } }, { pageSize: 2 })) all.push(item.name);
    expect(all).toEqual(['Country 1', 'Country 2', 'Country 3', 'Country 4', 'Country 5', 'Country 6']);
    const listed: string[] = [];
    for await (const item of consumer.entitiesAll('country', { pageSize: 7 })) listed.push(item.name);
    expect(listed).toHaveLength(7);
  });

  it('typed detail', async () => {
    const d = await env
      .consumer({ audience: 'all' })
      .entity<{ rank: number; capital: string }>('country', publicId(c.cid, 'C3'));
    expect(d.entity.rank + 1).toBe(4);
    expect(d.legal).toEqual([{ type: 'license', text: 'CC', link: null }]);
  });

  it('timeseries and timeseriesAll (newest first, across pages)', async () => {
    const consumer = env.consumer({ audience: 'all' });
    const id = publicId(c.cid, 'C0');
    expect((await consumer.timeseries('country', id, 'population', { limit: 3 })).map((p) => p.value)).toEqual([
      11, 10, 9,
    ]);
    expect(
      (
        await consumer.timeseries('country', id, 'population', {
          start: new Date('2003-01-01T00:00:00Z'),
          duration: 1095 * 86400,
        })
      ).map((p) => p.value),
    ).toEqual([5, 4, 3]);
    const values: unknown[] = [];
    for await (const p of consumer.timeseriesAll('country', id, 'population', { pageSize: 5 })) values.push(p.value);
    expect(values).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('typed errors: 404, 400 with items, 403', async () => {
    const consumer = env.consumer({ audience: 'all' });
    const notFound = await consumer.entity('country', 'f'.repeat(40)).catch((e: unknown) => e);
    expect(BbkApiError.is(notFound, 'NOT_FOUND')).toBe(true);
    const invalid = await consumer.entities('country', { limit: 0 }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(BbkApiError);
    expect((invalid as BbkApiError).isValidation()).toBe(true);
    expect((invalid as BbkApiError).items).toEqual([
      { name: 'limit', index: null, reason: 'must be greater than or equal to 1' },
    ]);
    const forbidden = await env
      .consumer({ audience: 'nope' })
      .entityTypes()
      .catch((e: unknown) => e);
    expect((forbidden as BbkApiError).code).toBe('FORBIDDEN');
    expect((forbidden as BbkApiError).isAuthError()).toBe(true);
  });

  it('announce', async () => {
    const a = await env.consumer().announce();
    expect(a).toMatchObject({ name: 'bit-broker consumer service', base: env.base, status: 'development' });
  });
});
