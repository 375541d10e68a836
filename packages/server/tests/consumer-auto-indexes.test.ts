import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerEnv, consumerEnv, publicId, type TestConnector } from './consumer-setup.js';
import { call, TEST_ENGINE } from './harness.js';

// Indexes that build themselves, deep pages from remembered positions, and the coordinator's
// explain (docs/OPERATIONS.md, packages/server/src/query/README.md), through the real APIs.

let env: ConsumerEnv;
let connector: TestConnector;
const N = 1200;
const CONTINENTS = ['Europe', 'Asia', 'Africa'];

beforeAll(async () => {
  env = await consumerEnv({ autoIndexes: { max: 4, forbid: ['entity.secret'] } });
  await env.entityType('country');
  const c = await env.connector('country', 'gen');
  connector = c;
  await env.upsert(
    c,
    Array.from({ length: N }, (_, i) => ({
      id: `C${i}`,
      name: `Country ${i}`,
      entity: { code: `K${i}`, continent: CONTINENTS[i % 3], population: i * 1000, secret: `S${i}`, area: i % 50 },
    })),
  );
  await env.policy('all', { segment: { type: 'country' } });
  await env.policy('elevens', { segment: { name: { $regex: '^country 11', $options: 'i' } } });
});
afterAll(async () => {
  await env.close();
});

interface Explained {
  sql: string | null;
  plan: string[];
  indexes: string[];
  rows_examined: number;
  rows_returned: number;
  starts_at: { seq: number; skip: number } | null;
  automatic_indexes: Array<{ kind: string; path: string; name: string; last_used: string }>;
}

const consumer = async (path: string) => {
  const res = await call(`${env.base}${path}`, { headers: { 'x-bbk-audience': 'all' } });
  expect(res.status).toBe(200);
  return (res.json as Array<{ name: string }>).map((r) => r.name);
};
const catalog = (q: unknown, extra = '') => consumer(`/catalog?q=${encodeURIComponent(JSON.stringify(q))}${extra}`);
const explain = async (params: string) => {
  const res = await call(`${env.server.urls.coordinator}/catalog?explain=true&${params}`);
  expect(res.status, res.text).toBe(200);
  return res.json as Explained;
};
const q = (v: unknown) => `q=${encodeURIComponent(JSON.stringify(v))}`;

