import { BbkApiError, type ConsumerClient, type RecordInput } from '@bbk/sdk';
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

const country = (
  id: string,
  name: string,
  population: number,
  capital: string,
  currency: [string, string],
  independence: number,
): RecordInput => ({
  id,
  name,
  entity: { population, capital, currency: { code: currency[0], name: currency[1] }, continent: 'Somewhere' },
  instance: { independence, founded: { year: independence, by: 'someone' } },
});

const LIVE = [
  country('GB', 'United Kingdom', 67_000_000, 'London', ['GBP', 'Pound'], 1707),
  country('IN', 'India', 1_400_000_000, 'New Delhi', ['INR', 'Rupee'], 1947),
  country('FR', 'France', 68_000_000, 'Paris', ['EUR', 'Euro'], 843),
  country('CN', 'China', 1_410_000_000, 'Beijing', ['CNY', 'Yuan'], 1949),
];
const STAGED = [country('ZZ', 'Zedland', 2_000_000_000, 'Zed', ['ZZD', 'Zeddy'], 2000)];
const LEGAL = [
  { type: 'attribution' as const, text: 'Data is supplied by Wikipedia', link: 'https://en.wikipedia.org/' },
];
const BIG_MASKS = [
  'country.capital',
  'country.entity.currency.name',
  'country.instance.independence',
  'country.secret',
  'country.instance.founded.by',
];

let env: ConsumerEnv;
let hook: TestWebhook;
let live: TestConnector;
let staged: TestConnector;

beforeAll(async () => {
  hook = await startWebhook((url) => {
    const parts = url.pathname.split('/');
    if (parts[2] === 'entity')
      return { body: { entity: { secret: `s-${parts[4]}`, extra: `e-${parts[4]}` }, instance: { live: true } } };
    if (parts[2] === 'timeseries') return { body: [{ from: '2020-01-01T00:00:00.000Z', value: parts[4] }] };
    return undefined;
  });
  env = await consumerEnv();
  await env.entityType('country', { timeseries: { population: { period: 'P1Y', value: 'people', unit: 'x1' } } });
  live = await env.connector('country', 'wikipedia', { webhook: hook.url });
  staged = await env.connector('country', 'staging', { webhook: hook.url, live: false });
  await env.upsert(live, LIVE);
  await env.upsert(staged, STAGED);
  await env.policy('big', { segment: { 'entity.population': { $gt: 1e9 } }, masks: BIG_MASKS, legal: LEGAL });
  await env.policy('by-capital', { segment: { 'entity.capital': 'Paris' }, masks: ['country.capital'] });
  await env.policy('nothing', { segment: { type: 'other' } });
});
afterAll(async () => {
  await env.close();
  await hook.close();
});

const names = (items: Array<{ name: string }>) => items.map((i) => i.name);
const pid = (c: TestConnector, vendor: string) => publicId(c.cid, vendor);
const expectStatus = async (p: Promise<unknown>, status: number) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BbkApiError);
  expect((err as BbkApiError).status).toBe(status);
};

describe('the data segment is ANDed with every read', () => {
  let big: ConsumerClient;
  beforeAll(() => {
    big = env.consumer({ audience: 'big' });
  });

  it('/catalog', async () => {
    expect(names(await big.catalog({ type: 'country' }))).toEqual(['India', 'China']);
    expect(await big.catalog({ name: 'United Kingdom' })).toEqual([]);
  });
  it('/entity and /entity/:type', async () => {
    expect((await big.entityTypes()).map((e) => e.id)).toEqual(['country']);
    expect(names(await big.entities('country'))).toEqual(['India', 'China']);
    const none = env.consumer({ audience: 'nothing' });
    expect(await none.entityTypes()).toEqual([]);
    expect(await none.entities('country')).toEqual([]);
    await expectStatus(none.entity('country', pid(live, 'IN')), 404);
  });
  it('detail and timeseries of an out-of-segment record are 404 as if absent', async () => {
    await expectStatus(big.entity('country', pid(live, 'GB')), 404);
    await expectStatus(big.timeseries('country', pid(live, 'GB'), 'population'), 404);
    expect(await big.timeseries('country', pid(live, 'IN'), 'population')).toEqual([
      { from: '2020-01-01T00:00:00.000Z', value: 'IN' },
    ]);
  });
  it('the segment sees full records even when it names a masked attribute', async () => {
    const c = env.consumer({ audience: 'by-capital' });
    expect(names(await c.catalog({ type: 'country' }))).toEqual(['France']);
    const fr = await c.entity('country', pid(live, 'FR'));
    expect(fr.entity).not.toHaveProperty('capital');
    // …but the consumer cannot use the masked attribute
    expect(await c.catalog({ 'entity.capital': 'Paris' })).toEqual([]);
  });
});

