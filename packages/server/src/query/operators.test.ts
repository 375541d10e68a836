import { beforeAll, describe, expect, it } from 'vitest';
import { type CatalogDb, createCatalogDb, type TestRecord } from './testing/catalog-db.js';

// One attribute `entity.v` holding every kind of JSON value (and one record without it).
const VALUES: Record<string, unknown> = {
  s5: '5',
  n5: 5,
  n55: 5.5,
  n10: 10,
  one: 1,
  zero: 0,
  tru: true,
  fal: false,
  nul: null,
  arr: [1, 2, 3],
  arrs: ['a', 'b', { k: 1, j: 2 }],
  obj: { a: 1, b: { c: 2 } },
  nested: { x: [{ y: 1 }, { y: 2 }] },
  apple: 'apple',
  banana: 'Banana',
  jsonish: '[1,2,3]',
  quote: 'say "hi"',
  qmarks: 'a?b?',
};
const ALL = [...Object.keys(VALUES), 'miss'];
const NUMBERS = ['n5', 'n55', 'n10', 'one', 'zero'];
const STRINGS = ['s5', 'apple', 'banana', 'jsonish', 'quote', 'qmarks'];
const BOOLEANS = ['tru', 'fal'];
const ARRAYS = ['arr', 'arrs'];
const OBJECTS = ['obj', 'nested'];

const records: TestRecord[] = [
  ...Object.entries(VALUES).map(([id, v]) => ({ id, name: id, entity: { v }, instance: { n: id.length } })),
  { id: 'miss', name: 'miss', entity: {} },
];

let cat: CatalogDb;
beforeAll(() => {
  cat = createCatalogDb(records, 'thing');
});

const match = (q: unknown) => [...cat.ids(q)].sort();
const set = (...groups: (string | string[])[]) => [...new Set(groups.flat())].sort();
const except = (...ids: string[]) => ALL.filter((x) => !ids.includes(x)).sort();
const v = (operand: unknown) => ({ 'entity.v': operand });

describe('equality', () => {
  it.each<[unknown, string[]]>([
    [5, ['n5']],
    ['5', ['s5']],
    [1, ['one']],
    [0, ['zero']],
    [true, ['tru']],
    [false, ['fal']],
    [5.5, ['n55']],
    ['[1,2,3]', ['jsonish']],
    // texts that numbers, booleans, null and objects read as in SQL match only strings
    ['true', []],
    ['1', []],
    ['null', []],
    ['{"a":1,"b":{"c":2}}', []],
    ['say "hi"', ['quote']],
    ['a?b?', ['qmarks']],
    ['Apple', []],
  ])('implicit %j', (operand, expected) => {
    expect(match(v(operand))).toEqual(set(expected));
    expect(match(v({ $eq: operand }))).toEqual(set(expected));
  });

  it('arrays: containment, any order, extras and duplicates allowed', () => {
    expect(match(v([1, 2, 3]))).toEqual(['arr']);
    expect(match(v([3, 1]))).toEqual(['arr']);
    expect(match(v([1, 1]))).toEqual(['arr']);
    expect(match(v([1, 4]))).toEqual([]);
    expect(match(v([]))).toEqual(set(ARRAYS));
    expect(match(v(['a', { k: 1 }]))).toEqual(['arrs']);
    expect(match(v({ $eq: ['b'] }))).toEqual(['arrs']);
    expect(match(v(['1']))).toEqual([]);
  });

  it('objects: deep equality, key order ignored, no partial match', () => {
    expect(match(v({ a: 1, b: { c: 2 } }))).toEqual(['obj']);
    expect(match(v({ b: { c: 2 }, a: 1 }))).toEqual(['obj']);
    expect(match(v({ a: 1 }))).toEqual([]);
    expect(match(v({ $eq: { x: [{ y: 1 }, { y: 2 }] } }))).toEqual(['nested']);
    expect(match(v({ x: [{ y: 2 }, { y: 1 }] }))).toEqual([]);
  });

  it('null forms', () => {
    expect(match(v(null))).toEqual(['miss', 'nul']);
    expect(match(v({ $eq: null }))).toEqual(['nul']);
    expect(match(v({ $ne: null }))).toEqual(except('nul'));
  });

  it('$ne is true when the field is missing', () => {
    expect(match(v({ $ne: 5 }))).toEqual(except('n5'));
    expect(match(v({ $ne: true }))).toEqual(except('tru'));
    expect(match(v({ $ne: [1] }))).toEqual(except('arr'));
    expect(match(v({ $ne: { a: 1, b: { c: 2 } } }))).toEqual(except('obj'));
  });
});

