import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy } from '../src/policy/index.js';
import { compileQuery, registerSqliteFunctions, validateQuery } from '../src/query/index.js';
import { pgIndexFor } from '../src/storage/postgres/indexes.js';
import type { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { listQuery } from '../src/storage/sqlite/catalog.js';
import { DB_FILE } from '../src/storage/sqlite/database.js';
import type { PolicyRow } from '../src/storage/types.js';
import { type ConsumerEnv, consumerEnv } from './consumer-setup.js';
import { call, TEST_ENGINE } from './harness.js';

let env: ConsumerEnv;
let db: Database.Database | undefined;
let pg: PostgresStore | undefined;

/**
 * The declared indexes on the catalog, sorted: SQLite's by their SQL (`ON records (json_extract(…))`),
 * PostgreSQL's by name (a digest of the expression renderPostgres emits, see storage/postgres/indexes.ts).
 */
async function indexesOnRecords(): Promise<string[]> {
  if (db)
    return (
      db
        .prepare(
          "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'records' AND name LIKE 'records_x_%'",
        )
        .all() as Array<{ sql: string }>
    )
      .map((r) => r.sql.replace(/^CREATE INDEX \S+ /, ''))
      .sort();
  const rows = await pg!.db.query<{ name: string }>(
    "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'records' AND indexname LIKE 'records_x_%' ORDER BY 1",
  );
  return rows.rows.map((r) => r.name);
}

/** What indexesOnRecords() gives for declared `paths` on the engine under test. */
const expected = (...paths: string[]): string[] =>
  paths
    .map((p) => (TEST_ENGINE === 'postgres' ? pgIndexFor(p)!.name : `ON records (json_extract(doc, '$.${p}'))`))
    .sort();

/** The plan of the exact list SQL the consumer store runs for `q` under a `{type}` segment. */
function plan(q: unknown, segment: unknown = {}): string {
  const v = validateQuery(q);
  if (!v.ok) throw new Error(v.reason);
  const policy = compilePolicy({
    id: 1,
    slug: 'p',
    version: 1,
    policy: { data_segment: { segment_query: segment } },
  } as unknown as PolicyRow);
  const sql = listQuery(
    { segment: policy.segment, staged: [] },
    { filter: compileQuery(v.query), limit: 250, offset: 0 },
  )!;
  return (db!.prepare(`EXPLAIN QUERY PLAN ${sql.sql}`).all(...sql.params) as Array<{ detail: string }>)
    .map((r) => r.detail)
    .join('\n');
}

beforeAll(async () => {
  env = await consumerEnv();
  const created = await call(`${env.server.urls.coordinator}/entity/country`, {
    method: 'POST',
    body: { name: 'Countries', description: 'countries', indexes: ['entity.iso', 'entity.currency.code'] },
  });
  expect(created.status).toBe(201);
  const c = await env.connector('country', 'wiki');
  await env.upsert(
    c,
    Array.from({ length: 300 }, (_, i) => ({
      id: `C${i}`,
      name: `Country ${i}`,
      entity: { iso: `I${i}`, population: i * 1000, currency: { code: `K${i % 7}` } },
    })),
  );
  await env.policy('all', { segment: { type: 'country' } });
  if (TEST_ENGINE === 'postgres') {
    pg = (await env.server.openReader()) as PostgresStore;
    return;
  }
  db = new Database(join(env.server.dataDir, DB_FILE), { readonly: true });
  registerSqliteFunctions(db);
});
afterAll(async () => {
  db?.close();
  await pg?.close();
  await env.close();
});

describe('catalog expression indexes (bbk extension: entity type `indexes`)', () => {
  it('are created with the entity type, on the same expression the compiler renders', async () => {
    expect(await indexesOnRecords()).toEqual(expected('entity.currency.code', 'entity.iso'));
  });

  it('answer equality on an indexed path', async () => {
    const items = await env.consumer({ audience: 'all' }).catalog({ 'entity.iso': 'I42' });
    expect(items.map((i) => i.name)).toEqual(['Country 42']);
    const some = await env.consumer({ audience: 'all' }).catalog({ 'entity.currency.code': { $in: ['K1', 'K2'] } });
    expect(some).toHaveLength(86);
  });

  // SQLite's plans (EXPLAIN QUERY PLAN); the PostgreSQL engine's plans over its expression indexes are tested in
  // src/storage/postgres/indexes.test.ts (with enable_seqscan off: 300 rows would not need an index there)
  describe.skipIf(TEST_ENGINE === 'postgres')('SQLite plans', () => {
    it('serve equality on an indexed path (EXPLAIN QUERY PLAN)', () => {
      expect(plan({ 'entity.iso': 'I42' }, { type: 'country' })).toMatch(
        /SEARCH r USING INDEX records_x_\w+ \(<expr>=\?\)/,
      );
      expect(plan({ 'entity.currency.code': { $in: ['K1', 'K2'] } })).toMatch(/USING INDEX records_x_/);
    });

    it('unindexed paths scan in catalog order (no sort needed)', () => {
      const p = plan({ 'entity.population': 5000 });
      expect(p).toMatch(/SCAN r/);
      expect(p).not.toMatch(/TEMP B-TREE/);
      expect(p).not.toMatch(/records_connector/); // never driven by the connector index
    });
  });

  it('follow entity type updates and deletes', async () => {
    const put = await call(`${env.server.urls.coordinator}/entity/country`, {
      method: 'PUT',
      body: { name: 'Countries', description: 'countries', indexes: ['entity.population'] },
    });
    expect(put.status).toBe(204);
    expect(await indexesOnRecords()).toEqual(expected('entity.population'));
    const detail = (await call(`${env.server.urls.coordinator}/entity/country`)).json as { indexes?: string[] };
    expect(detail.indexes).toEqual(['entity.population']);
    const bad = await call(`${env.server.urls.coordinator}/entity/country`, {
      method: 'PUT',
      body: { name: 'Countries', description: 'countries', indexes: ["entity.x') ; DROP TABLE records; --"] },
    });
    expect(bad.status).toBe(400);
    expect(await indexesOnRecords()).toEqual(expected('entity.population'));
    expect((await call(`${env.server.urls.coordinator}/entity/country`, { method: 'DELETE' })).status).toBe(204);
    expect(await indexesOnRecords()).toEqual([]);
  });
});
