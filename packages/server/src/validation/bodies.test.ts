import { describe, expect, it } from 'vitest';
import {
  checkConnectorBody,
  checkEntityTypeBody,
  checkPolicyBody,
  checkUserCreate,
  checkUserUpdate,
  validateDeleteBody,
  validateUpsertBody,
} from './bodies.js';

const item = (name: string, reason: string, index: number | null = null) => ({ name, index, reason });

const POLICY = {
  access_control: { enabled: true, quota: { max_number: 86400, interval_type: 'day' }, rate: 250 },
  data_segment: { segment_query: { type: 'country' }, field_masks: ['country.entity.capital'] },
  legal_context: [{ type: 'attribution', text: 'Data is supplied by Wikipedia', link: 'https://en.wikipedia.org/' }],
};

describe('user bodies (§2.3)', () => {
  it('valid', () => {
    expect(checkUserCreate({ name: 'Alice', email: 'Alice@Domain.com', organization: 'Acme' })).toEqual({
      value: { name: 'Alice', email: 'alice@domain.com', organization: 'Acme', addendum: {} },
      items: [],
    });
  });

  it('"name": null gets a minimum-length error, not a type error', () => {
    expect(checkUserCreate({ name: null, email: 'foo', organization: 'o' }).items).toEqual([
      item('name', 'does not meet minimum length of 1'),
      item('email', 'does not conform to the "email" format'),
    ]);
  });

  it('an absent email gets the length and format errors', () => {
    expect(checkUserCreate({ name: 'n', organization: 'o' }).items).toEqual([
      item('email', 'does not meet minimum length of 1'),
      item('email', 'does not conform to the "email" format'),
    ]);
  });

  it('addendum must be an object, not an array', () => {
    expect(checkUserCreate({ name: 'n', email: 'a@b.co', organization: 'o', addendum: [1] }).items).toEqual([
      item('addendum', 'is not of a type(s) object'),
    ]);
  });

  it('update ignores email', () => {
    expect(checkUserUpdate({ name: 'n', email: 'bad', organization: 'o' })).toEqual({
      value: { name: 'n', organization: 'o', addendum: {} },
      items: [],
    });
    expect(checkUserUpdate({}).items).toEqual([
      item('name', 'does not meet minimum length of 1'),
      item('organization', 'does not meet minimum length of 1'),
    ]);
  });
});

describe('entity type bodies (§2.4)', () => {
  const base = { name: 'Countries', description: 'All the countries' };

  it('valid, with defaults', () => {
    expect(checkEntityTypeBody(base)).toEqual({
      value: { ...base, schema: {}, timeseries: {}, tags: [], icon: '' },
      items: [],
    });
    const timeseries = { population: { period: 'P1Y', value: 'people', unit: 'x1000' } };
    expect(checkEntityTypeBody({ ...base, timeseries, tags: ['geo'], icon: 'x' }).items).toEqual([]);
  });

  it("a non-object schema gets the type error (the custom check is the caller's, SchemaCompiler.check)", () => {
    expect(checkEntityTypeBody({ ...base, schema: 'x', tags: 5 }).items).toEqual([
      item('schema', 'is not of a type(s) object'),
      item('tags', 'is not of a type(s) array'),
    ]);
  });

  it('timeseries values have exactly period, value, unit', () => {
    expect(
      checkEntityTypeBody({
        ...base,
        timeseries: { population: { period: 'P1H', value: 'people', unit: 'x', more: 1 } },
      }).items,
    ).toEqual([
      item('timeseries.population.period', expect.stringContaining('does not match pattern') as unknown as string),
      item('timeseries.population', 'is not allowed to have the additional property "more"'),
    ]);
  });

  it('timeseries keys get the slug reasons under timeseries', () => {
    expect(
      checkEntityTypeBody({ ...base, timeseries: { 'ts 1': { period: 'P1Y', value: 'v', unit: 'u' } } }).items,
    ).toEqual([item('timeseries', 'does not match pattern "^[a-z][a-z0-9-]+$"')]);
  });

  it('falsy tags and icon are kept and fail', () => {
    expect(checkEntityTypeBody({ ...base, tags: '', icon: 0 }).items).toEqual([
      item('tags', 'is not of a type(s) array'),
      item('icon', 'is not of a type(s) string'),
    ]);
  });
});

