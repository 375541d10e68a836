import { connectorSchema, entityTypeSchema, policySchema, recordUpsertSchema } from '@bbk/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { createValidator } from './create-validator.js';

const item = (name: string, reason: string, index: number | null = null) => ({ name, index, reason });

describe('createValidator: reason templates (§1.8)', () => {
  const validate = createValidator(
    {
      type: 'object',
      properties: {
        s: { type: 'string', minLength: 2, maxLength: 3, pattern: '^\\d{4}(-\\d\\d)?$' },
        e: { type: 'string', format: 'email' },
        u: { type: 'string', format: 'uri' },
        m: { enum: ['accrue', 'stream', 'replace'] },
        n: { type: 'integer', minimum: 0, maximum: 250 },
        a: { type: 'array', minItems: 1, maxItems: 2, uniqueItems: true },
        sn: { type: ['string', 'null'] },
        o: {
          type: 'object',
          properties: { x: { type: 'boolean' }, y: {} },
          required: ['x', 'y'],
          additionalProperties: false,
        },
      },
    },
    { root: '' },
  );

  it('type, one and several', () => {
    expect(validate({ s: 5, sn: 5, o: { x: 1, y: 1 } })).toEqual([
      item('s', 'is not of a type(s) string'),
      item('sn', 'is not of a type(s) string,null'),
      item('o.x', 'is not of a type(s) boolean'),
    ]);
  });

  it('an array is not an object', () => {
    expect(validate({ o: [] })).toEqual([item('o', 'is not of a type(s) object')]);
  });

  it('minLength / maxLength / minItems / maxItems', () => {
    expect(validate({ s: '1', a: [] })).toEqual([
      item('s', 'does not meet minimum length of 2'),
      item('s', 'does not match pattern "^\\\\d{4}(-\\\\d\\\\d)?$"'),
      item('a', 'does not meet minimum length of 1'),
    ]);
    expect(validate({ a: [1, 2, 3] })).toEqual([item('a', 'does not meet maximum length of 2')]);
  });

  it('pattern: the regex source JSON-escaped (each backslash doubled)', () => {
    const [pattern] = validate({ s: 'abc' });
    expect(pattern).toEqual(item('s', 'does not match pattern "^\\\\d{4}(-\\\\d\\\\d)?$"'));
    expect(pattern?.reason).toBe(String.raw`does not match pattern "^\\d{4}(-\\d\\d)?$"`);
  });

  it('format', () => {
    expect(validate({ e: 'foo@bar', u: 'foo' })).toEqual([
      item('e', 'does not conform to the "email" format'),
      item('u', 'does not conform to the "uri" format'),
    ]);
  });

  it('enum', () => {
    expect(validate({ m: 'x' })).toEqual([item('m', 'is not one of enum values: accrue,stream,replace')]);
  });

  it('required and additional property, reported on the parent', () => {
    expect(validate({ o: { x: true, z: 1 } })).toEqual([
      item('o', 'requires property "y"'),
      item('o', 'is not allowed to have the additional property "z"'),
    ]);
  });

  it('minimum / maximum; one property can yield several items', () => {
    expect(validate({ n: -0.5 })).toEqual([
      item('n', 'is not of a type(s) integer'),
      item('n', 'must be greater than or equal to 0'),
    ]);
    expect(validate({ n: 251 })).toEqual([item('n', 'must be less than or equal to 250')]);
  });

  it('uniqueItems', () => {
    expect(validate({ a: [1, 1] })).toEqual([item('a', 'contains duplicate item')]);
  });
});

