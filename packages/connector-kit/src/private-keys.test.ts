import { describe, expect, it } from 'vitest';
import { privatePaths, stripPrivate } from './private-keys.js';

describe('stripPrivate', () => {
  it('drops `_` keys at every depth, arrays included, without touching the input', () => {
    const input = {
      id: 'AD',
      _wikidata: 'Q228',
      _population: [{ from: 1910, value: 5231 }],
      entity: { capital: 'Andorra la Vella', _note: 'x', list: [{ a: 1, _b: 2 }], currency: { code: 'EUR', _rate: 1 } },
    };
    const copy = structuredClone(input);
    expect(stripPrivate(input)).toEqual({
      id: 'AD',
      entity: { capital: 'Andorra la Vella', list: [{ a: 1 }], currency: { code: 'EUR' } },
    });
    expect(input).toEqual(copy);
  });

  it('keeps values that are not plain objects and keys with an inner underscore', () => {
    const when = new Date(0);
    expect(stripPrivate({ a_b: 1, when, n: null, s: '_x' })).toEqual({ a_b: 1, when, n: null, s: '_x' });
  });
});

describe('privatePaths', () => {
  it('names every private key with its path', () => {
    expect(privatePaths({ _a: 1, entity: { list: [{ _x: 1 }], ok: { _y: 2 } } })).toEqual([
      '_a',
      'entity.list[0]._x',
      'entity.ok._y',
    ]);
    expect(privatePaths({ entity: { a: [1, 2] } })).toEqual([]);
  });
});