describe('ordering', () => {
  it('number operand: numeric among numbers, then null < string < number < boolean < array < object', () => {
    expect(match(v({ $gt: 5 }))).toEqual(set('n55', 'n10', BOOLEANS, ARRAYS, OBJECTS));
    expect(match(v({ $gte: 5 }))).toEqual(set('n5', 'n55', 'n10', BOOLEANS, ARRAYS, OBJECTS));
    expect(match(v({ $lt: 5 }))).toEqual(set('one', 'zero', 'nul', STRINGS));
    expect(match(v({ $lte: 5 }))).toEqual(set('n5', 'one', 'zero', 'nul', STRINGS));
    expect(match(v({ $gt: 1, $lt: 10 }))).toEqual(['n5', 'n55']);
  });

  it('string operand: text fields compared as text (binary collation)', () => {
    expect(match(v({ $gt: 'apple' }))).toEqual(['quote']);
    expect(match(v({ $gte: 'apple' }))).toEqual(['apple', 'quote']);
    expect(match(v({ $lt: 'B' }))).toEqual(['s5']);
    expect(match(v({ $lte: 'Banana' }))).toEqual(['banana', 's5']);
    expect(match(v({ $gt: '[' }))).toEqual(['apple', 'jsonish', 'qmarks', 'quote']);
  });

  it('boolean, null, array and object operands use the JSON order', () => {
    expect(match(v({ $gt: true }))).toEqual(set(ARRAYS, OBJECTS));
    expect(match(v({ $gte: true }))).toEqual(set('tru', ARRAYS, OBJECTS));
    expect(match(v({ $lt: true }))).toEqual(set('fal', 'nul', STRINGS, NUMBERS));
    expect(match(v({ $lt: false }))).toEqual(set('nul', STRINGS, NUMBERS));
    expect(match(v({ $gt: null }))).toEqual(except('nul', 'miss'));
    expect(match(v({ $lte: null }))).toEqual(['nul']);
    expect(match(v({ $lt: null }))).toEqual([]);
    // arrays: longer is greater; same length element-wise
    expect(match(v({ $gt: [1, 2] }))).toEqual(set(ARRAYS, OBJECTS));
    expect(match(v({ $gt: [1, 2, 2] }))).toEqual(set('arr', OBJECTS));
    expect(match(v({ $gt: [1, 2, 3] }))).toEqual(set(OBJECTS));
    expect(match(v({ $gte: [1, 2, 3] }))).toEqual(set('arr', OBJECTS));
    expect(match(v({ $lt: [1, 2, 3] }))).toEqual(set('arrs', 'nul', STRINGS, NUMBERS, BOOLEANS)); // 'a' < 1
    expect(match(v({ $lt: {} }))).toEqual(set('nul', STRINGS, NUMBERS, BOOLEANS, ARRAYS));
    expect(match(v({ $gt: { a: 1 } }))).toEqual(['nested', 'obj']); // obj: more pairs; nested: key 'x' > 'a'
    expect(match(v({ $gt: { z: 1 } }))).toEqual(['obj']);
  });
});

describe('$in / $nin', () => {
  it('$in: exact type per element; mixed strings and numbers work', () => {
    expect(match(v({ $in: ['5', 5] }))).toEqual(['n5', 's5']);
    expect(match(v({ $in: [1, true] }))).toEqual(['one', 'tru']);
    expect(match(v({ $in: [null] }))).toEqual(['nul']);
    expect(match(v({ $in: [[1, 2, 3], { a: 1, b: { c: 2 } }] }))).toEqual(['arr', 'obj']);
    expect(match(v({ $in: [[1, 2]] }))).toEqual([]);
    // the texts an array, an object or a number read as match only the strings
    expect(match(v({ $in: ['[1,2,3]', '{"a":1,"b":{"c":2}}'] }))).toEqual(['jsonish']);
    expect(match(v({ $in: ['1', '5.5', 'true'] }))).toEqual([]);
    expect(match(v({ $in: ['apple', 'say "hi"', 'a?b?', 5.5] }))).toEqual(['apple', 'n55', 'qmarks', 'quote']);
    expect(match(v({ $in: [] }))).toEqual([]);
  });

  it('$in with 1000 mixed elements', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? i : String(i)));
    expect(match(v({ $in: values }))).toEqual(['n10', 's5', 'zero']);
  });

  it('$nin: field present and not listed; missing never matches; empty matches nothing', () => {
    expect(match(v({ $nin: ['5', 5] }))).toEqual(except('s5', 'n5', 'miss'));
    expect(match(v({ $nin: [null] }))).toEqual(except('nul', 'miss'));
    expect(match(v({ $nin: [] }))).toEqual([]);
  });
});