describe('createValidator: names (§1.8)', () => {
  it('coordinator bodies have no root prefix; nested paths are dotted', () => {
    const validate = createValidator(entityTypeSchema);
    expect(
      validate({ name: 'n', description: 'd', timeseries: { population: { value: 'v', unit: 'u', period: 'x' } } }),
    ).toEqual([
      item('timeseries.population.period', expect.stringMatching(/^does not match pattern "\^P/) as unknown as string),
    ]);
  });

  it('non-identifier keys appear as ["key"]; timeseries keys get the slug reasons under timeseries', () => {
    const validate = createValidator(entityTypeSchema);
    expect(
      validate({
        name: 'n',
        description: 'd',
        timeseries: { 'ts 1': { period: 'P1Y', value: 'v', unit: 'u' }, ab: {} },
      }),
    ).toEqual([
      item('timeseries', 'does not match pattern "^[a-z][a-z0-9-]+$"'),
      item('timeseries', 'does not meet minimum length of 3'),
      item('timeseries.ab', 'requires property "period"'),
      item('timeseries.ab', 'requires property "value"'),
      item('timeseries.ab', 'requires property "unit"'),
    ]);
    expect(
      validate({ name: 'n', description: 'd', timeseries: { 'ts 1': { period: 'P1Y', value: 5, unit: 'u' } } }),
    ).toEqual([
      item('timeseries', 'does not match pattern "^[a-z][a-z0-9-]+$"'),
      item('timeseries["ts 1"].value', 'is not of a type(s) string'),
    ]);
  });

  it('the first array index becomes index; later ones stay in the name', () => {
    const validate = createValidator(
      { type: 'object', properties: { l: { type: 'array', items: { type: 'array', items: { type: 'string' } } } } },
      { root: '' },
    );
    expect(validate({ l: [['a'], ['b', 5]] })).toEqual([item('l[1]', 'is not of a type(s) string', 1)]);
  });

  it('policy.legal_context.type with index', () => {
    const validate = createValidator(policySchema);
    const legal = [
      { type: 'note', text: 't', link: null },
      { type: 'nope', text: 't', link: null },
    ];
    const body = {
      name: 'n',
      description: 'd',
      tags: [],
      policy: { access_control: { enabled: true }, data_segment: { segment_query: {} }, legal_context: legal },
    };
    expect(validate(body)).toEqual([
      item('policy.legal_context.type', 'is not one of enum values: attribution,contact,license,note,source,terms', 1),
    ]);
  });

  it('contributor bodies are named under records; a missing property is reported on its parent', () => {
    const validate = createValidator(recordUpsertSchema, { root: 'records' });
    expect(validate([{ id: 'a', name: 'b' }])).toEqual([item('records', 'requires property "entity"', 0)]);
    expect(
      validate([
        { id: 'a', name: 'b', entity: {} },
        { id: '', name: 'b', entity: [], x: 1 },
      ]),
    ).toEqual([
      item('records.id', 'does not meet minimum length of 1', 1),
      item('records.entity', 'is not of a type(s) object', 1),
      item('records', 'is not allowed to have the additional property "x"', 1),
    ]);
    expect(validate({})).toEqual([item('records', 'is not of a type(s) array')]);
    expect(validate(Array.from({ length: 251 }, () => ({ id: 'a', name: 'b', entity: {} })))).toEqual([
      item('records', 'does not meet maximum length of 250'),
    ]);
  });

  it('URL parameters are named after the parameter', () => {
    const validate = createValidator({ type: 'string', minLength: 1, maxLength: 16 }, { root: 'search' });
    expect(validate('')).toEqual([item('search', 'does not meet minimum length of 1')]);
  });
});

describe('createValidator: order and noise', () => {
  it('reports in declaration order, not ajv keyword order nor body order', () => {
    const validate = createValidator(connectorSchema);
    expect(validate({ cache: 'x', webhook: 'foo', description: '', name: '' })).toEqual([
      item('name', 'does not meet minimum length of 1'),
      item('description', 'does not meet minimum length of 1'),
      item('webhook', 'does not conform to the "uri" format'),
      item('webhook', 'does not match pattern "^https?://.*$"'),
      item('cache', 'is not of a type(s) integer'),
    ]);
  });

  it('array items are reported one item after the other', () => {
    const validate = createValidator(recordUpsertSchema, { root: 'records' });
    expect(
      validate([
        { id: 1, name: 2, entity: {} },
        { id: 3, name: 4, entity: {} },
      ]).map((i) => `${i.name}:${i.index}`),
    ).toEqual(['records.id:0', 'records.name:0', 'records.id:1', 'records.name:1']);
  });

  it('anyOf and if/then are reported once, without branch noise', () => {
    const validate = createValidator({
      type: 'object',
      properties: { a: { anyOf: [{ type: 'string' }, { type: 'number' }] } },
      if: { required: ['a'] },
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword
      then: { required: ['b'] },
    });
    expect(validate({ a: true })).toEqual([
      item('a', 'is not any of [subschema 0],[subschema 1]'),
      item('', 'requires property "b"'),
    ]);
  });

  it('compiles once and is reusable', () => {
    const validate = createValidator({ type: 'string' }, { root: 'x' });
    expect(validate('a')).toEqual([]);
    expect(validate(1)).toEqual([item('x', 'is not of a type(s) string')]);
    expect(validate('b')).toEqual([]);
  });
});
