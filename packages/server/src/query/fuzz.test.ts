import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileQuery, OPERATORS, QUERY_REASONS, renderSqlite, validateQuery } from './index.js';
import { countries, createCatalogDb } from './testing/catalog-db.js';

// Hostile, operator-rich input: validation never throws, and whatever it accepts
// compiles, renders and runs without a database error (no 500s).
const keys = fc.oneof(
  fc.constantFrom(
    ...OPERATORS,
    '$exists',
    '$',
    'name',
    'entity.location',
    'entity.population',
    'entity.languages.0',
    'type',
    'id',
  ),
  fc.string({ maxLength: 6 }),
);
const geometry = fc.oneof(
  fc.record({
    type: fc.constant('Point'),
    coordinates: fc.tuple(
      fc.double({ min: -180, max: 180, noNaN: true }),
      fc.double({ min: -90, max: 90, noNaN: true }),
    ),
  }),
  fc.constant({
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [20, 0],
        [20, 60],
        [0, 60],
        [0, 0],
      ],
    ],
  }),
);
const leafValue = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('(a+)+$', '[', '^Un', '$regex', 'United .*'),
  geometry,
);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    leafValue,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(keys, tie('v'), { maxKeys: 4 }),
  ),
})).v;

describe('fuzz', () => {
  const cat = createCatalogDb(countries().slice(0, 40));
  const reasons = new Set<string>(Object.values(QUERY_REASONS));

  it('validateQuery never throws; accepted queries run', () => {
    fc.assert(
      fc.property(json, (q) => {
        for (const input of [q, JSON.stringify(q)]) {
          const v = validateQuery(input);
          if (!v.ok) {
            expect(reasons.has(v.reason)).toBe(true);
            continue;
          }
          const { sql, params } = renderSqlite(
            compileQuery(v.query, { masks: [{ type: 'country', path: ['entity', 'location'] }] }),
          );
          cat.db.prepare(`SELECT count(*) FROM records r WHERE ${sql}`).get(...params);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const v = validateQuery(text);
        if (!v.ok) expect(reasons.has(v.reason)).toBe(true);
      }),
    );
  });
});
