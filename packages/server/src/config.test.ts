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

describe('resolveConfig: numbers from the environment', () => {
  it('takes decimal digits only, as the flags do, and echoes what was given', () => {
    expect(resolveConfig({}, { BBK_COORDINATOR_PORT: '8101' }).coordinatorPort).toBe(8101);
    for (const bad of ['0x10', '0b1', '1e3', ' 8 ', '8.0', '-1', '65536'])
      expect(() => resolveConfig({}, { BBK_COORDINATOR_PORT: bad })).toThrow(
        `coordinator port must be a port number 0-65535, got "${bad}"`,
      );
    expect(() => resolveConfig({}, { BBK_METRICS_PORT: '0x1F90' })).toThrow('metrics port');
    expect(() => resolveConfig({}, { BBK_WEBHOOK_TIMEOUT_MS: 'abc' })).toThrow(
      'webhook timeout must be an integer 1-60000 ms, got "abc"',
    );
    expect(() => resolveConfig({}, { BBK_AUTO_INDEXES: '1e1' })).toThrow(
      'automatic indexes must be an integer 0-64, got "1e1"',
    );
    expect(resolveConfig({}, { BBK_WEBHOOK_TIMEOUT_MS: '500', BBK_AUTO_INDEXES: '3' })).toMatchObject({
      webhookTimeoutMs: 500,
      autoIndexes: { max: 3 },
    });
  });
});

describe('resolveConfig: base path', () => {
  it('takes path segments, without their outer slashes, and refuses anything a URL path would have to escape', () => {
    expect(resolveConfig({}, {}).basePath).toBe('v1');
    expect(resolveConfig({}, { BBK_BASE_PATH: '/api/v2/' }).basePath).toBe('api/v2');
    expect(resolveConfig({ basePath: '' }, {}).basePath).toBe('');
    for (const bad of ['a b', 'a//b', 'x?y', '%41'])
      expect(() => resolveConfig({}, { BBK_BASE_PATH: bad })).toThrow('base path must be path segments');
  });
});