describe('connector bodies (§2.5)', () => {
  it('valid, with defaults', () => {
    expect(checkConnectorBody({ name: 'Wikipedia', description: 'd', webhook: 'http://localhost:8000/' })).toEqual({
      value: { name: 'Wikipedia', description: 'd', webhook: 'http://localhost:8000', cache: 0 },
      items: [],
    });
  });

  it('a truthy non-string webhook is a type error (the original crashed)', () => {
    expect(checkConnectorBody({ name: 'n', description: 'd', webhook: { url: 'x' } }).items).toEqual([
      item('webhook', 'is not of a type(s) string,null'),
    ]);
  });

  it('cache is an integer 0–31536000', () => {
    expect(checkConnectorBody({ name: 'n', description: 'd', cache: 31536001 }).items).toEqual([
      item('cache', 'must be less than or equal to 31536000'),
    ]);
    expect(checkConnectorBody({ name: 'n', description: 'd', cache: '5' }).items).toEqual([
      item('cache', 'is not of a type(s) integer'),
    ]);
  });
});

describe('policy bodies (§2.6)', () => {
  const base = { name: 'Over a billion', description: 'd' };

  it('valid; extra properties inside policy are allowed', () => {
    expect(checkPolicyBody({ ...base, policy: { ...POLICY, extra: 1 } }).items).toEqual([]);
    expect(checkPolicyBody({ ...base, policy: POLICY }).value.tags).toEqual([]);
  });

  it('a missing policy reports its required members on policy', () => {
    expect(checkPolicyBody(base).items).toEqual([
      item('policy', 'requires property "access_control"'),
      item('policy', 'requires property "data_segment"'),
      item('policy', 'requires property "legal_context"'),
    ]);
  });

  it('nested rules, in declaration order', () => {
    const policy = {
      access_control: { quota: { max_number: -1, interval_type: 'week' }, rate: 0.5 },
      data_segment: { segment_query: [], field_masks: 'x' },
      legal_context: [{ type: 'nope', text: 't', link: null }, { text: '' }],
    };
    expect(checkPolicyBody({ ...base, tags: ['a', 'a'], policy }).items).toEqual([
      item('tags', 'contains duplicate item'),
      item('policy.access_control.quota.max_number', 'must be greater than or equal to 0'),
      item('policy.access_control.quota.interval_type', 'is not one of enum values: day,month'),
      item('policy.access_control.rate', 'is not of a type(s) integer'),
      item('policy.access_control', 'requires property "enabled"'),
      item('policy.data_segment.segment_query', 'is not of a type(s) object'),
      item('policy.data_segment.field_masks', 'is not of a type(s) array'),
      item('policy.legal_context.type', 'is not one of enum values: attribution,contact,license,note,source,terms', 0),
      item('policy.legal_context.text', 'does not meet minimum length of 1', 1),
      item('policy.legal_context', 'requires property "type"', 1),
      item('policy.legal_context', 'requires property "link"', 1),
    ]);
  });

  it('legal link is a link: ftp fails the pattern only', () => {
    const policy = { ...POLICY, legal_context: [{ type: 'note', text: 't', link: 'ftp://x' }] };
    expect(checkPolicyBody({ ...base, policy }).items).toEqual([
      item('policy.legal_context.link', 'does not match pattern "^https?://.*$"', 0),
    ]);
  });

  it('legal_context holds at most 100 entries', () => {
    const entry = { type: 'note', text: 't', link: null };
    const policy = { ...POLICY, legal_context: Array.from({ length: 101 }, () => entry) };
    expect(checkPolicyBody({ ...base, policy }).items).toEqual([
      item('policy.legal_context', 'does not meet maximum length of 100'),
    ]);
  });
});

describe('contributor bodies (§3.2)', () => {
  it('upsert: records of id, name, entity, instance?', () => {
    expect(validateUpsertBody([{ id: 'GB', name: 'United Kingdom', entity: {}, instance: {} }])).toEqual([]);
    expect(validateUpsertBody([])).toEqual([]);
    expect(validateUpsertBody([{ id: 'GB', name: 'x'.repeat(257), entity: { a: 1 }, instance: [] }, 'x'])).toEqual([
      item('records.name', 'does not meet maximum length of 256', 0),
      item('records.instance', 'is not of a type(s) object', 0),
      item('records', 'is not of a type(s) object', 1),
    ]);
  });

  it('delete: array of 0–250 strings', () => {
    expect(validateDeleteBody(['GB', 'IN'])).toEqual([]);
    expect(validateDeleteBody(['GB', 5])).toEqual([item('records', 'is not of a type(s) string', 1)]);
    expect(validateDeleteBody({})).toEqual([item('records', 'is not of a type(s) array')]);
    expect(validateDeleteBody(Array.from({ length: 251 }, () => 'x'))).toEqual([
      item('records', 'does not meet maximum length of 250'),
    ]);
  });
});
