import { readFileSync } from 'node:fs';
import type { RecordInput } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerEnv, consumerEnv, publicId, type TestConnector } from './consumer-setup.js';
import { call } from './harness.js';

// A few records with nested objects, arrays, missing attributes, strings vs numbers.
const RECORDS: RecordInput[] = [
  {
    id: 'a',
    name: 'Alpha',
    entity: {
      n: 5,
      s: 'five',
      tags: ['x', 'y'],
      nested: { k: 1, deep: { v: 'Pea' } },
      flag: true,
      mixed: 5,
      nul: null,
      list: [{ q: 1 }, { q: 2 }],
    },
    instance: { i: 1 },
  },
  { id: 'b', name: 'Bravo', entity: { n: 10, s: 'ten', tags: ['y'], nested: { k: 2 }, flag: false, mixed: '5' } },
  { id: 'c', name: 'Charlie', entity: { n: 2.5, s: 'two', tags: [], flag: true } },
  { id: 'd', name: 'Delta', entity: { s: 'ten', nested: { k: 1, deep: { v: 'q' } }, mixed: [5] } },
  { id: 'e', name: 'Echo', entity: { n: -1, tags: ['x', 'z'], nul: 'not null' } },
  { id: 'f', name: 'Fox?', entity: { s: 'say "hi"?' } },
];

/** Country records of the example data, connector-private keys removed. */
function countries(): RecordInput[] {
  const raw = JSON.parse(
    readFileSync(new URL('../../../examples/countries/data/country.json', import.meta.url), 'utf8'),
  ) as Array<Record<string, unknown>>;
  return raw.map(
    (r) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('_'))) as unknown as RecordInput,
  );
}

