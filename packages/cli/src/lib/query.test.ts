import { describe, expect, it } from 'vitest';
import { andQueries, parseQuery, queryProblem, whereCondition } from './query.js';

describe('whereCondition', () => {
  it('reads operators and JSON values', () => {
    expect(whereCondition('entity.continent=Europe')).toEqual({ 'entity.continent': 'Europe' });
    expect(whereCondition('entity.population >= 1e9')).toEqual({ 'entity.population': { $gte: 1e9 } });
    expect(whereCondition('entity.landlocked != true')).toEqual({ 'entity.landlocked': { $ne: true } });
    expect(whereCondition('entity.area<100')).toEqual({ 'entity.area': { $lt: 100 } });
    expect(whereCondition('entity.code="007"')).toEqual({ 'entity.code': '007' });
    expect(whereCondition('name ~* ^united')).toEqual({ name: { $regex: '^united', $options: 'i' } });
    expect(whereCondition('name ~ land$')).toEqual({ name: { $regex: 'land$' } });
  });

  it('reads in/nin lists as JSON arrays or comma lists', () => {
    expect(whereCondition('entity.code in GB,FR')).toEqual({ 'entity.code': { $in: ['GB', 'FR'] } });
    expect(whereCondition('entity.calling_code nin [44, 33]')).toEqual({ 'entity.calling_code': { $nin: [44, 33] } });
  });

  it('rejects conditions without an operator', () => {
    expect(() => whereCondition('entity.continent')).toThrow(/expected PATH OP VALUE/);
  });

  it('rejects unknown operators instead of reading them into the value', () => {
    for (const text of ['entity.capital == Paris', 'entity.area => 5', 'entity.area =< 5', 'entity.x <> 1']) {
      expect(() => whereCondition(text)).toThrow(/unknown operator "[=<>]+"; use one of = != > >= < <= ~ ~\* in nin/);
    }
    expect(() => whereCondition('entity.capital is Paris')).toThrow(/unknown operator "is"/);
    expect(() => whereCondition('entity.capital like Par%')).toThrow(/unknown operator "like"/);
    expect(whereCondition('entity.code IN GB')).toEqual({ 'entity.code': { $in: ['GB'] } });
    expect(whereCondition('name = =x')).toEqual({ name: '=x' });
  });
});

describe('queries', () => {
  it('ands several parts', () => {
    expect(andQueries([])).toBeUndefined();
    expect(andQueries([{ a: 1 }])).toEqual({ a: 1 });
    expect(andQueries([{ a: 1 }, { b: 2 }])).toEqual({ a: 1, b: 2 });
    expect(andQueries([{ a: { $gt: 1 } }, { a: { $lt: 5 } }])).toEqual({
      $and: [{ a: { $gt: 1 } }, { a: { $lt: 5 } }],
    });
    expect(andQueries([{ $or: [{ a: 1 }] }, { b: 2 }])).toEqual({ $and: [{ $or: [{ a: 1 }] }, { b: 2 }] });
  });

  it('flags unknown operators and non-objects like the server', () => {
    expect(queryProblem({ 'entity.x': { $exists: true } })).toBe('unknown operator $exists');
    expect(queryProblem({ name: '$foo' })).toBe('unknown operator $foo');
    expect(queryProblem([])).toBe('a query must be a JSON object');
    expect(queryProblem({ $or: [{ a: { $in: [1] } }] })).toBeUndefined();
    expect(() => parseQuery('{bad', 'query')).toThrow(/not valid JSON/);
  });
});
