import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Json } from './ast.js';
import type { FieldMask } from './index.js';
import { createCatalogDb } from './testing/catalog-db.js';
import { type Doc, evaluate, isObj, query, records } from './testing/differential-model.js';

// Random queries: the SQL must agree with a direct JavaScript reading of the
// spec §4.3 table over the same records (differential-postgres.test.ts: the same on PostgreSQL).

describe('differential: SQL vs a direct reading of the spec', () => {
  const cat = createCatalogDb(records, 'thing');
  const docs = records.map((r) => ({ ...r, type: 'thing', timeseries: {} }) as unknown as Doc);

  it('agrees on random queries', () => {
    fc.assert(
      fc.property(query, (q) => {
        const expected = records.filter((_, i) => evaluate(docs[i]!, q)).map((r) => r.id);
        expect(cat.ids(q)).toEqual(expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('masked queries match queries over records without the masked attributes', () => {
    const masks: FieldMask[] = [
      { type: 'thing', path: ['entity', 'v'] },
      { type: 'thing', path: ['entity', 'o', 'k'] },
    ];
    const strippedRecords = records.map((r) => {
      const entity = structuredClone(r.entity) as Record<string, Json>;
      delete entity.v;
      if (isObj(entity.o)) delete entity.o.k;
      return { ...r, entity };
    });
    const stripped = createCatalogDb(strippedRecords, 'thing');
    const other = createCatalogDb(records, 'other');
    fc.assert(
      fc.property(query, (q) => {
        expect(cat.ids(q, masks)).toEqual(stripped.ids(q));
        expect(other.ids(q, masks)).toEqual(other.ids(q)); // masks of another type change nothing
      }),
      { numRuns: 1000 },
    );
  });
});
