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