/** Waits until the automatic indexes are `paths` (builds run in the background). */
async function indexedPaths(until: (paths: string[]) => boolean): Promise<string[]> {
  for (let i = 0; ; i++) {
    const paths = (await explain('type=country')).automatic_indexes.map((a) => a.path).sort();
    if (until(paths) || i > 100) return paths;
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Both engines build them (SQLite: json_extract indexes and FTS5 trigrams of names on the writer thread;
// PostgreSQL: CREATE INDEX CONCURRENTLY, pg_trgm); what differs is what each engine's index serves
// (PostgreSQL compares strings in ranges COLLATE "C", which its text index does not serve).
describe('automatic indexes', () => {
  it('appear after traffic on a path, and answers stay the same', async () => {
    const equality = { 'entity.code': 'K77' };
    const range = { 'entity.code': { $gte: 'K1000', $lt: 'K1005' } };
    const before = [await catalog(equality), await catalog(range)];
    expect(before[0]).toEqual(['Country 77']);
    expect(before[1]).toEqual(['Country 1000', 'Country 1001', 'Country 1002', 'Country 1003', 'Country 1004']);
    const scanned = await explain(q(equality));
    expect(scanned.rows_examined).toBeGreaterThanOrEqual(N);
    await catalog(equality); // the third query on entity.code (SQLite counts the range too)
    if (TEST_ENGINE === 'postgres') await catalog(equality);
    expect(await indexedPaths((p) => p.includes('entity.code'))).toEqual(['entity.code']);
    expect([await catalog(equality), await catalog(range)]).toEqual(before);
    const indexed = await explain(q(equality));
    // PostgreSQL's plan also names the connectors' key it joins through
    expect(indexed.indexes.filter((i) => i.startsWith('records_'))).toEqual([indexed.automatic_indexes[0]!.name]);
    expect(indexed.rows_examined).toBe(1);
    expect(indexed.rows_returned).toBe(1);
  });

  it('include the trigram index of names for regexes; explain shows a policy’s list, never its rows', async () => {
    const regex = { name: { $regex: '^country 11\\d\\d$', $options: 'i' } };
    const scanned = await explain(`policy=all&${q(regex)}`);
    expect(scanned.rows_examined).toBeGreaterThan(1100);
    // regexes on name get the trigram index of names
    for (let i = 0; i < 3; i++) expect((await catalog(regex)).length).toBe(100);
    await indexedPaths((p) => p.includes('name'));
    const e = await explain(`policy=all&${q(regex)}`);
    const trigrams = (await explain('type=country')).automatic_indexes.find((a) => a.path === 'name')!.name;
    expect(trigrams).toMatch(/^record/);
    expect(e.rows_returned).toBe(100);
    // SQLite narrows the regex by an FTS5 lookup in the SQL. PostgreSQL's planner weighs pg_trgm's GIN index
    // itself: every name here holds "cou", "oun"… so it rightly walks the rows (the store test shows the
    // index serving `~*`, src/storage/postgres/auto-indexes.test.ts)
    if (TEST_ENGINE === 'sqlite') {
      expect(e.sql).toContain('record_names MATCH');
      expect(e.rows_examined).toBeLessThan(N); // the trigram index narrowed the regex
    }
    expect(e).not.toHaveProperty('rows');
    // a policy whose segment is a regex on name: lists use the lookup, details RE2 alone, same answers
    const detail = async (i: number) =>
      (
        await call(`${env.base}/entity/country/${publicId(connector.cid, `C${i}`)}`, {
          headers: { 'x-bbk-audience': 'elevens' },
        })
      ).status;
    expect([await detail(1105), await detail(105)]).toEqual([200, 404]);
    const listed = await call(`${env.base}/entity/country?limit=250`, { headers: { 'x-bbk-audience': 'elevens' } });
    expect((listed.json as Array<{ name: string }>).map((r) => r.name)).toEqual(
      Array.from({ length: N }, (_, i) => `Country ${i}`).filter((n) => n.startsWith('Country 11')),
    );
  });

  it('never on a forbidden path, and at most `max` of them', async () => {
    for (let i = 0; i < 5; i++) await catalog({ 'entity.secret': `S${i}` });
    const asiaQuery = { 'entity.continent': 'Asia', 'entity.area': { $gt: 40, $lte: 1000 } };
    for (let i = 0; i < 3; i++) await catalog(asiaQuery);
    await indexedPaths((p) => p.length >= 4);
    for (let i = 0; i < 5; i++) await catalog({ 'entity.population': i * 1000 });
    await new Promise((r) => setTimeout(r, 300));
    const paths = await indexedPaths(() => true);
    expect(paths).not.toContain('entity.secret');
    expect(paths).toEqual(['entity.area', 'entity.code', 'entity.continent', 'name']); // no room for population
    // the answers are those of a plain scan
    const asia = await catalog(asiaQuery);
    expect(asia).toEqual(
      Array.from({ length: N }, (_, i) => i)
        .filter((i) => i % 3 === 1 && i % 50 > 40)
        .slice(0, 250)
        .map((i) => `Country ${i}`),
    );
  });
});

// Remembered positions on both engines (SQLite: PRAGMA data_version; PostgreSQL: the change log's weight,
// docs/POSTGRES.md). Same rows on both.
describe('deep pages', () => {
  it('start from a remembered position once one page was asked that deep, with the same rows', async () => {
    const expected = (offset: number, limit: number) =>
      Array.from({ length: Math.max(0, Math.min(limit, N - offset)) }, (_, i) => `Country ${offset + i}`);
    expect(await consumer('/entity/country?offset=1150&limit=40')).toEqual(expected(1150, 40));
    const deep = await explain('policy=all&type=country&offset=1100&limit=40');
    expect(deep.starts_at?.skip).toBe(1100 % 256);
    expect(deep.rows_examined).toBe((1100 % 256) + 40);
    expect(deep.rows_returned).toBe(40);
    expect(await consumer('/entity/country?offset=1100&limit=40')).toEqual(expected(1100, 40));
    expect(await consumer('/entity/country?offset=1190&limit=40')).toEqual(expected(1190, 40));
    expect(await consumer('/entity/country?offset=1200')).toEqual([]);
    expect(await consumer('/entity/country?offset=255&limit=3')).toEqual(expected(255, 3));
    expect(await consumer('/entity/country?offset=256&limit=3')).toEqual(expected(256, 3));
  });
});

describe('GET /catalog?explain=true (Coordinator API)', () => {
  it('answers in the standard error body', async () => {
    const coordinator = env.server.urls.coordinator;
    const bad = await call(`${coordinator}/catalog?explain=true&q=%7B`);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 400 } });
    expect((await call(`${coordinator}/catalog?q=%7B%7D`)).status).toBe(400);
    expect((await call(`${coordinator}/catalog?explain=true&policy=nope&q=%7B%7D`)).status).toBe(404);
  });

  it('is not a consumer feature: the Consumer API answers the list itself', async () => {
    const res = await call(`${env.base}/catalog?${q({ 'entity.code': 'K5' })}&explain=true`, {
      headers: { 'x-bbk-audience': 'all' },
    });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
    expect(res.text).not.toContain('plan');
  });
});

