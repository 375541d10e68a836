// Deep pages on PostgreSQL: from DEEP_PAGE on, a list finds its page's rows first (for a list of a type,
// by an index-only walk of records_type) and reads only those; the answers are the plain query's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery } from '../../query/index.js';
import { TEST_DATABASE_URL } from '../../query/testing/postgres.js';
import type { CatalogView, ListOptions } from '../catalog-store.js';
import { connectorWith, record } from '../contract/fixtures.js';
import { DEEP_PAGE, pgListQuery, pgListShape } from './catalog.js';
import { compactChanges } from './page-marks.js';
import { PostgresStore } from './postgres-store.js';
import { createTestSchema } from './testing/pg-schema.js';

const everything: CatalogView = { segment: { kind: 'const', value: true }, staged: [] };

describe('pgListQuery pages', () => {
  it('reads a shallow page directly, a deep one through the seqs of its rows', () => {
    const shallow = pgListQuery(everything, { limit: 10, offset: DEEP_PAGE - 1 })!;
    expect(shallow.sql).toMatch(
      /^SELECT .* FROM records r WHERE r\.connector_id IN \(SELECT .*\) ORDER BY r\.seq LIMIT \$2 OFFSET \$3$/,
    );
    const deep = pgListQuery(everything, { limit: 10, offset: DEEP_PAGE, type: 't' })!;
    expect(deep.sql).toBe(
      'SELECT r.public_id AS "publicId", r.type, r.name FROM records r WHERE r.seq IN (SELECT r.seq FROM records r' +
        ' WHERE r.connector_id = ANY(ARRAY(SELECT c.id FROM connectors c WHERE c.is_live OR c.contribution_id = ANY($1::text[])))' +
        ' AND r.type = $2 ORDER BY r.seq LIMIT $3 OFFSET $4) ORDER BY r.seq',
    );
    expect(deep.params).toEqual([[], 't', 10, DEEP_PAGE]);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('deep pages on PostgreSQL', () => {
  let store: PostgresStore;
  let other: PostgresStore;
  let drop: () => Promise<void>;
  let staged: string;
  let live: { id: number; cid: string };
  const N = 900;

  beforeAll(async () => {
    const place = await createTestSchema(TEST_DATABASE_URL!);
    drop = place.drop;
    store = await PostgresStore.open({ url: TEST_DATABASE_URL!, schema: place.schema, max: 2 });
    other = await PostgresStore.open({ url: TEST_DATABASE_URL!, schema: place.schema, max: 2 });
    live = await connectorWith(store, { slug: 'live' });
    const hidden = await connectorWith(store, { slug: 'staged', live: false });
    staged = hidden.cid;
    for (const c of [live, hidden]) await store.records.openSession(c.id, `s${c.id}`, 'stream');
    // interleaved: every third record is staged, every other one of type `country` a `city`
    for (let i = 0; i < N; i++) {
      const c = i % 3 === 2 ? hidden : live;
      await store.records.upsert(c.id, `s${c.id}`, i % 2 ? 'city' : 'country', [
        record(c.cid, `R${String(i).padStart(4, '0')}`, { n: i }, i % 2 ? 'city' : 'country'),
      ]);
    }
    await store.db.query('VACUUM ANALYZE records');
  });
  afterAll(async () => {
    await store?.close();
    await other?.close();
    await drop?.();
  });

  /** Every visible name of the list in catalog order, computed without paging. */
  const all = (o: { type?: string; staged?: boolean; filter?: (i: number) => boolean }) =>
    Array.from({ length: N }, (_, i) => i)
      .filter((i) => (o.staged || i % 3 !== 2) && (o.type === undefined || o.type === (i % 2 ? 'city' : 'country')))
      .filter(o.filter ?? (() => true))
      .map((i) => `name of R${String(i).padStart(4, '0')}`);

  it('answer every offset as the plain query does, staged connectors and filters included', async () => {
    const cases: Array<{ view: CatalogView; o: Omit<ListOptions, 'limit' | 'offset'>; expected: string[] }> = [
      { view: everything, o: {}, expected: all({}) },
      { view: everything, o: { type: 'city' }, expected: all({ type: 'city' }) },
      { view: { ...everything, staged: [staged] }, o: {}, expected: all({ staged: true }) },
      {
        view: { segment: compileQuery({ type: 'country' }), staged: [staged] },
        o: { filter: compileQuery({ 'entity.n': { $gte: 100, $lt: 800 } }) },
        expected: all({ type: 'country', staged: true, filter: (i) => i >= 100 && i < 800 }),
      },
    ];
    for (const { view, o, expected } of cases) {
      for (const offset of [0, 200, DEEP_PAGE, 300, expected.length - 5, expected.length, expected.length + 10]) {
        const page = await store.catalog.list(view, { ...o, limit: 50, offset });
        expect(
          page.map((r) => r.name),
          `offset ${offset}`,
        ).toEqual(expected.slice(offset, offset + 50));
      }
    }
  });

  it('start from remembered positions, which another process’s write or go-live makes stale, and a fold keeps', async () => {
    const names = async (offset: number, s = store) =>
      (await s.catalog.list(everything, { limit: 5, offset })).map((r) => r.name);
    const shape = pgListShape(everything, { limit: 5, offset: 520 }, true)!;
    const expected = all({});
    expect(await names(520)).toEqual(expected.slice(520, 525));
    expect(store.catalog.marks.peek(shape, 520)).toEqual({ seq: expect.any(Number), skip: 520 - 512 });
    // another process deletes the list's first record: every later position moves up by one
    const first = expected[0]!.replace('name of ', '');
    await other.records.openSession(live.id, 'w', 'stream');
    await other.records.delete(live.id, 'w', [{ vendorId: first, publicId: `${live.cid}:${first}` }]);
    expect(await store.catalog.marks.page(shape, 5, 520)).toBeUndefined(); // stale: read the plain way
    const after = expected.slice(1);
    expect(await names(520)).toEqual(after.slice(520, 525));
    expect(await names(300)).toEqual(after.slice(300, 305));
    // folding the change log keeps the version: the marks still serve, with the same rows
    const version = async () =>
      Number((await store.db.query('SELECT sum(weight) AS v FROM catalog_changes')).rows[0]!.v);
    const before = await version();
    const rows = async () => (await store.db.query('SELECT count(*) AS n FROM catalog_changes')).rows[0]!.n;
    expect(await rows()).toBeGreaterThan(2);
    await compactChanges(store.db, 10_000); // not that many rows yet: nothing folds
    expect(await rows()).toBeGreaterThan(2);
    await compactChanges(store.db);
    expect(await rows()).toBe(1);
    expect(await version()).toBe(before);
    const marked = await store.catalog.marks.page<{ name: string }>(shape, 5, 520);
    expect(marked?.map((r) => r.name)).toEqual(after.slice(520, 525));
    expect(await names(520)).toEqual(after.slice(520, 525));
    // staged records appear once their connector goes live (a write of connectors, by another process)
    const hidden = (await other.connectors.getBySlug('staged'))!;
    await other.connectors.setLive(hidden.id, true);
    const everyone = all({ staged: true }).slice(1);
    expect(await names(600)).toEqual(everyone.slice(600, 605));
    expect(await names(520, other)).toEqual(everyone.slice(520, 525));
    await other.connectors.setLive(hidden.id, false);
    expect(await names(520)).toEqual(after.slice(520, 525));
  });

  it('walk records_type alone for a list of a type', async () => {
    const q = pgListQuery(everything, { type: 'country', limit: 50, offset: 400 })!;
    // the plan of a vacuumed table (as autovacuum keeps it): the test before wrote records and connectors, and
    // whether autovacuum has been by since (a busy machine runs other suites' schemas too) tipped the costs of
    // this 900-row table between the index-only walk and a walk of the primary key
    await store.db.query('VACUUM ANALYZE records');
    const client = await store.db.pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const plan = (await client.query(`EXPLAIN ${q.sql}`, q.params)).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('Index Only Scan using records_type');
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });
});