// Independent great-circle distance (haversine on the mean Earth radius).
function distance([lon1, lat1]: number[], [lon2, lat2]: number[]): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((lat2! - lat1!) * rad) / 2) ** 2 +
    Math.cos(lat1! * rad) * Math.cos(lat2! * rad) * Math.sin(((lon2! - lon1!) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

let env: ConsumerEnv;
let things: TestConnector;
let geo: TestConnector;
const audience = 'everything';

beforeAll(async () => {
  env = await consumerEnv();
  await env.entityType('thing');
  await env.entityType('country');
  things = await env.connector('thing', 'things');
  geo = await env.connector('country', 'countries');
  await env.upsert(things, RECORDS);
  await env.upsert(geo, countries());
  await env.policy(audience, { segment: {}, legal: [{ type: 'note', text: 'all of it', link: null }] });
  await env.policy('things-only', { segment: { type: 'thing' } });
});
afterAll(() => env.close());

const consumer = () => env.consumer({ audience });
/** Vendor ids of the `thing` records matching q, in catalog order. */
async function things_(q: Record<string, unknown>): Promise<string[]> {
  const items = await consumer().catalog({ $and: [{ type: 'thing' }, q] } as never);
  const byPublic = new Map(RECORDS.map((r) => [publicId(things.cid, r.id), r.id]));
  return items.map((i) => byPublic.get(i.id) ?? `?${i.id}`);
}
const raw = (query: string, headers: Record<string, string> = { 'x-bbk-audience': audience }) =>
  call(`${env.base}/catalog${query}`, { headers });

describe('GET /catalog: every operator end-to-end', () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['implicit equality on a string', { name: 'Alpha' }, ['a']],
    ['implicit equality keeps the type (5 vs "5" vs [5])', { 'entity.mixed': 5 }, ['a']],
    ['… and the string', { 'entity.mixed': '5' }, ['b']],
    ['$eq number', { 'entity.n': { $eq: 10 } }, ['b']],
    ['$ne also matches missing fields', { 'entity.n': { $ne: 5 } }, ['b', 'c', 'd', 'e', 'f']],
    ['$lt number', { 'entity.n': { $lt: 5 } }, ['c', 'e']],
    ['$lte number', { 'entity.n': { $lte: 5 } }, ['a', 'c', 'e']],
    ['$gt number', { 'entity.n': { $gt: 5 } }, ['b']],
    ['$gte fractional', { 'entity.n': { $gte: 2.5 } }, ['a', 'b', 'c']],
    ['$lt string compares text', { 'entity.s': { $lt: 'ten' } }, ['a', 'f']],
    ['$gte string', { 'entity.s': { $gte: 'ten' } }, ['b', 'c', 'd']],
    ['$in numbers', { 'entity.n': { $in: [5, 10] } }, ['a', 'b']],
    ['$in strings', { 'entity.s': { $in: ['ten', 'nothing'] } }, ['b', 'd']],
    ['$in mixed strings and numbers (Fix: no 500)', { 'entity.mixed': { $in: [5, '5'] } }, ['a', 'b']],
    ['$in empty matches nothing', { 'entity.n': { $in: [] } }, []],
    ['$nin needs the field present', { 'entity.n': { $nin: [5, 10] } }, ['c', 'e']],
    ['$nin empty matches nothing (quirk)', { 'entity.n': { $nin: [] } }, []],
    ['array literal = containment', { 'entity.tags': ['x'] }, ['a', 'e']],
    ['$contains every element', { 'entity.tags': { $contains: ['y', 'x'] } }, ['a']],
    ['$contains scalar = equality', { 'entity.s': { $contains: 'ten' } }, ['b', 'd']],
    ['object literal = deep equality', { 'entity.nested': { k: 2 } }, ['b']],
    ['nested path', { 'entity.nested.k': 1 }, ['a', 'd']],
    ['$regex unanchored', { 'entity.s': { $regex: 'e' } }, ['a', 'b', 'd']],
    ['$regex alternation on name', { name: { $regex: 'ha|ho' } }, ['a', 'c', 'e']],
    ['$regex with $options i', { 'entity.nested.deep.v': { $regex: '^p', $options: 'i' } }, ['a']],
    ['null = missing or null', { 'entity.nul': null }, ['a', 'b', 'c', 'd', 'f']],
    ['$eq null = explicit null', { 'entity.nul': { $eq: null } }, ['a']],
    ['boolean true', { 'entity.flag': true }, ['a', 'c']],
    ['boolean false', { 'entity.flag': false }, ['b']],
    ['numeric segment indexes an array', { 'entity.list.1.q': 2 }, ['a']],
    ['instance section', { 'instance.i': 1 }, ['a']],
    ['vendor id is queryable', { id: 'c' }, ['c']],
    ['several keys are ANDed', { 'entity.s': 'ten', 'entity.n': 10 }, ['b']],
    ['several operators on one field are ANDed', { 'entity.n': { $gt: 0, $lt: 6 } }, ['a', 'c']],
    ['$and', { $and: [{ 'entity.n': { $gt: 0 } }, { 'entity.s': 'ten' }] }, ['b']],
    ['$or', { $or: [{ name: 'Alpha' }, { 'entity.s': 'ten' }] }, ['a', 'b', 'd']],
    ['$nor', { $nor: [{ name: 'Alpha' }, { 'entity.s': 'ten' }] }, ['c', 'e', 'f']],
    ['top-level $not', { $not: { 'entity.n': { $gt: 2 } } }, ['d', 'e', 'f']],
    ['field-level $not', { 'entity.n': { $not: { $gt: 2 } } }, ['d', 'e', 'f']],
    ['values with quotes and ? (Fix)', { 'entity.s': 'say "hi"?' }, ['f']],
    ['two ? in one query (Fix)', { $or: [{ name: 'Fox?' }, { name: 'Fox??' }] }, ['f']],
    ['type', { type: 'thing' }, ['a', 'b', 'c', 'd', 'e', 'f']],
    ['timeseries declaration copy (none declared here)', { 'timeseries.population.value': 'people' }, []],
  ];
  for (const [title, q, expected] of cases) {
    it(title, async () => {
      expect(await things_(q)).toEqual(expected);
    });
  }
});