describe('$contains', () => {
  it('array operand: containment; scalar: exact equality; object: deep equality', () => {
    expect(match(v({ $contains: [1] }))).toEqual(['arr']);
    expect(match(v({ $contains: [2, 3] }))).toEqual(['arr']);
    expect(match(v({ $contains: ['a', 'b'] }))).toEqual(['arrs']);
    expect(match(v({ $contains: 5 }))).toEqual(['n5']);
    expect(match(v({ $contains: 'a' }))).toEqual([]);
    expect(match(v({ $contains: { a: 1, b: { c: 2 } } }))).toEqual(['obj']);
    expect(match(v({ $contains: { a: 1 } }))).toEqual([]);
  });
});

describe('$regex', () => {
  it('unanchored, text fields only, $options i', () => {
    expect(match(v({ $regex: '^a' }))).toEqual(['apple', 'qmarks']);
    expect(match(v({ $regex: '^A' }))).toEqual([]);
    expect(match(v({ $regex: '^A', $options: 'i' }))).toEqual(['apple', 'qmarks']);
    expect(match(v({ $regex: 'an' }))).toEqual(['banana']);
    expect(match(v({ $regex: '"hi"$' }))).toEqual(['quote']);
    expect(match(v({ $regex: '^\\d$' }))).toEqual(['s5']);
    expect(match(v({ $regex: 'p{2}', $options: 'mx' }))).toEqual(['apple']);
    expect(match(v({ $regex: '\\?b\\?' }))).toEqual(['qmarks']);
  });

  it('a catastrophic pattern runs in linear time', () => {
    const db = createCatalogDb([{ id: 'long', name: 'long', entity: { s: `${'a'.repeat(50_000)}!` } }]);
    const start = performance.now();
    expect(db.ids({ 'entity.s': { $regex: '(a+)+$' } })).toEqual([]);
    expect(db.ids({ 'entity.s': { $regex: '^(a|aa)+!$' } })).toEqual(['long']);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe('logic', () => {
  it('$and, $or, $nor, $not (top level and per field), several keys ANDed', () => {
    expect(match({ $and: [v({ $gt: 1 }), v({ $lt: 10 })] })).toEqual(['n5', 'n55']);
    expect(match({ $or: [v(5), v('5'), { name: 'miss' }] })).toEqual(['miss', 'n5', 's5']);
    expect(match({ $nor: [v(5), { name: 'miss' }] })).toEqual(except('n5', 'miss'));
    expect(match({ $not: v(5) })).toEqual(except('n5'));
    expect(match(v({ $not: { $gt: 5 } }))).toEqual(except('n55', 'n10', ...BOOLEANS, ...ARRAYS, ...OBJECTS));
    expect(match({ ...v({ $gte: 5 }), name: { $ne: 'n10' }, 'instance.n': 3 })).toEqual(
      ['n55', 'tru', 'fal', 'arr', 'obj'].filter((x) => x.length === 3).sort(),
    );
    expect(match({ $and: [{}], name: 'n5' })).toEqual(['n5']);
    expect(match({ $or: [{}, { name: 'x' }] })).toEqual(ALL.slice().sort());
  });

  it('wide $or / $and lists stay within SQLite expression depth', () => {
    const names = Array.from({ length: 4000 }, (_, i) => ({ name: `x${i}` }));
    expect(match({ $or: [...names, { name: 'n5' }] })).toEqual(['n5']);
    const nots = names.slice(0, 3000).map((n) => ({ $not: n }));
    expect(match({ $and: [...nots, { name: 'n5' }] })).toEqual(['n5']);
  });

  it('{} and [] match nothing', () => {
    expect(match({})).toEqual([]);
    expect(match([])).toEqual([]);
    expect(match('')).toEqual([]);
  });
});

describe('paths', () => {
  it('record fields, array indexes, nested keys, timeseries, instance', () => {
    expect(match({ 'entity.v.0': 1 })).toEqual(['arr']);
    expect(match({ 'entity.v.0': 'a' })).toEqual(['arrs']);
    expect(match({ 'entity.v.2.k': 1 })).toEqual(['arrs']);
    expect(match({ 'entity.v.b.c': 2 })).toEqual(['obj']);
    expect(match({ 'entity.v.x.1.y': 2 })).toEqual(['nested']);
    expect(match({ 'entity.v.7': null })).toEqual(ALL.slice().sort());
    expect(match({ id: 'n5' })).toEqual(['n5']);
    expect(match({ type: 'thing', name: { $in: ['n5', 'zero'] } })).toEqual(['n5', 'zero']);
    expect(match({ 'timeseries.population.value': 'people', name: 'one' })).toEqual(['one']);
    expect(match({ 'timeseries.population.unit': 'decibel' })).toEqual([]);
    expect(match({ 'instance.n': 3 })).toEqual(['arr', 'fal', 'n10', 'n55', 'nul', 'obj', 'one', 'tru'].sort());
  });
});
