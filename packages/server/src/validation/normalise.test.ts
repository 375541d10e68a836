import { describe, expect, it } from 'vitest';
import { normaliseConnector, normaliseEntityType, normalisePolicy, normaliseUser } from './normalise.js';

describe('normalisation of coordinator bodies (§1.10)', () => {
  it('drops unknown top-level properties', () => {
    expect(normaliseUser({ name: 'n', email: 'e', organization: 'o', extra: 1 })).toEqual({
      name: 'n',
      email: 'e',
      organization: 'o',
      addendum: {},
    });
    expect(Object.keys(normalisePolicy({ junk: 1 }))).toEqual(['name', 'description', 'tags', 'policy']);
  });

  it('user: falsy → defaults; email stringified and lower-cased', () => {
    for (const falsy of [undefined, null, '', 0, false]) {
      expect(normaliseUser({ name: falsy, email: falsy, organization: falsy, addendum: falsy })).toEqual({
        name: '',
        email: '',
        organization: '',
        addendum: {},
      });
    }
    expect(normaliseUser({ email: 'Alice@Domain.COM' }).email).toBe('alice@domain.com');
    expect(normaliseUser({ email: 42 }).email).toBe('42');
    expect(normaliseUser({ addendum: [] }).addendum).toEqual([]);
  });

  it('entity type: falsy defaults vs absent-or-null defaults', () => {
    expect(normaliseEntityType({})).toEqual({
      name: '',
      description: '',
      schema: {},
      timeseries: {},
      tags: [],
      icon: '',
    });
    expect(normaliseEntityType({ schema: 0, timeseries: '', tags: null, icon: null })).toMatchObject({
      schema: {},
      timeseries: {},
      tags: [],
      icon: '',
    });
    // only absent or null default: falsy values are kept (and then fail validation)
    expect(normaliseEntityType({ tags: '', icon: 0 })).toMatchObject({ tags: '', icon: 0 });
    expect(normaliseEntityType({ tags: false })).toMatchObject({ tags: false });
  });

  it('connector: webhook null when falsy, one trailing / stripped, non-strings kept', () => {
    expect(normaliseConnector({})).toEqual({ name: '', description: '', webhook: null, cache: 0 });
    expect(normaliseConnector({ webhook: '' }).webhook).toBeNull();
    expect(normaliseConnector({ webhook: 'http://x/' }).webhook).toBe('http://x');
    expect(normaliseConnector({ webhook: 'http://x//' }).webhook).toBe('http://x/');
    expect(normaliseConnector({ webhook: 5 }).webhook).toBe(5);
    expect(normaliseConnector({ cache: false }).cache).toBe(0);
  });

  it('policy: falsy policy → {}, tags only when absent or null', () => {
    expect(normalisePolicy({ policy: '' })).toEqual({ name: '', description: '', tags: [], policy: {} });
    expect(normalisePolicy({ tags: 0 }).tags).toBe(0);
  });

  it('non-object bodies count as empty', () => {
    expect(normaliseConnector([1, 2])).toEqual({ name: '', description: '', webhook: null, cache: 0 });
    expect(normaliseConnector(null)).toEqual({ name: '', description: '', webhook: null, cache: 0 });
  });
});

describe('user email that String() cannot convert', () => {
  it('is kept as it is, for validation to report', () => {
    const email = { toString: 1 };
    expect(normaliseUser({ email }).email).toBe(email);
    expect(normaliseUser({ email: [{ valueOf: 1, toString: 1 }] }).email).toEqual([{ valueOf: 1, toString: 1 }]);
    expect(normaliseUser({ email: ['A@B.io'] }).email).toBe('a@b.io');
  });
});