describe('GET /catalog: geo', () => {
  const uk = [-3.435973, 55.378051];
  const all = countries();
  const at = (id: string) =>
    (all.find((c) => c.id === id)!.entity as { location: { coordinates: number[] } }).location.coordinates;
  const codesOf = async (q: Record<string, unknown>) => {
    const ids = new Map(all.map((c) => [publicId(geo.cid, c.id), c.id]));
    return (await consumer().catalog({ type: 'country', ...q } as never)).map((i) => ids.get(i.id)!).sort();
  };
  /** Codes whose independent distance satisfies `test`, skipping those within 1 km of a bound. */
  const expectNear = async (min: number | undefined, max: number | undefined) => {
    const bounds = [min, max].filter((b): b is number => b !== undefined);
    const near = (d: number) => (min === undefined || d > min) && (max === undefined || d < max);
    const got = new Set(
      await codesOf({
        'entity.location': {
          $near: {
            $geometry: { type: 'Point', coordinates: uk },
            ...(min === undefined ? {} : { $min: min }),
            ...(max === undefined ? {} : { $max: max }),
          },
        },
      }),
    );
    let checked = 0;
    for (const c of all) {
      const d = distance(at(c.id), uk);
      if (bounds.some((b) => Math.abs(d - b) < 1000)) continue;
      expect(got.has(c.id), `${c.id} at ${Math.round(d)} m`).toBe(near(d));
      checked++;
    }
    expect(checked).toBeGreaterThan(190);
    return got;
  };

  it('$near with $max (750 km around the UK centre)', async () => {
    const got = await expectNear(undefined, 750_000);
    expect([...got].sort()).toEqual(expect.arrayContaining(['GB', 'IE']));
  });
  it('$near with $min only', async () => {
    await expectNear(5_000_000, undefined);
  });
  it('$near with both bounds', async () => {
    await expectNear(500_000, 2_000_000);
  });
  it('$within a polygon (the docs UK box)', async () => {
    const box = [
      [-12.386341, 59.062341],
      [-12.386341, 49.952269],
      [2.500282, 49.952269],
      [2.500282, 59.062341],
      [-12.386341, 59.062341],
    ];
    const got = await codesOf({
      'entity.location': { $within: { $geometry: { type: 'Polygon', coordinates: [box] } } },
    });
    const expected = all
      .filter((c) => {
        const [x, y] = at(c.id) as [number, number];
        return x > -12.386341 && x < 2.500282 && y > 49.952269 && y < 59.062341;
      })
      .map((c) => c.id)
      .sort();
    expect(got).toEqual(expected);
    expect(got).toContain('GB');
  });
  it('two geo operators in one query (Fix: no 500)', async () => {
    const got = await codesOf({
      $and: [
        { 'entity.location': { $near: { $geometry: { type: 'Point', coordinates: uk }, $max: 750_000 } } },
        { 'entity.location': { $near: { $geometry: { type: 'Point', coordinates: [2.35, 48.85] }, $max: 750_000 } } },
      ],
    });
    const paris = [2.35, 48.85];
    for (const c of all) {
      const [d1, d2] = [distance(at(c.id), uk), distance(at(c.id), paris)];
      if (Math.abs(d1 - 750_000) < 1000 || Math.abs(d2 - 750_000) < 1000) continue;
      expect(got.includes(c.id), c.id).toBe(d1 < 750_000 && d2 < 750_000);
    }
    expect(got.length).toBeGreaterThan(0);
  });
});

