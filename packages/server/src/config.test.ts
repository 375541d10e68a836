import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from './config.js';

describe('resolveConfig: automatic indexes', () => {
  it('defaults to 8 and no forbidden path', () => {
    expect(resolveConfig({}, {}).autoIndexes).toEqual({ max: 8, forbid: [] });
  });

  it('reads BBK_AUTO_INDEXES and BBK_AUTO_INDEX_FORBID; options win', () => {
    const env = { BBK_AUTO_INDEXES: '0', BBK_AUTO_INDEX_FORBID: ' entity.a, ,entity.b.c ' };
    expect(resolveConfig({}, env).autoIndexes).toEqual({ max: 0, forbid: ['entity.a', 'entity.b.c'] });
    expect(resolveConfig({ autoIndexes: { max: 3, forbid: ['name'] } }, env).autoIndexes).toEqual({
      max: 3,
      forbid: ['name'],
    });
  });

  it('refuses a bound that is not an integer 0–64', () => {
    for (const bad of ['-1', '65', '2.5', 'many']) {
      expect(() => resolveConfig({}, { BBK_AUTO_INDEXES: bad })).toThrow(ConfigError);
    }
  });
});

describe('resolveConfig: database schema', () => {
  it('takes a plain lower-case name from the options or BBK_DATABASE_SCHEMA', () => {
    expect(resolveConfig({}, { BBK_DATABASE_SCHEMA: 'bbk_prod' }).databaseSchema).toBe('bbk_prod');
    expect(resolveConfig({ databaseSchema: 'a1' }, { BBK_DATABASE_SCHEMA: 'b' }).databaseSchema).toBe('a1');
    expect(resolveConfig({}, {}).databaseSchema).toBeUndefined();
  });

  it('refuses a name PostgreSQL would need quoted or would cut', () => {
    for (const bad of ['Foo', 'a;b', '1abc', 'a-b', 'x'.repeat(64)]) {
      expect(() => resolveConfig({}, { BBK_DATABASE_SCHEMA: bad })).toThrow(
        `database schema must be a plain lower-case name (a-z, 0-9, _; at most 63), got "${bad}"`,
      );
    }
    expect(resolveConfig({}, { BBK_DATABASE_SCHEMA: 'x'.repeat(63) }).databaseSchema).toHaveLength(63);
  });
});
