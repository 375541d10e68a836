// Declared entity type indexes on PostgreSQL: expression indexes on exactly what renderPostgres emits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery } from '../../query/index.js';
import { TEST_DATABASE_URL } from '../../query/testing/postgres.js';
import { connectorWith, record } from '../contract/fixtures.js';
import { pgListQuery } from './catalog.js';
import { pgIndexFor } from './indexes.js';
import { PostgresStore } from './postgres-store.js';
import { createTestSchema } from './testing/pg-schema.js';

describe('pgIndexFor', () => {
  it('names each path by a digest of the renderer’s expression', () => {
    expect(pgIndexFor('entity.iso')).toEqual({
      name: expect.stringMatching(/^records_x_[0-9a-f]{16}$/),
      expression: "(doc #>> ARRAY['entity','iso']::text[])",
    });
    expect(pgIndexFor("entity.o'k")?.expression).toBe("(doc #>> ARRAY['entity','o''k']::text[])");
    expect(pgIndexFor('entity..x')).toBeUndefined();
    expect(pgIndexFor('')).toBeUndefined();
    expect(pgIndexFor('entity.\0')).toBeUndefined();
    expect(pgIndexFor(7)).toBeUndefined();
  });
});

describe.skipIf(!TEST_DATABASE_URL)('expression indexes on PostgreSQL', () => {
  let store: PostgresStore;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const place = await createTestSchema(TEST_DATABASE_URL!);
    drop = place.drop;
    store = await PostgresStore.open({ url: TEST_DATABASE_URL!, schema: place.schema, max: 2 });
    const c = await connectorWith(store, { indexes: ['entity.iso', 'entity.currency.code'] });
    await store.records.openSession(c.id, 's', 'stream');
    const rows = Array.from({ length: 500 }, (_, i) =>
      record(c.cid, `C${i}`, { iso: `I${i}`, currency: { code: `K${i % 7}` } }),
    );
    await store.records.upsert(c.id, 's', 'country', rows);
  });
  afterAll(async () => {
    await store?.close();
    await drop?.();
  });

  const indexNames = async () =>
    (
      await store.db.query<{ name: string }>(
        "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE 'records_x_%' ORDER BY 1",
      )
    ).rows.map((r) => r.name);

  it('are created with the entity type and serve string equality on the path', async () => {
    expect(await indexNames()).toEqual(
      [pgIndexFor('entity.iso')!.name, pgIndexFor('entity.currency.code')!.name].sort(),
    );
    const q = pgListQuery(
      { segment: { kind: 'const', value: true }, staged: [] },
      { filter: compileQuery({ 'entity.iso': 'I42' }), limit: 10, offset: 0 },
    )!;
    const client = await store.db.pool.connect();
    try {
      // the question is whether the index can serve the rendered expression, not whether 500 rows need it
      await client.query('SET enable_seqscan = off');
      const plan = await client.query(`EXPLAIN ${q.sql}`, q.params);
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain(pgIndexFor('entity.iso')!.name);
      const rows = await client.query(q.sql, q.params);
      expect(rows.rows.map((r) => r.name)).toEqual(['name of C42']);
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });

  it('are hash indexes: a record with a text longer than a B-tree entry holds is stored and found', async () => {
    const methods = await store.db.query<{ method: string }>(
      `SELECT DISTINCT am.amname AS method FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_am am ON am.oid = c.relam WHERE i.indrelid = 'records'::regclass AND c.relname LIKE 'records_x_%'`,
    );
    expect(methods.rows).toEqual([{ method: 'hash' }]);
    // random hex does not compress: 12,000 bytes, where a B-tree entry holds at most 2,704
    const long = Array.from({ length: 1500 }, () => Math.random().toString(16).slice(2, 10).padEnd(8, '0')).join('');
    const c = (await store.connectors.getBySlug('country-source'))!;
    await store.records.upsert(c.id, 's', 'country', [record(c.contributionId, 'LONG', { iso: long })]);
    const q = pgListQuery(
      { segment: { kind: 'const', value: true }, staged: [] },
      { filter: compileQuery({ 'entity.iso': long }), limit: 10, offset: 0 },
    )!;
    expect((await store.db.query(q.sql, q.params)).rows.map((r) => r.name)).toEqual(['name of LONG']);
  });

  it('follow entity type updates and deletes', async () => {
    const type = (await store.entityTypes.get('country'))!;
    await store.entityTypes.update('country', { ...type, indexes: ['entity.iso'] });
    expect(await indexNames()).toEqual([pgIndexFor('entity.iso')!.name]);
    expect(await store.catalog.syncIndexes()).toEqual({ created: [], dropped: [] });
    await store.entityTypes.delete('country');
    expect(await indexNames()).toEqual([]);
  });
});
