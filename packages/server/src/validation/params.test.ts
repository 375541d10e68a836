import { describe, expect, it } from 'vitest';
import { validateSearch, validateSessionParams, validateSlug } from './params.js';

const item = (name: string, reason: string) => ({ name, index: null, reason });
const CID = '9afcf3235500836c6fcd9e82110dbc05ffbb734b';
const SID = '4527eff4-d9cf-41c0-9ecc-8e06b57fcf54';

describe('path and query parameters', () => {
  it('a create-path slug is validated under the name slug', () => {
    expect(validateSlug('country')).toEqual([]);
    expect(validateSlug('ab')).toEqual([item('slug', 'does not meet minimum length of 3')]);
    expect(validateSlug('has space')).toEqual([item('slug', 'does not match pattern "^[a-z][a-z0-9-]+$"')]);
  });

  it('search q: 1–16 characters under the name search, lower-cased', () => {
    expect(validateSearch('BitB')).toEqual({ value: 'bitb', items: [] });
    expect(validateSearch('').items).toEqual([item('search', 'does not meet minimum length of 1')]);
    expect(validateSearch(undefined).items).toEqual([item('search', 'does not meet minimum length of 1')]);
    expect(validateSearch('x'.repeat(17)).items).toEqual([item('search', 'does not meet maximum length of 16')]);
    expect(validateSearch(['a', 'b']).items).toEqual([item('search', 'is not of a type(s) string')]);
  });

  it('session open: id (cid) then mode, enum after lower-casing', () => {
    expect(validateSessionParams({ cid: CID, mode: 'STREAM' })).toEqual({
      value: { cid: CID, mode: 'stream' },
      items: [],
    });
    expect(validateSessionParams({ cid: CID.toUpperCase(), mode: 'sometimes' }).items).toEqual([
      item('id', 'does not match pattern "^[a-z0-9]+$"'),
      item('mode', 'is not one of enum values: accrue,stream,replace'),
    ]);
  });

  it('session action and close: both ids are named id', () => {
    expect(validateSessionParams({ cid: CID, sid: SID, action: 'Upsert' })).toEqual({
      value: { cid: CID, sid: SID, action: 'upsert' },
      items: [],
    });
    expect(validateSessionParams({ cid: 'x', sid: 'yy', action: 'merge' }).items).toEqual([
      item('id', 'does not meet minimum length of 40'),
      item('id', 'does not meet minimum length of 36'),
      item('action', 'is not one of enum values: upsert,delete'),
    ]);
    expect(validateSessionParams({ cid: CID, sid: SID, commit: 'TRUE' }).value.commit).toBe(true);
    expect(validateSessionParams({ cid: CID, sid: SID, commit: 'maybe' }).items).toEqual([
      item('commit', 'is not one of enum values: true,false'),
    ]);
  });
});
