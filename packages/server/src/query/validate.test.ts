import { describe, expect, it } from 'vitest';
import { compileQuery, QUERY_REASONS, QueryError, validateQuery, validateQueryValue } from './index.js';

const NOT_JSON = QUERY_REASONS.notJson;
const UNRECOGNISED = QUERY_REASONS.unrecognised;
const UNPARSEABLE = QUERY_REASONS.unparseable;

const point = { type: 'Point', coordinates: [-3.4, 55.3] };
const square = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ],
  ],
};

const reasonOf = (q: unknown) => {
  const v = validateQuery(q);
  return v.ok ? 'ok' : v.reason;
};

describe('validateQuery', () => {
  it('keeps the exact texts of spec §4.3', () => {
    expect(QUERY_REASONS).toEqual({
      notJson: 'Query is not valid json',
      unrecognised: 'Query contains unrecognised operations',
      unparseable: 'Query cannot be parsed',
    });
  });

  it.each([
    ['{', NOT_JSON],
    ['{name: "India"}', NOT_JSON],
    ["{'name':'India'}", NOT_JSON],
    ['{"name":"India"} x', NOT_JSON],
    ['undefined', NOT_JSON],
    [' ', NOT_JSON],
  ])('text %s → %s', (text, reason) => {
    expect(reasonOf(text)).toBe(reason);
  });

  it('reads a JSON string, number or null at top level as not compilable', () => {
    for (const text of ['"x"', '5', 'null', 'true']) expect(reasonOf(text)).toBe(UNPARSEABLE);
  });

  const unrecognised: unknown[][] = [
    [{ name: { $exists: true } }],
    [{ 'entity.languages': { $size: 2 } }],
    [{ 'entity.languages': { $all: ['a'] } }],
    [{ 'entity.languages': { $elemMatch: { $eq: 'a' } } }],
    [{ name: { $type: 'string' } }],
    [{ $where: 'true' }],
    [{ $text: { $search: 'x' } }],
    [{ name: '$foo' }],
    [{ name: { $in: ['India', '$bar'] } }],
    [{ name: { $regex: '$x' } }],
    [{ $or: [{ name: 'x' }, { a: { b: { $unknown: 1 } } }] }],
    // check 2 comes before check 3
    [{ $and: [], name: { $exists: true } }],
    [[{ $exists: 1 }]],
    [{ $1: 1 }],
  ];
  // (plain it() titles: it.each would read "$word" in a title as a placeholder)
  for (const [q] of unrecognised) {
    it(`${JSON.stringify(q)} → unrecognised operations`, () => {
      expect(reasonOf(q)).toBe(UNRECOGNISED);
      expect(reasonOf(JSON.stringify(q))).toBe(UNRECOGNISED);
    });
  }

  const unparseable: unknown[][] = [
    [true],
    [5],
    [null],
    [[{ name: 'India' }]],
    [{ $and: [] }],
    [{ $or: [] }],
    [{ $nor: [] }],
    [{ $and: {} }],
    [{ $and: [5] }],
    [{ $and: [[]] }],
    [{ $not: 5 }],
    [{ $not: [] }],
    [{ name: { $in: 'India' } }],
    [{ name: { $nin: { a: 1 } } }],
    [{ name: { $in: Array.from({ length: 1001 }, (_, i) => i) } }],
    [{ name: { $regex: 5 } }],
    [{ name: { $regex: 'a', $options: 5 } }],
    [{ name: { $options: 'i' } }],
    [{ name: { $regex: '(?=lookahead)' } }],
    [{ name: { $regex: 'a{1001}' } }],
    [{ name: { $regex: '[' } }],
    [{ name: { $regex: 'a'.repeat(1001) } }],
    [{ p: { $near: { $geometry: point } } }],
    [{ p: { $near: { $geometry: point, $max: -1 } } }],
    [{ p: { $near: { $geometry: point, $max: 1.5 } } }],
    [{ p: { $near: { $geometry: point, $min: '5' } } }],
    [{ p: { $near: { $max: 5 } } }],
    [{ p: { $near: { $geometry: point, $max: 5, $within: 1 } } }],
    [{ p: { $near: { $geometry: { ...point, crs: { type: 'name' } }, $max: 5 } } }],
    [{ p: { $near: { $geometry: { type: 'Point', coordinates: [200, 0] }, $max: 5 } } }],
    [{ p: { $near: { $geometry: { type: 'Point', coordinates: [0] }, $max: 5 } } }],
    [{ p: { $near: { $geometry: { type: 'Feature', geometry: point }, $max: 5 } } }],
    [{ p: { $near: { $geometry: { type: 'GeometryCollection', geometries: [point] }, $max: 5 } } }],
    [{ p: { $near: 5 } }],
    [{ p: { $within: { $geometry: point } } }],
    [
      {
        p: {
          $within: {
            $geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                  [0, 0.5],
                ],
              ],
            },
          },
        },
      },
    ],
    [{ p: { $within: { $geometry: square, $max: 5 } } }],
    [{ p: { $geometry: point } }],
    [{ p: { $min: 1 } }],
    [{ p: { $max: 1 } }],
    [{ $geometry: point }],
    [{ $eq: 5 }],
    [{ $in: [5] }],
    [{ p: { $and: [{ a: 1 }] } }],
    [{ p: { $not: 5 } }],
    [{ p: { $not: {} } }],
    [{ p: { $not: { a: 1 } } }],
    [{ p: { $gt: 1, b: 2 } }],
    [{ p: { a: { $gt: 1 } } }],
    [{ p: { $in: [{ $eq: 1 }] } }],
    [{ $: 1 }],
    [{ p: { '$a-b': 1 } }],
  ];
  for (const [q] of unparseable) {
    it(`${JSON.stringify(q).slice(0, 120)} → cannot be parsed`, () => {
      expect(reasonOf(q)).toBe(UNPARSEABLE);
      expect(reasonOf(JSON.stringify(q))).toBe(UNPARSEABLE);
    });
  }

  const valid: unknown[][] = [
    [{}],
    [[]],
    [''],
    [{ name: 'India' }],
    [{ name: '$eq' }],
    [{ 'entity.population': { $gt: 1, $lt: 5 } }],
    [{ name: { $in: [] } }],
    [{ name: { $in: ['a', 1, true, null, [1], { a: 1 }] } }],
    [{ name: { $in: Array.from({ length: 1000 }, (_, i) => i) } }],
    [{ name: { $regex: 'United .*', $options: 'i' } }],
    [{ name: { $regex: '(a+)+$', $options: 'xyz' } }],
    [{ p: { $near: { $geometry: point, $min: 0 } } }],
    [{ p: { $near: { $geometry: point, $min: 10, $max: 5 } } }],
    [{ p: { $within: { $geometry: square } } }],
    [{ p: { $within: { $geometry: { type: 'MultiPolygon', coordinates: [square.coordinates] } } } }],
    [{ $not: {} }],
    [{ $and: [{}] }],
    [{ p: { $not: { $gt: 5, $lt: 1 } } }],
    [{ p: { $not: { $not: { $eq: 1 } } } }],
    [{ p: {} }],
    [{ p: { a: { b: [1, { c: 2 }] } } }],
    [{ 'a..b': 1, '': 2, "it's": 3 }],
  ];
  for (const [q] of valid) {
    it(`${JSON.stringify(q).slice(0, 120)} is valid`, () => {
      expect(reasonOf(q)).toBe('ok');
    });
  }

  it('caps nesting depth and size, without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { a: deep };
    expect(reasonOf(deep)).toBe(UNPARSEABLE);
    const huge = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(reasonOf(huge)).toBe(UNPARSEABLE);
    const hugeOps = `{"a":${'{"$not":'.repeat(100_000)}{"$eq":1}${'}'.repeat(100_000)}}`;
    expect(reasonOf(hugeOps)).toBe(UNPARSEABLE);
    const wide = { $or: Array.from({ length: 10_001 }, (_, i) => ({ a: i })) };
    expect(reasonOf(wide)).toBe(UNPARSEABLE);
    let ok: unknown = 1;
    for (let i = 0; i < 30; i++) ok = { a: ok };
    expect(reasonOf(ok)).toBe('ok');
  });

  it('still reports unrecognised operations in oversized input', () => {
    let deep: unknown = { $where: 1 };
    for (let i = 0; i < 40; i++) deep = { a: deep };
    expect(reasonOf(deep)).toBe(UNRECOGNISED);
  });

  it('never throws on odd inputs', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const input of [undefined, () => 1, Symbol('x'), 10n, cyclic, new Date(0), Number.NaN]) {
      const v = validateQuery(input);
      expect(v.ok).toBe(false);
    }
    expect(validateQuery({ a: undefined }).ok).toBe(true);
  });

  it('reads JSON numbers beyond double range as not compilable', () => {
    expect(reasonOf('{"a":1e400}')).toBe(UNPARSEABLE);
    expect(reasonOf('{"a":{"$in":[-1e400]}}')).toBe(UNPARSEABLE);
  });
});