describe('field masks', () => {
  it('remove attributes from the detail, after the webhook merge, in both forms and nested', async () => {
    const d = await env.consumer({ audience: 'big' }).entity('country', pid(live, 'IN'));
    expect(d.entity).toEqual({
      population: 1_400_000_000,
      currency: { code: 'INR' },
      continent: 'Somewhere',
      extra: 'e-IN',
    });
    expect(d.instance).toEqual({ founded: { year: 1947 }, live: true });
    expect(JSON.stringify(d)).not.toMatch(/New Delhi|Rupee|s-IN|someone|1947,|"independence"/);
    expect(d.legal).toEqual(LEGAL);
  });

  it('make masked paths behave as absent in q', async () => {
    const c = env.consumer({ audience: 'big' });
    expect(await c.catalog({ 'entity.capital': 'New Delhi' })).toEqual([]);
    expect(await c.catalog({ 'entity.capital': { $regex: '.' } })).toEqual([]);
    expect(names(await c.catalog({ 'entity.capital': null }))).toEqual(['India', 'China']);
    expect(names(await c.catalog({ 'entity.capital': { $ne: 'New Delhi' } }))).toEqual(['India', 'China']);
    expect(await c.catalog({ 'entity.currency.name': 'Rupee' })).toEqual([]);
    // a parent object is compared without its masked keys
    expect(names(await c.catalog({ 'entity.currency': { code: 'INR' } }))).toEqual(['India']);
    expect(await c.catalog({ 'entity.currency': { code: 'INR', name: 'Rupee' } })).toEqual([]);
    expect(await c.catalog({ 'instance.independence': { $gt: 0 } })).toEqual([]);
    // unmasked attributes still work
    expect(names(await c.catalog({ 'entity.currency.code': 'CNY' }))).toEqual(['China']);
  });
});

describe('legal notices', () => {
  it('ride on every list item and the detail, not on /entity', async () => {
    const c = env.consumer({ audience: 'big' });
    for (const item of [...(await c.catalog({ type: 'country' })), ...(await c.entities('country'))])
      expect(item.legal).toEqual(LEGAL);
    expect(await c.entityTypes()).toEqual([
      { id: 'country', url: `${env.base}/entity/country`, name: 'Type country', description: 'All country records' },
    ]);
  });
});

describe('staged connectors (x-bbk-connectors)', () => {
  const zz = () => pid(staged, 'ZZ');
  const get = (path: string, connectors?: string) =>
    call(`${env.base}${path}`, {
      headers: { 'x-bbk-audience': 'big', ...(connectors === undefined ? {} : { 'x-bbk-connectors': connectors }) },
    });

  it('are invisible without the header, on every route', async () => {
    const c = env.consumer({ audience: 'big' });
    expect(names(await c.catalog({ type: 'country' }))).toEqual(['India', 'China']);
    expect(names(await c.entities('country'))).toEqual(['India', 'China']);
    await expectStatus(c.entity('country', zz()), 404);
    await expectStatus(c.timeseries('country', zz(), 'population'), 404);
  });

  it('are shown as if live when named, still inside segment and masks', async () => {
    const c = env.consumer({ audience: 'big', connectors: [staged.cid] });
    expect(names(await c.catalog({ type: 'country' }))).toEqual(['India', 'China', 'Zedland']);
    expect(names(await c.entities('country'))).toEqual(['India', 'China', 'Zedland']);
    const d = await c.entity('country', zz());
    expect(d.entity).not.toHaveProperty('capital');
    expect(await c.timeseries('country', zz(), 'population')).toEqual([
      { from: '2020-01-01T00:00:00.000Z', value: 'ZZ' },
    ]);
    const none = env.consumer({ audience: 'nothing', connectors: [staged.cid] });
    expect(await none.entities('country')).toEqual([]);
  });

  it('splits on commas, trims, drops empties, ignores unknown ids, keeps the first 16', async () => {
    const count = async (h: string) => ((await get(`/entity/country`, h)).json as unknown[]).length;
    expect(await count(` , ${staged.cid} ,,`)).toBe(3);
    expect(await count(`unknown,${'f'.repeat(40)},${staged.cid}`)).toBe(3);
    const fifteen = Array.from({ length: 15 }, (_, i) => `x${i}`);
    expect(await count([...fifteen, staged.cid].join(','))).toBe(3);
    expect(await count([...fifteen, 'x15', staged.cid].join(','))).toBe(2);
    expect(await count(['', ' ', ...fifteen, staged.cid].join(','))).toBe(3);
    expect(await count('')).toBe(2);
  });
});

