import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type Json, jsonCompare, jsonContains, jsonEqual, registerSqliteFunctions } from './index.js';

describe('JSON helpers', () => {
  it('jsonEqual: deep, key order ignored, types exact', () => {
    expect(jsonEqual({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined as never })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual(1, true)).toBe(false);
    expect(jsonEqual('1', 1)).toBe(false);
  });

  it('jsonContains: jsonb @> semantics', () => {
    expect(jsonContains([1, 2, 3], [3, 1, 1])).toBe(true);
    expect(jsonContains([{ a: 1, b: 2 }], [{ a: 1 }])).toBe(true);
    expect(jsonContains([[1, 2, 3]], [[1, 3]])).toBe(true);
    expect(jsonContains([1, 2], [4])).toBe(false);
    expect(jsonContains({ a: 1 }, [])).toBe(false);
    expect(jsonContains([], [])).toBe(true);
  });

  it('jsonCompare: null < string < number < boolean < array < object', () => {
    const ordered: Json[] = [
      null,
      '',
      'a',
      'b',
      -1,
      0,
      2.5,
      false,
      true,
      [],
      [9],
      [1, 2],
      [1, 3],
      {},
      { b: 1 },
      { aa: 0 },
      { a: 1, b: 1 },
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(jsonCompare(ordered[i]!, ordered[j]!)).toBe(Math.sign(i - j));
      }
    }
  });
});

describe('registerSqliteFunctions', () => {
  const db = new Database(':memory:');
  registerSqliteFunctions(db);
  const one = (sql: string, ...params: unknown[]) =>
    db
      .prepare(`SELECT ${sql}`)
      .pluck()
      .get(...params);

  it('never fails a query on odd arguments', () => {
    for (const args of [
      [null, null],
      ['not json', '1'],
      ['1', 'not json'],
      [5, 6],
      [Buffer.from('x'), '1'],
      ['[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]', '[]'],
    ]) {
      expect(() =>
        one('bbk_json_equal(?, ?), bbk_json_contains(?, ?), bbk_json_compare(?, ?)', ...args, ...args, ...args),
      ).not.toThrow();
    }
    expect(one('bbk_regexp(?, ?, ?)', '(', '', 'x')).toBe(0);
    expect(one('bbk_regexp(?, ?, ?)', 'x', null, 5)).toBeNull();
    expect(one('bbk_regexp(?, ?, ?)', 'X', 'i', 'x')).toBe(1);
    expect(one('bbk_geo_near(?, ?, ?, ?)', 'junk', '{"type":"Point","coordinates":[0,0]}', null, 5)).toBe(0);
    expect(one('bbk_geo_near(?, ?, ?, ?)', '{"type":"Point","coordinates":[0,0]}', 'junk', null, 5)).toBe(0);
    expect(
      one('bbk_geo_within(?, ?)', '{"type":"Point","coordinates":[0,0]}', '{"type":"Point","coordinates":[0,0]}'),
    ).toBe(0);
    expect(
      one(
        'bbk_geo_near(?, ?, ?, ?)',
        '{"type":"Point","coordinates":[0,0]}',
        '{"type":"Point","coordinates":[0,0.001]}',
        null,
        200,
      ),
    ).toBe(1);
  });

  it('reads JSON values from a JSONB column through ->', () => {
    const row = one('bbk_json_equal(jsonb(\'{"a":{"y":[1,2],"x":"s"}}\') -> \'$.a\', ?)', '{"x":"s","y":[1,2]}');
    expect(row).toBe(1);
    // a string holding JSON text is not the JSON value
    expect(one('bbk_json_equal(jsonb(\'{"a":"[1]"}\') -> \'$.a\', ?)', '[1]')).toBe(0);
  });
});
