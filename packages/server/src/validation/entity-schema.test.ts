import { afterAll, describe, expect, it } from 'vitest';
import { SchemaCompiler } from './schema-compiler.js';

// entity type schemas are checked and compiled through the one API the server uses
const compiler = new SchemaCompiler();
afterAll(() => compiler.close());
const validateEntitySchema = (schema: unknown) => compiler.check(schema);
const compileRecordSchema = (schema: unknown) => compiler.recordValidator(schema);

const INVALID = [{ name: 'schema', index: null, reason: 'is not valid JSON schema' }];

describe('validateEntitySchema (§2.4)', () => {
  it('accepts ordinary schemas', async () => {
    expect(await validateEntitySchema({})).toEqual([]);
    expect(
      await validateEntitySchema({
        type: 'object',
        properties: { area: { type: 'number', minimum: 0 }, capital: { type: 'string' } },
        required: ['area'],
      }),
    ).toEqual([]);
    expect(
      await validateEntitySchema({
        definitions: { a: { type: 'string' } },
        properties: { x: { $ref: '#/definitions/a' } },
      }),
    ).toEqual([]);
  });

  it('rejects what cannot be loaded: non-objects, {"type":null}, an unresolvable $ref', async () => {
    for (const bad of ['x', 5, null, [], true]) expect(await validateEntitySchema(bad), String(bad)).toEqual(INVALID);
    expect(await validateEntitySchema({ type: null })).toEqual(INVALID);
    expect(await validateEntitySchema({ properties: { a: { type: ['string', null] } } })).toEqual(INVALID);
    expect(await validateEntitySchema({ $ref: '#/definitions/missing' })).toEqual(INVALID);
    expect(await validateEntitySchema({ properties: { a: { $ref: 'http://example.com/schema.json' } } })).toEqual(
      INVALID,
    );
  });

  it('accepts unknown types and bad keyword values', async () => {
    expect(await validateEntitySchema({ type: 'foobar' })).toEqual([]);
    expect(await validateEntitySchema({ required: 'x' })).toEqual([]);
    expect(
      await validateEntitySchema({ properties: { a: { minLength: 'x', type: ['string', 'nope'] }, b: 5 } }),
    ).toEqual([]);
    expect(await validateEntitySchema({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' })).toEqual(
      [],
    );
    expect(await validateEntitySchema({ foo: 'bar', format: 'no-such-format' })).toEqual([]);
  });
});

describe('compileRecordSchema (§3.2)', () => {
  it('names errors records.entity.<path> with the record index', async () => {
    const validate = await compileRecordSchema({ properties: { area: { type: 'number' } } });
    expect(validate({ area: 'big' }, 3)).toEqual([
      { name: 'records.entity.area', index: 3, reason: 'is not of a type(s) number' },
    ]);
    expect(validate({ area: 5 }, 3)).toEqual([]);
  });

  it('keeps array indexes inside the entity in the name', async () => {
    const validate = await compileRecordSchema({ properties: { list: { type: 'array', items: { type: 'string' } } } });
    expect(validate({ list: ['a', 1] }, 0)).toEqual([
      { name: 'records.entity.list[1]', index: 0, reason: 'is not of a type(s) string' },
    ]);
  });

  it('reports required on records.entity and in declaration order', async () => {
    const validate = await compileRecordSchema({
      type: 'object',
      required: ['iso', 'area'],
      properties: { name: { type: 'string' }, iso: { type: 'string', minLength: 2, maxLength: 2 } },
    });
    expect(validate({ iso: 'GBR', name: 1 }, 1)).toEqual([
      { name: 'records.entity', index: 1, reason: 'requires property "area"' },
      { name: 'records.entity.name', index: 1, reason: 'is not of a type(s) string' },
      { name: 'records.entity.iso', index: 1, reason: 'does not meet maximum length of 2' },
    ]);
  });

  it('a schema with unknown types or keywords accepts any record', async () => {
    for (const schema of [{ type: 'foobar' }, { required: 'x' }, { type: ['string', 'foobar'] }]) {
      const validate = await compileRecordSchema(schema);
      expect(validate({ anything: 1 }, 0)).toEqual([]);
      expect(validate(5, 0)).toEqual([]);
    }
  });

  it('sanitising keeps the valid keywords around a bad one', async () => {
    const validate = await compileRecordSchema({
      type: 'object',
      required: 'x',
      properties: { a: { type: 'integer', minimum: 'x' } },
    });
    expect(validate({ a: 1.5 }, 0)).toEqual([
      { name: 'records.entity.a', index: 0, reason: 'is not of a type(s) integer' },
    ]);
  });

  it('draft-04 boolean exclusiveMinimum keeps its meaning', async () => {
    const validate = await compileRecordSchema({
      properties: { n: { type: 'number', minimum: 3, exclusiveMinimum: true } },
    });
    expect(validate({ n: 3 }, 0)).toEqual([{ name: 'records.entity.n', index: 0, reason: 'must be greater than 3' }]);
  });

  it('formats of §1.9 apply, and the common others', async () => {
    const validate = await compileRecordSchema({
      properties: { mail: { format: 'email' }, home: { format: 'uri' }, when: { format: 'date-time' } },
    });
    expect(validate({ mail: 'a@localhost', home: 'http:// x', when: 'never' }, 0).map((i) => i.reason)).toEqual([
      'does not conform to the "email" format',
      'does not conform to the "uri" format',
      'does not conform to the "date-time" format',
    ]);
  });

  it('an empty or unloadable schema accepts everything', async () => {
    expect((await compileRecordSchema({}))({ a: 1 }, 0)).toEqual([]);
    expect((await compileRecordSchema({ type: null }))({ a: 1 }, 0)).toEqual([]);
  });

  it('combinators are reported once', async () => {
    const validate = await compileRecordSchema({
      properties: { v: { anyOf: [{ type: 'string' }, { type: 'number' }] } },
    });
    expect(validate({ v: true }, 2)).toEqual([
      { name: 'records.entity.v', index: 2, reason: 'is not any of [subschema 0],[subschema 1]' },
    ]);
  });

  it('validators are cached per schema', async () => {
    const schema = { properties: { a: { type: 'string' } } };
    const started = performance.now();
    for (let i = 0; i < 200; i++) await compileRecordSchema(structuredClone(schema));
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('checks every record in order', async () => {
    const schema = { properties: { area: { type: 'number' } } };
    const records = [{ entity: { area: 1 } }, { entity: { area: 'x' } }, { entity: { area: null } }];
    const validate = await compileRecordSchema(schema);
    expect(records.flatMap((record, index) => validate(record.entity, index))).toEqual([
      { name: 'records.entity.area', index: 1, reason: 'is not of a type(s) number' },
      { name: 'records.entity.area', index: 2, reason: 'is not of a type(s) number' },
    ]);
  });
});
