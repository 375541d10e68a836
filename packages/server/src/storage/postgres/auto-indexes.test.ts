// Automatic indexes on PostgreSQL: built CONCURRENTLY from what consumers filter on, on exactly what
// renderPostgres emits, shared by every process on the schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery, validateQuery } from '../../query/index.js';
import { TEST_DATABASE_URL } from '../../query/testing/postgres.js';
import { type AutoIndexOptions, indexablePaths, POSTGRES_LEAVES } from '../auto-indexes.js';
import type { CatalogView } from '../catalog-store.js';
import { connectorWith, record } from '../contract/fixtures.js';
import { PG_AUTO_INDEX_PREFIX, pgAutoIndexFor } from './auto-indexes.js';
import { hashedEqualityOf, pgListQuery } from './catalog.js';
import { pgIndexFor } from './indexes.js';
import { PostgresStore } from './postgres-store.js';
import { createTestSchema } from './testing/pg-schema.js';

const ir = (q: unknown) => {
  const v = validateQuery(q);
  if (!v.ok) throw new Error(v.reason);
  return compileQuery(v.query);
};

describe('pgAutoIndexFor', () => {
  it('gives each kind the expression renderPostgres reads the path with', () => {
    expect(pgAutoIndexFor('expression', 'entity.continent')).toEqual({
      name: expect.stringMatching(/^records_a_[0-9a-f]{16}$/),
      using: 'hash',
      expression: pgIndexFor('entity.continent')!.expression,
      typeOf: "jsonb_typeof((doc #> ARRAY['entity','continent']::text[]))",
    });
    expect(pgAutoIndexFor('number', 'entity.population')?.expression).toBe(
      "(CASE WHEN jsonb_typeof((doc #> ARRAY['entity','population']::text[])) = 'number' THEN (doc #> ARRAY['entity','population']::text[])::float8 END)",
    );
    expect(pgAutoIndexFor('trigram', 'name')).toMatchObject({
      using: 'gin',
      expression: "(doc #>> ARRAY['name']::text[])",
    });
    const names = new Set((['expression', 'number', 'trigram'] as const).map((k) => pgAutoIndexFor(k, 'name')?.name));
    expect(names.size).toBe(3);
    expect(pgAutoIndexFor('expression', 'entity..x')).toBeUndefined();
  });

  it('counts only the leaves such an index serves (numbers apart; no type tests, string ranges, integer segments)', () => {
    const keys = indexablePaths(
      ir({
        'entity.a': 'x',
        'entity.b': { $in: [1, 2] },
        'entity.c': { $gt: 5 },
        'entity.d': { $gt: 'm' },
        'entity.e': null,
        'entity.f': true,
        'entity.list.0': 'x',
        'entity.g': { $in: ['x', 'y'] },
      }),
      POSTGRES_LEAVES,
    );
    // `$gt` alone also admits booleans, arrays and objects (an OR whose type arm this index cannot serve)
    expect([...keys].sort()).toEqual(['expression:entity.a', 'expression:entity.g', 'number:entity.b']);
    const range = indexablePaths(ir({ 'entity.c': { $gt: 5, $lt: 9 } }), POSTGRES_LEAVES);
    expect([...range]).toEqual(['number:entity.c']);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('automatic indexes on PostgreSQL', () => {
  let store: PostgresStore;
  let other: PostgresStore;
  let schema: string;
  let drop: () => Promise<void>;
  const view: CatalogView = { segment: { kind: 'const', value: true }, staged: [] };
  const CONTINENTS = ['Africa', 'Asia', 'Europe', 'Oceania', 'Americas', 'Antarctica'];
  const open = (o: AutoIndexOptions = {}) =>
    PostgresStore.open({ url: TEST_DATABASE_URL!, schema, max: 3, autoIndexes: { threshold: 2, ...o } });

  beforeAll(async () => {
    const place = await createTestSchema(TEST_DATABASE_URL!);
    drop = place.drop;
    schema = place.schema;
    store = await open();
    other = await open();
    const c = await connectorWith(store, { indexes: ['entity.iso'] });
    await store.records.openSession(c.id, 's', 'stream');
    const rows = Array.from({ length: 2000 }, (_, i) =>
      record(c.cid, `C${i}`, { iso: `I${i}`, continent: CONTINENTS[i % 6], population: i * 1000 }),
    );
    await store.records.upsert(c.id, 's', 'country', rows);
  });
  afterAll(async () => {
    await store?.close();
    await other?.close();
    await drop?.();
  });

  const onRecords = async () =>
    (
      await store.db.query<{ name: string; note: string | null }>(
        `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS note FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid
         WHERE i.indrelid = 'records'::regclass AND c.relname LIKE 'records_a_%' AND i.indisvalid ORDER BY 1`,
      )
    ).rows;

  const statistics = async () =>
    (
      await store.db.query<{ name: string; expression: string }>(
        `SELECT s.stxname AS name, pg_get_statisticsobjdef_expressions(s.oid)::text AS expression
         FROM pg_statistic_ext s WHERE s.stxrelid = 'records'::regclass ORDER BY 1`,
      )
    ).rows;

  /** The plan of a list with sequential scans off: can the index serve the rendered SQL at all? */
  async function planOf(q: unknown): Promise<string> {
    const sql = pgListQuery(view, { filter: ir(q), limit: 250, offset: 0 })!;
    const client = await store.db.pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const plan = await client.query(`EXPLAIN ${sql.sql}`, sql.params);
      return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  }

  async function ask(s: PostgresStore, q: unknown, times = 2) {
    let names: string[] = [];
    for (let i = 0; i < times; i++)
      names = (await s.catalog.list(view, { filter: ir(q), limit: 250, offset: 0 })).map((e) => e.name);
    await s.autoIndexes.settled();
    return names;
  }

  it('builds an expression index for string equality, used by the plan, with the same answers', async () => {
    const before = await ask(store, { 'entity.continent': 'Asia' }, 1);
    expect(await onRecords()).toEqual([]);
    const after = await ask(store, { 'entity.continent': 'Asia' });
    const idx = pgAutoIndexFor('expression', 'entity.continent')!;
    expect(await onRecords()).toEqual([{ name: idx.name, note: 'bbk expression:entity.continent' }]);
    // figures for the path's type test come with it, so the planner does not guess that test matches 0.5% of rows
    expect(await statistics()).toEqual([
      {
        name: idx.name.replace('records_a_', 'records_s_'),
        expression: `{"jsonb_typeof((doc #> ARRAY['entity'::text, 'continent'::text]))"}`,
      },
    ]);
    expect(after).toEqual(before);
    expect(after).toHaveLength(250);
    // a value few rows have (a common one is rightly read by walking in order: a page needs 250 of them)
    expect(await planOf({ 'entity.continent': { $in: ['Atlantis', 'Lemuria'] } })).toContain(idx.name);
    expect(store.autoIndexes.list()).toEqual([
      expect.objectContaining({ kind: 'expression', path: 'entity.continent', name: idx.name }),
    ]);
    const explained = await store.catalog.explain(view, {
      filter: ir({ 'entity.continent': 'Asia' }),
      limit: 250,
      offset: 0,
    });
    expect(explained.automaticIndexes.map((i) => i.name)).toEqual([idx.name]);
  });

  it('keeps taking records whose text at an indexed path is longer than a B-tree entry holds', async () => {
    const long = Array.from({ length: 1500 }, () => Math.random().toString(16).slice(2, 10).padEnd(8, '0')).join('');
    const c = (await store.connectors.getBySlug('country-source'))!;
    await store.records.upsert(c.id, 's', 'country', [record(c.contributionId, 'LONG', { continent: long })]);
    expect(await ask(store, { 'entity.continent': long }, 1)).toEqual(['name of LONG']);
  });

  it('builds a numeric index for ranges, and none for a declared path’s equality', async () => {
    const names = await ask(store, { 'entity.population': { $gte: 5000, $lt: 9000 }, 'entity.iso': 'I7' });
    expect(names).toEqual(['name of C7']);
    const idx = pgAutoIndexFor('number', 'entity.population')!;
    expect((await onRecords()).map((r) => r.name)).toContain(idx.name);
    expect((await onRecords()).map((r) => r.name)).not.toContain(pgAutoIndexFor('expression', 'entity.iso')!.name);
    // a bound on one side also admits other JSON types by class order (an OR the index cannot serve)
    expect(await planOf({ 'entity.population': { $gt: 1_990_000, $lte: 3_000_000 } })).toContain(idx.name);
  });

  it('builds a compound index for a string equality ANDed with a number range: the text’s hash and the number', async () => {
    // (the query before also asked for it: the declared index of entity.iso serves its equality alone)
    const q = { 'entity.continent': 'Oceania', 'entity.population': { $gte: 600_000, $lt: 1_200_000 } };
    const expected = Array.from({ length: 600 }, (_, i) => 600 + i)
      .filter((i) => i % 6 === 3)
      .map((i) => `name of C${i}`);
    expect(await ask(store, q)).toEqual(expected);
    const path = '["entity.continent","entity.population"]';
    const idx = pgAutoIndexFor('compound', path)!;
    expect(idx.expression).toBe(
      `hashtext((doc #>> ARRAY['entity','continent']::text[])), ${pgAutoIndexFor('number', 'entity.population')!.expression}`,
    );
    expect(await onRecords()).toContainEqual({ name: idx.name, note: `bbk compound:${path}` });
    expect(store.autoIndexes.compounds()).toContain(path);
    // the list renders the hash's equality beside the text's
    const explained = await store.catalog.explain(view, { filter: ir(q), limit: 250, offset: 0 });
    expect(explained.sql).toContain(`hashtext((r.doc #>> ARRAY['entity','continent']::text[])) = hashtext($`);
    expect(explained.returned).toBe(expected.length);
    // and the compound index serves both conditions. Which index a plan takes at 2,000 records is the planner's
    // call (here the population's, whose order is the table's); without the single indexes (dropped in a
    // transaction that is rolled back) the compound one must serve the rendered terms
    const list = pgListQuery(view, { filter: ir(q), limit: 250, offset: 0 }, hashedEqualityOf(store.autoIndexes))!;
    const client = await store.db.pool.connect();
    try {
      await client.query('BEGIN');
      for (const single of [
        pgAutoIndexFor('expression', 'entity.continent')!,
        pgAutoIndexFor('number', 'entity.population')!,
      ])
        await client.query(`DROP INDEX ${single.name}`);
      await client.query('SET LOCAL enable_seqscan = off');
      const where = list.sql.slice(list.sql.indexOf(' WHERE '), list.sql.indexOf(' ORDER BY '));
      const plan = await client.query(`EXPLAIN SELECT 1 FROM records r${where}`, list.params.slice(0, -2));
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toContain(idx.name);
      expect(text).toMatch(/Index Cond: \(\(hashtext/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(await ask(store, q, 1)).toEqual(expected);
  });

  it('builds the trigram index of names for regexes, serving ~*', async () => {
    const names = await ask(store, { name: { $regex: 'of C199\\d', $options: 'i' } });
    expect(names).toEqual(Array.from({ length: 10 }, (_, i) => `name of C199${i}`));
    const idx = pgAutoIndexFor('trigram', 'name')!;
    expect((await onRecords()).map((r) => r.name)).toContain(idx.name);
    expect(await planOf({ name: { $regex: 'OF c1999', $options: 'i' } })).toContain(idx.name);
  });

  it('are shared: another process finds them built, lists them when it opens, and drops a leftover', async () => {
    await ask(other, { 'entity.continent': 'Europe' });
    expect(other.autoIndexes.list().map((i) => i.path)).toContain('entity.continent');
    const third = await open();
    try {
      expect(
        third.autoIndexes
          .list()
          .map((i) => `${i.kind}:${i.path}`)
          .sort(),
      ).toEqual([
        'compound:["entity.continent","entity.population"]',
        'compound:["entity.iso","entity.population"]',
        'expression:entity.continent',
        'number:entity.population',
        'trigram:name',
      ]);
      expect(third.autoIndexes.list().map((i) => i.path)).not.toContain('entity.area');
      // what a crash between CREATE and COMMENT leaves: an index that does not say what it is
      await store.db.query(`CREATE INDEX ${PG_AUTO_INDEX_PREFIX}0000000000000000 ON records ((doc #>> '{id}'))`);
      await ask(third, { 'entity.iso': { $in: ['I1', 'I2'] }, 'entity.area': { $in: [1000, 2000] } });
      const left = await store.db.query(
        `SELECT 1 FROM pg_class WHERE relname = '${PG_AUTO_INDEX_PREFIX}0000000000000000'`,
      );
      expect(left.rowCount).toBe(0);
      expect(third.autoIndexes.list().map((i) => i.path)).toContain('entity.area');
    } finally {
      await third.close();
    }
  });

  it('a store that closes cancels a build that waits, and the next build drops what it left', async () => {
    const waiting = await open({ max: 8 });
    const blocker = await store.db.pool.connect();
    try {
      // a writer's open transaction: CREATE INDEX CONCURRENTLY waits for it to end
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE records IN ROW EXCLUSIVE MODE');
      for (let i = 0; i < 2; i++)
        await waiting.catalog.list(view, { filter: ir({ 'entity.capital': 'x' }), limit: 1, offset: 0 });
      await new Promise((r) => setTimeout(r, 300)); // the build is waiting now
      const started = Date.now();
      await waiting.close();
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    const name = pgAutoIndexFor('expression', 'entity.capital')!.name;
    expect((await onRecords()).map((r) => r.name)).not.toContain(name); // none, or an invalid one
    await ask(store, { 'entity.capital': 'x' });
    expect((await onRecords()).map((r) => r.name)).toContain(name);
  });

  it('share their use: a process retires only indexes that no process used', async () => {
    const clock = { now: 1_000_000 };
    const watcher = await PostgresStore.open({
      url: TEST_DATABASE_URL!,
      schema,
      max: 3,
      autoIndexes: { threshold: 2, retireAfterMs: 1000, now: () => clock.now },
    });
    const client = await store.db.pool.connect();
    try {
      // the first sweep learns every index and its scan count
      await watcher.catalog.list(view, { limit: 1, offset: 0 });
      await watcher.autoIndexes.settled();
      expect(watcher.autoIndexes.list().map((i) => i.path)).toEqual(
        expect.arrayContaining(['entity.continent', 'entity.area', 'entity.capital']),
      );
      // another process reads through the continent index (a value few rows have) and reports it
      const q = pgListQuery(view, { filter: ir({ 'entity.continent': 'Atlantis' }), limit: 10, offset: 0 })!;
      await client.query('SET enable_seqscan = off');
      await client.query(q.sql, q.params);
      await client.query('SELECT pg_stat_force_next_flush()');
      await client.query('SELECT 1');
      clock.now += 2000;
      await watcher.catalog.list(view, { limit: 1, offset: 0 });
      await watcher.autoIndexes.settled();
      const paths = watcher.autoIndexes.list().map((i) => i.path);
      expect(paths).toContain('entity.continent');
      // never scanned by anyone: retired
      expect(paths).not.toContain('entity.area');
      expect(paths).not.toContain('entity.capital');
      const left = (await onRecords()).map((r) => r.name);
      expect(left).toContain(pgAutoIndexFor('expression', 'entity.continent')!.name);
      expect(left).not.toContain(pgAutoIndexFor('number', 'entity.area')!.name);
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
      await watcher.close();
    }
  });

  it('a process learns of a compound index another one built at its next sweep (a minute), and renders for it', async () => {
    const clock = { now: 5_000_000 };
    const late = await open({ now: () => clock.now });
    try {
      const q = { 'entity.region': 'North', 'entity.population': { $gte: 0, $lt: 5000 } };
      const path = '["entity.region","entity.population"]';
      const hashed = `hashtext((r.doc #>> ARRAY['entity','region']::text[]))`;
      const sqlOf = async () => (await late.catalog.explain(view, { filter: ir(q), limit: 250, offset: 0 })).sql;
      await late.catalog.list(view, { filter: ir(q), limit: 1, offset: 0 }); // its first sweep
      await late.autoIndexes.settled();
      await ask(store, q); // another process builds it
      expect(store.autoIndexes.compounds()).toContain(path);
      clock.now += 30_000;
      await late.catalog.list(view, { filter: ir({ 'entity.iso': 'I1' }), limit: 1, offset: 0 });
      await late.autoIndexes.settled();
      expect(late.autoIndexes.compounds()).not.toContain(path);
      expect(await sqlOf()).not.toContain(hashed);
      clock.now += 31_000;
      await late.catalog.list(view, { filter: ir({ 'entity.iso': 'I1' }), limit: 1, offset: 0 });
      await late.autoIndexes.settled();
      expect(late.autoIndexes.compounds()).toContain(path);
      expect(await sqlOf()).toContain(hashed);
    } finally {
      await late.close();
    }
  });

  it('max 0 turns them off and drops every one', async () => {
    const off = await open({ max: 0 });
    try {
      await ask(off, { 'entity.continent': 'Asia' }, 1);
      expect(await onRecords()).toEqual([]);
      expect(await statistics()).toEqual([]);
      expect(off.autoIndexes.list()).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
