import { afterAll, describe, expect, it } from 'vitest';
import { longestStall } from '../threads/testing/longest-stall.js';
import { SchemaCompiler } from './schema-compiler.js';

const INVALID = [{ name: 'schema', index: null, reason: 'is not valid JSON schema' }];
const compiler = new SchemaCompiler();
afterAll(() => compiler.close());

describe('SchemaCompiler: entity type schemas off the event loop', () => {
  it('checks schemas like the original (§2.4)', async () => {
    expect(await compiler.check({})).toEqual([]);
    expect(await compiler.check({ type: 'foobar', required: 'x' })).toEqual([]);
    expect(await compiler.check({ type: null })).toEqual(INVALID);
    expect(await compiler.check('x')).toEqual(INVALID);
    expect(await compiler.check({ $ref: '#/definitions/missing' })).toEqual(INVALID);
  });

  it('compiled record checks report items under records.entity with the record index', async () => {
    const validate = await compiler.recordValidator({
      properties: { area: { type: 'number' }, code: { type: 'string', pattern: '^[A-Z]{2}$', format: 'email' } },
    });
    expect(validate({ area: 'x' }, 3)).toEqual([
      { name: 'records.entity.area', index: 3, reason: 'is not of a type(s) number' },
    ]);
    expect(validate({ code: 'gb' }, 0).map((i) => i.reason)).toEqual([
      'does not match pattern "^[A-Z]{2}$"',
      'does not conform to the "email" format',
    ]);
    expect(validate({ area: 1, code: 'GB' }, 0).map((i) => i.reason)).toEqual([
      'does not conform to the "email" format',
    ]);
  });

  it('patterns run on RE2: a backtracking pattern cannot stall a record check', async () => {
    const validate = await compiler.recordValidator({ properties: { a: { type: 'string', pattern: '^(a+)+$' } } });
    const started = performance.now();
    expect(validate({ a: `${'a'.repeat(5000)}b` }, 0)).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(500);
    // what RE2 cannot run (lookaround, backreferences) cannot be loaded
    expect(await compiler.check({ properties: { a: { pattern: '(?=a)b' } } })).toEqual(INVALID);
  });

  it('schemas beyond the cost bounds cannot be loaded, and are refused at once', async () => {
    const { result, stallMs } = await longestStall(() =>
      compiler.check({ type: Array.from({ length: 20_000 }, (_, i) => `t${i}`) }),
    );
    expect(result).toEqual(INVALID);
    expect(stallMs).toBeLessThan(200);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) deep = { properties: { a: deep } };
    expect(await compiler.check(deep)).toEqual(INVALID);
  });

  it('a large schema compiles on its own thread while this one keeps serving', async () => {
    const properties: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) properties[`p${i}`] = { type: 'string', minLength: 1, pattern: `^v${i}` };
    const { result, stallMs } = await longestStall(async () => {
      const validate = await compiler.recordValidator({ properties });
      return validate({ p7: 'v7x', p9: 'nope' }, 0);
    });
    expect(result).toEqual([{ name: 'records.entity.p9', index: 0, reason: 'does not match pattern "^v9"' }]);
    // compiling took hundreds of milliseconds of that thread's time, not this one's
    expect(stallMs).toBeLessThan(200);
  });

  it('a schema whose compiled check would be too large to load on the serving thread cannot be loaded', async () => {
    const properties: Record<string, unknown> = {};
    for (let i = 0; i < 2_000; i++) properties[`p${i}`] = { type: 'string' };
    expect(await compiler.check({ properties })).toEqual(INVALID);
  });

  it('starting the thread does not count against the time bound', async () => {
    // starting the thread (loading ajv and its formats, and its first, cold compile) takes longer than
    // this bound on these machines (2.9 s under load before the fix); only the schema's own compile is
    // timed, so a small valid schema always loads on a fresh thread
    const quick = new SchemaCompiler({ timeoutMs: 250 });
    try {
      expect(await quick.check({ properties: { a: { type: 'string' } } })).toEqual([]);
      expect(await quick.check({ properties: { b: { type: 'number' } } })).toEqual([]);
    } finally {
      await quick.close();
    }
  });

  it('a schema that outlasts the time bound cannot be loaded; the next one gets a fresh thread', async () => {
    const slow = new SchemaCompiler({ timeoutMs: 1 });
    try {
      const properties: Record<string, unknown> = {};
      for (let i = 0; i < 100; i++) properties[`p${i}`] = { type: 'string' };
      expect(await slow.check({ properties })).toEqual(INVALID);
    } finally {
      await slow.close();
    }
  });
});