describe('compileQuery on raw input', () => {
  it('validates first and throws QueryError with the reason', () => {
    expect(() => compileQuery({ a: { $exists: 1 } })).toThrowError(QueryError);
    try {
      compileQuery('{');
    } catch (e) {
      expect((e as QueryError).reason).toBe(NOT_JSON);
    }
  });

  it('matches nothing for {} and []', () => {
    expect(compileQuery({})).toEqual({ kind: 'const', value: false });
    expect(compileQuery([])).toEqual({ kind: 'const', value: false });
    expect(compileQuery({ $and: [{}] })).toEqual({ kind: 'const', value: true });
  });

  it('judges a JSON value (a policy segment_query) as the same value sent as q, never as query text', () => {
    const value = (v: unknown) => {
      const r = validateQueryValue(v);
      return r.ok ? 'ok' : r.reason;
    };
    for (const v of ['x', '', '{"type":"country"}', '$foo', 5, 1.5, true, false, null, [1], [], { type: 'c' }]) {
      expect(value(v)).toBe(reasonOf(JSON.stringify(v)));
    }
    expect(value('{"type":"country"}')).toBe(UNPARSEABLE);
    expect(value('$foo')).toBe(UNRECOGNISED);
    expect(value(undefined)).toBe(UNPARSEABLE);
    expect(value({ type: 'c' })).toBe('ok');
  });
});
