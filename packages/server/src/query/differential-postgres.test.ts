import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from './ast.js';
import type { FieldMask } from './index.js';
import { createCatalogDb } from './testing/catalog-db.js';
import { type Doc, evaluate, isObj, query, records } from './testing/differential-model.js';
import { createPgCatalogDb, type PgCatalogDb } from './testing/pg-catalog-db.js';
import { TEST_DATABASE_URL } from './testing/postgres.js';

// renderPostgres over a real PostgreSQL: the same random queries as differential.test.ts must
// give what the direct reading of spec §4.3 gives, and what renderSqlite gives, record for record.

const masks: FieldMask[] = [
  { type: 'thing', path: ['entity', 'v'] },
  { type: 'thing', path: ['entity', 'o', 'k'] },
];

describe.skipIf(TEST_DATABASE_URL === undefined)('differential on PostgreSQL', () => {
  let cat: PgCatalogDb;
  let stripped: PgCatalogDb;
  const docs = records.map((r) => ({ ...r, type: 'thing', timeseries: {} }) as unknown as Doc);
  const sqlite = createCatalogDb(records, 'thing');

  beforeAll(async () => {
    const url = TEST_DATABASE_URL as string;
    cat = await createPgCatalogDb(url, records, 'thing');
    const strippedRecords = records.map((r) => {
      const entity = structuredClone(r.entity) as Record<string, Json>;
      delete entity.v;
      if (isObj(entity.o)) delete entity.o.k;
      return { ...r, entity };
    });
    stripped = await createPgCatalogDb(url, strippedRecords, 'thing');
  });
  afterAll(async () => {
    await cat?.close();
    await stripped?.close();
  });

  it('agrees with the spec reading and with SQLite on random queries', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const expected = records.filter((_, i) => evaluate(docs[i]!, q)).map((r) => r.id);
        expect(await cat.ids(q)).toEqual(expected);
        expect(sqlite.ids(q)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('masked queries match queries over records without the masked attributes', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        expect(await cat.ids(q, masks)).toEqual(await stripped.ids(q));
        expect(await cat.ids(q, masks)).toEqual(sqlite.ids(q, masks));
      }),
      { numRuns: 500 },
    );
  });

  it('masks reach through arrays, as removePath does', async () => {
    const c = await createPgCatalogDb(TEST_DATABASE_URL as string, [], 'thing');
    try {
      await c.insert({ id: 'a', name: 'a', entity: { list: [{ secret: 1, open: 2 }, { secret: 3 }] } }, 'thing');
      const hidden: FieldMask[] = [{ type: 'thing', path: ['entity', 'list', 'secret'] }];
      expect(await c.ids({ 'entity.list.0.secret': 1 })).toEqual(['a']);
      expect(await c.ids({ 'entity.list.0.secret': 1 }, hidden)).toEqual([]);
      expect(await c.ids({ 'entity.list.0.open': 2 }, hidden)).toEqual(['a']);
      expect(await c.ids({ 'entity.list': { $contains: [{ open: 2 }] } }, hidden)).toEqual(['a']);
      expect(await c.ids({ 'entity.list': { $contains: [{ secret: 3 }] } }, hidden)).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('compares strings by code point and reads integer-like keys as keys', async () => {
    const c = await createPgCatalogDb(TEST_DATABASE_URL as string, [], 'thing');
    try {
      const rows = [
        { id: 'upper', name: 'Zebra', entity: { o: { '0': 'x', '-1': 'y' }, l: ['x', 'y'] } },
        { id: 'lower', name: 'apple', entity: { o: { '01': 'z' } } },
        { id: 'accent', name: 'émile', entity: {} },
      ];
      for (const r of rows) await c.insert(r, 'thing');
      for (const q of [
        { name: { $lt: 'a' } },
        { name: { $gt: 'z' } },
        { name: { $gte: 'Z', $lt: 'b' } },
        { 'entity.o.0': 'x' },
        { 'entity.o.-1': 'y' },
        { 'entity.o.01': 'z' },
        { 'entity.l.0': 'x' },
        { 'entity.l.-1': 'y' },
        { 'entity.l.01': 'y' },
        { 'entity.o': { $gt: { '0': 'a' } } },
      ]) {
        expect(await c.ids(q), JSON.stringify(q)).toEqual(createCatalogDb(rows as never, 'thing').ids(q));
      }
    } finally {
      await c.close();
    }
  });
});
