import { describe, expect, it } from 'vitest';
import { parsePagingParam } from './number-param.js';
import { validatePaging } from './paging.js';

const item = (name: string, reason: string) => ({ name, index: null, reason });

describe('paging (§4.1)', () => {
  it('parses with parseFloat prefix semantics; empty is absent', () => {
    expect(parsePagingParam('10abc')).toBe(10);
    expect(parsePagingParam('1$offset=1')).toBe(1);
    expect(parsePagingParam('abc')).toBeNaN();
    expect(parsePagingParam('')).toBeUndefined();
    expect(parsePagingParam(undefined)).toBeUndefined();
    expect(parsePagingParam(' 7')).toBe(7);
  });

  it('defaults: limit 250, offset 0', () => {
    expect(validatePaging({})).toEqual({ value: { limit: 250, offset: 0 }, items: [] });
    expect(validatePaging({ limit: '', offset: '' })).toEqual({ value: { limit: 250, offset: 0 }, items: [] });
  });

  it('?limit=1$offset=1 reads as limit 1', () => {
    expect(validatePaging({ limit: '1$offset=1' })).toEqual({ value: { limit: 1, offset: 0 }, items: [] });
  });

  it('limit=0.2 gives a type and a minimum error', () => {
    expect(validatePaging({ limit: '0.2' }).items).toEqual([
      item('limit', 'is not of a type(s) integer'),
      item('limit', 'must be greater than or equal to 1'),
    ]);
  });

  it('NaN is only a type error', () => {
    expect(validatePaging({ limit: 'abc', offset: 'x' }).items).toEqual([
      item('limit', 'is not of a type(s) integer'),
      item('offset', 'is not of a type(s) integer'),
    ]);
  });

  it('range errors', () => {
    expect(validatePaging({ limit: '251', offset: '-1' }).items).toEqual([
      item('limit', 'must be less than or equal to 250'),
      item('offset', 'must be greater than or equal to 0'),
    ]);
    expect(validatePaging({ limit: '0' }).items).toEqual([item('limit', 'must be greater than or equal to 1')]);
    expect(validatePaging({ offset: '1e9' })).toEqual({ value: { limit: 250, offset: 1e9 }, items: [] });
    expect(validatePaging({ limit: 'Infinity' }).items).toEqual([
      item('limit', 'is not of a type(s) integer'),
      item('limit', 'must be less than or equal to 250'),
    ]);
  });
});

describe('offsets far past any catalog', () => {
  it('are valid and read as the largest offset the database can bind', () => {
    for (const offset of ['9223372036854775807', '1e19', '1e308']) {
      expect(validatePaging({ offset })).toEqual({ value: { limit: 250, offset: Number.MAX_SAFE_INTEGER }, items: [] });
    }
  });
  it('an infinite offset is not an integer', () => {
    expect(validatePaging({ offset: '1e400' }).items).toEqual([item('offset', 'is not of a type(s) integer')]);
  });
});
