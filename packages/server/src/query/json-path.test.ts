import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonPath, jsonPathLiteral } from './index.js';
import { createCatalogDb } from './testing/catalog-db.js';

const HOSTILE = [
  'a"b',
  "it's",
  "'); DROP TABLE records; --",
  '\'" OR 1=1 --',
  'x]y',
  '[0]',
  'a[0]',
  '$',
  '$.name',
  'a\\b',
  '\\',
  '\\"',
  'a\u0000b',
  '\u0000',
  'line\nbreak',
  'tab\t',
  '\u007f',
  'é',
  '😀',
  '\ud800',
  '',
  ' ',
  '-1',
  '01',
  '1e3',
  '99999999999',
  '*',
  '#',
];

describe('jsonPath', () => {
  it('plain keys, array indexes, quoted keys', () => {
    expect(jsonPath(['entity', 'iso'])).toBe('$.entity.iso');
    expect(jsonPath(['entity', 'languages', '0'])).toBe('$.entity.languages[0]');
    expect(jsonPath(['entity', 'a b'])).toBe('$.entity."a b"');
    expect(jsonPath(['entity', 'a"b'])).toBe('$.entity."a\\u0022b"');
    expect(jsonPath(['entity', 'a\\b'])).toBe('$.entity."a\\\\b"');
    expect(jsonPath(['entity', '01'])).toBe('$.entity."01"');
    expect(jsonPathLiteral(['entity', "it's"])).toBe(`'$.entity."it''s"'`);
  });

  it('a hostile key stays inside one SQL string literal', () => {
    const db = new Database(':memory:');
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom(...HOSTILE)), { minLength: 1, maxLength: 4 }),
        (path) => {
          const literal = jsonPathLiteral(path);
          // One literal, one result column whose value is exactly the path text.
          const row = db.prepare(`SELECT ${literal} AS p`).raw().get() as unknown[];
          expect(row).toEqual([jsonPath(path)]);
          // …and a valid JSON path: never a run-time "bad JSON path" error.
          db.prepare(`SELECT json_extract('{}', ${literal})`).get();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('hostile keys address exactly their own attribute', () => {
    const records = HOSTILE.map((key, i) => ({ id: `k${i}`, name: `k${i}`, entity: { [key]: { deep: i } } }));
    const cat = createCatalogDb(records);
    HOSTILE.forEach((key, i) => {
      // keys with '.' are not addressable (the dot separates segments); numeric ones index arrays
      if (/^(0|[1-9][0-9]{0,8})$/.test(key) || key.includes('.')) return;
      expect(cat.ids({ [`entity.${key}.deep`]: i })).toEqual([`k${i}`]);
      expect(cat.ids({ [`entity.${key}`]: { deep: i } })).toEqual([`k${i}`]);
    });
    expect(cat.db.prepare('SELECT count(*) FROM records').pluck().get()).toBe(HOSTILE.length);
  });
});