describe('which policy applies', () => {
  it('missing or unknown audience → 403 with the standard body, after parameter validation', async () => {
    for (const headers of [{}, { 'x-bbk-audience': 'no-such-policy' }] as Record<string, string>[]) {
      for (const path of [
        '/catalog?q={"name":"India"}',
        '/entity',
        '/entity/country',
        `/entity/country/${pid(live, 'IN')}`,
      ]) {
        const res = await call(`${env.base}${path}`, { headers });
        expect(res.status, path).toBe(403);
        expect(res.json).toEqual({ error: { code: 403, status: 'Forbidden', message: '' } });
      }
      expect((await call(`${env.base}/entity?limit=0`, { headers })).status).toBe(400);
      expect((await call(`${env.base}/catalog?q=nope`, { headers })).status).toBe(400);
      expect((await call(`${env.base}/entity/country/x/timeseries/y?end=2000`, { headers })).status).toBe(400);
    }
  });

  it('audience is case-insensitive and trimmed', async () => {
    const res = await call(`${env.base}/entity/country`, { headers: { 'x-bbk-audience': ' BIG ' } });
    expect(res.status).toBe(200);
  });

  it('policy changes apply on the next request; delete → 403; re-create works again', async () => {
    await env.policy('changing', { segment: { name: 'India' }, masks: ['country.capital'] });
    const c = env.consumer({ audience: 'changing' });
    expect(names(await c.entities('country'))).toEqual(['India']);
    expect((await c.entity('country', pid(live, 'IN'))).entity).not.toHaveProperty('capital');
    await env.coord.policies.update('changing', {
      name: 'Changing',
      description: 'changed',
      policy: {
        access_control: { enabled: false },
        data_segment: { segment_query: { 'entity.population': { $lt: 1e8 } }, field_masks: ['country.continent'] },
        legal_context: [{ type: 'note', text: 'changed', link: null }],
      },
    });
    expect(names(await c.entities('country'))).toEqual(['United Kingdom', 'France']);
    const gb = await c.entity('country', pid(live, 'GB'));
    expect(gb.entity).toHaveProperty('capital', 'London');
    expect(gb.entity).not.toHaveProperty('continent');
    expect(gb.legal).toEqual([{ type: 'note', text: 'changed', link: null }]);
    await env.coord.policies.delete('changing');
    await expectStatus(c.entities('country'), 403);
    await env.policy('changing', { segment: { name: 'China' } });
    expect(names(await c.entities('country'))).toEqual(['China']);
  });
});

describe('production mode: the policy comes from the token', () => {
  let prod: ConsumerEnv;
  let token: string;
  let uid: number;
  beforeAll(async () => {
    prod = await consumerEnv({ mode: 'production' });
    await prod.entityType('country');
    const c = await prod.connector('country', 'wiki');
    await prod.upsert(c, LIVE);
    await prod.policy('big', { segment: { 'entity.population': { $gt: 1e9 } }, masks: ['country.capital'] });
    await prod.policy('small', { segment: { 'entity.population': { $lt: 1e9 } } });
    uid = (await prod.coord.users.create({ name: 'Con Sumer', email: 'consumer@example.com', organization: 'Acme' }))
      .id;
    token = await prod.coord.accesses.grant(uid, 'big');
  });
  afterAll(() => prod.close());

  it('reads through the access policy; x-bbk-audience is ignored', async () => {
    const c = prod.consumer({ token, audience: 'small' });
    expect(names(await c.entities('country'))).toEqual(['India', 'China']);
    const res = await call(`${prod.base}/entity/country`, {
      headers: { 'x-bbk-auth-token': token, 'x-bbk-audience': 'small' },
    });
    expect(names(res.json as Array<{ name: string }>)).toEqual(['India', 'China']);
  });

  it('no token → 401; a coordinator token → 401; policy update applies to the existing token', async () => {
    expect((await call(`${prod.base}/entity`)).status).toBe(401);
    expect((await call(`${prod.base}/entity`, { token: prod.server.adminToken })).status).toBe(401);
    await prod.coord.policies.update('big', {
      name: 'Big',
      description: 'now everything',
      policy: {
        access_control: { enabled: false },
        data_segment: { segment_query: { type: 'country' } },
        legal_context: [],
      },
    });
    expect(await prod.consumer({ token }).entities('country')).toHaveLength(4);
  });

  it('a deleted access stops its token (403)', async () => {
    await prod.coord.accesses.revoke(uid, 'big');
    const res = await call(`${prod.base}/entity`, { token });
    expect(res.status).toBe(403);
  });
});