describe('GET /catalog: the query parameter', () => {
  const reason = async (q: string) => {
    const res = await raw(`?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(400);
    return (res.json as { error: { message: Array<{ name: string; index: null; reason: string }> } }).error.message;
  };

  it('no q, empty q, {} and [] all give []', async () => {
    for (const q of ['', '?q=', `?q=${encodeURIComponent('{}')}`, `?q=${encodeURIComponent('[]')}`]) {
      const res = await raw(q);
      expect(res.status).toBe(200);
      expect(res.json).toEqual([]);
    }
  });

  it('answers the three reasons under policy.data_segment.segment_query', async () => {
    const name = 'policy.data_segment.segment_query';
    expect(await reason('{nope')).toEqual([{ name, index: null, reason: 'Query is not valid json' }]);
    expect(await reason('{"name":{"$exists":true}}')).toEqual([
      { name, index: null, reason: 'Query contains unrecognised operations' },
    ]);
    expect(await reason('{"name":"$foo"}')).toEqual([
      { name, index: null, reason: 'Query contains unrecognised operations' },
    ]);
    for (const q of [
      '5',
      'null',
      '"x"',
      'true',
      '{"$and":[]}',
      '{"name":{"$in":5}}',
      '{"name":{"$regex":5}}',
      '{"$min":1}',
    ]) {
      expect(await reason(q)).toEqual([{ name, index: null, reason: 'Query cannot be parsed' }]);
    }
  });

  it('never answers 500, even for huge or deep queries', async () => {
    // 1100 ANDed keys: more terms than SQLite's expression depth, still within Node's 16 KB header limit
    const wide = Object.fromEntries(Array.from({ length: 1100 }, (_, i) => [i.toString(36).padStart(2, '0'), 1]));
    const deep = Array.from({ length: 40 }).reduce<Record<string, unknown>>((q) => ({ $not: q }), { name: 'x' });
    for (const q of [wide, deep, { name: { $regex: '(' } }, { name: { $regex: '(a+)+$' } }]) {
      const res = await raw(`?q=${JSON.stringify(q)}`);
      expect([200, 400], JSON.stringify(res.json)).toContain(res.status);
    }
  });

  it('lists paging and query errors together, before the policy check', async () => {
    const res = await raw(`?q=nope&limit=0`, {});
    expect(res.status).toBe(400);
    expect((res.json as { error: { message: unknown } }).error.message).toEqual([
      { name: 'limit', index: null, reason: 'must be greater than or equal to 1' },
      { name: 'policy.data_segment.segment_query', index: null, reason: 'Query is not valid json' },
    ]);
  });
});

describe('paging (/catalog, /entity, /entity/:type)', () => {
  const q = `q=${encodeURIComponent('{"type":"thing"}')}`;
  const errors = async (path: string) => {
    const res = await call(`${env.base}${path}`, { headers: { 'x-bbk-audience': audience } });
    expect(res.status).toBe(400);
    return (res.json as { error: { message: Array<{ name: string; reason: string }> } }).error.message.map(
      (i) => `${i.name}: ${i.reason}`,
    );
  };

  it('uses parseFloat prefix semantics: limit=1$offset=1 returns one item', async () => {
    for (const path of [
      `/catalog?${q}&limit=1$offset=1`,
      '/entity/thing?limit=1$offset=1',
      '/entity?limit=1$offset=1',
    ]) {
      const res = await call(`${env.base}${path}`, { headers: { 'x-bbk-audience': audience } });
      expect(res.status).toBe(200);
      expect(res.json).toHaveLength(1);
    }
    const res = await call(`${env.base}/entity/thing?limit=2abc`, { headers: { 'x-bbk-audience': audience } });
    expect(res.json).toHaveLength(2);
  });

  it('gives the exact errors', async () => {
    for (const base of [`/catalog?${q}&`, '/entity/thing?', '/entity?']) {
      expect(await errors(`${base}limit=0.2`)).toEqual([
        'limit: is not of a type(s) integer',
        'limit: must be greater than or equal to 1',
      ]);
      expect(await errors(`${base}limit=abc`)).toEqual(['limit: is not of a type(s) integer']);
      expect(await errors(`${base}limit=251`)).toEqual(['limit: must be less than or equal to 250']);
      expect(await errors(`${base}offset=-1&limit=0`)).toEqual([
        'limit: must be greater than or equal to 1',
        'offset: must be greater than or equal to 0',
      ]);
      expect(await errors(`${base}offset=1.5`)).toEqual(['offset: is not of a type(s) integer']);
    }
  });

  it('pages follow catalog order; past the end is []', async () => {
    const c = consumer();
    const whole = (await c.entities('thing')).map((i) => i.name);
    expect(whole).toEqual(RECORDS.map((r) => r.name));
    const pages: string[] = [];
    for (let offset = 0; offset < 6; offset += 4)
      pages.push(...(await c.entities('thing', { limit: 4, offset })).map((i) => i.name));
    expect(pages).toEqual(whole);
    expect(await c.entities('thing', { offset: 6 })).toEqual([]);
    expect(await c.catalog({ type: 'thing' }, { limit: 2, offset: 4 })).toHaveLength(2);
    expect(await c.entityTypes({ limit: 1, offset: 1 })).toEqual([
      { id: 'thing', url: `${env.base}/entity/thing`, name: 'Type thing', description: 'All thing records' },
    ]);
  });

  it('an updated record keeps its position', async () => {
    await env.upsert(things, [RECORDS[0]!]);
    expect((await consumer().entities('thing')).map((i) => i.name)).toEqual(RECORDS.map((r) => r.name));
  });
});

describe('shapes and legal notices', () => {
  it('list items are {id,url,type,name,legal} in that order', async () => {
    const [item] = await consumer().catalog({ name: 'Alpha' });
    const id = publicId(things.cid, 'a');
    expect(Object.keys(item!)).toEqual(['id', 'url', 'type', 'name', 'legal']);
    expect(item).toEqual({
      id,
      url: `${env.base}/entity/thing/${id}`,
      type: 'thing',
      name: 'Alpha',
      legal: [{ type: 'note', text: 'all of it', link: null }],
    });
  });

  it('detail is {id,url,type,name,entity,instance,timeseries,legal}, instance defaults to {}', async () => {
    const id = publicId(things.cid, 'b');
    const d = await consumer().entity('thing', id);
    expect(Object.keys(d)).toEqual(['id', 'url', 'type', 'name', 'entity', 'instance', 'timeseries', 'legal']);
    expect(d).toEqual({
      id,
      url: `${env.base}/entity/thing/${id}`,
      type: 'thing',
      name: 'Bravo',
      entity: RECORDS[1]!.entity,
      instance: {},
      timeseries: {},
      legal: [{ type: 'note', text: 'all of it', link: null }],
    });
  });

  it('/entity lists types with visible records, by slug, without legal', async () => {
    expect(await consumer().entityTypes()).toEqual([
      { id: 'country', url: `${env.base}/entity/country`, name: 'Type country', description: 'All country records' },
      { id: 'thing', url: `${env.base}/entity/thing`, name: 'Type thing', description: 'All thing records' },
    ]);
    expect((await env.consumer({ audience: 'things-only' }).entityTypes()).map((e) => e.id)).toEqual(['thing']);
  });

  it('path params are lower-cased; unknown type lists [], unknown id is 404', async () => {
    const id = publicId(things.cid, 'a');
    const res = await call(`${env.base}/ENTITY/Thing/${id.toUpperCase()}`, { headers: { 'x-bbk-audience': audience } });
    expect(res.status).toBe(200);
    expect(await consumer().entities('nothing')).toEqual([]);
    const missing = await call(`${env.base}/entity/thing/${'0'.repeat(40)}`, {
      headers: { 'x-bbk-audience': audience },
    });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { code: 404, status: 'Not Found', message: '' } });
    const wrongType = await call(`${env.base}/entity/country/${id}`, { headers: { 'x-bbk-audience': audience } });
    expect(wrongType.status).toBe(404);
  });
});