// An equality ANDed with a range: an index on one of them reads every record it matches to test the other, so both
// engines build a compound index on both paths (packages/server/src/query/README.md, "Compound indexes").
describe('compound automatic indexes', () => {
  let own: ConsumerEnv;
  // populations in no relation to catalog order (else PostgreSQL rightly reads their index, in the table's order)
  const spread = (i: number) => (i * 7919) % 20_000;
  beforeAll(async () => {
    own = await consumerEnv();
    await own.entityType('country');
    const c = await own.connector('country', 'gen');
    await own.upsert(
      c,
      // enough records for the planner to prefer an index to a scan in catalog order
      Array.from({ length: 20_000 }, (_, i) => ({
        id: `C${i}`,
        name: `Country ${i}`,
        entity: { continent: CONTINENTS[i % 3], population: spread(i) * 1000 },
      })),
    );
    await own.policy('all', { segment: { type: 'country' } });
  });
  afterAll(async () => {
    await own.close();
  });

  it('serves the AND from one index on both paths, with the same answers', async () => {
    // about 100 records all over the catalog: the continent's index in catalog order would walk most of its records
    const query = { 'entity.continent': 'Asia', 'entity.population': { $gte: 15_000_000, $lt: 15_300_000 } };
    const expected = Array.from({ length: 20_000 }, (_, i) => i)
      .filter((i) => i % 3 === 1 && spread(i) >= 15_000 && spread(i) < 15_300)
      .map((i) => `Country ${i}`);
    const ask = async () => {
      const res = await call(`${own.base}/catalog?${q(query)}`, { headers: { 'x-bbk-audience': 'all' } });
      expect(res.status).toBe(200);
      return (res.json as Array<{ name: string }>).map((r) => r.name);
    };
    const explained = async () => {
      const res = await call(`${own.server.urls.coordinator}/catalog?explain=true&${q(query)}`);
      expect(res.status, res.text).toBe(200);
      return res.json as Explained;
    };
    expect(await ask()).toEqual(expected);
    const compound = '["entity.continent","entity.population"]';
    const wanted = [compound, 'entity.continent', 'entity.population'];
    let e = await explained();
    for (let i = 0; i < 200 && !wanted.every((p) => e.automatic_indexes.some((a) => a.path === p)); i++) {
      expect(await ask()).toEqual(expected); // the same answers while the indexes are built
      await new Promise((r) => setTimeout(r, 25));
      e = await explained();
    }
    expect(e.automatic_indexes.map((a) => a.path).sort()).toEqual(expect.arrayContaining(wanted));
    const index = e.automatic_indexes.find((a) => a.path === compound)!;
    expect(index.kind).toBe('compound');
    // PostgreSQL's plan also names the connectors' key it joins through
    expect(e.indexes.filter((i) => i.startsWith('records_'))).toEqual([index.name]);
    expect(e.rows_examined).toBe(expected.length); // only the rows that match both
    // PostgreSQL reads the compound index by the text's hash (a B-tree entry of the text could outgrow its page)
    if (TEST_ENGINE === 'postgres') expect(e.sql).toContain('hashtext(');
    expect(e.rows_returned).toBe(expected.length);
    expect(await ask()).toEqual(expected);
  });
});
