import { describe, expect, it } from 'vitest';
import { createValidator } from './create-validator.js';

describe('error order for many errors', () => {
  it('reports 20,000 extra properties in declaration order without a scan per error', () => {
    const validate = createValidator(
      { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false },
      { root: 'records' },
    );
    const value: Record<string, unknown> = { id: 1 };
    for (let i = 0; i < 20_000; i++) value[`k${i}`] = i;
    const started = performance.now();
    const items = validate(value);
    const ms = performance.now() - started;
    expect(items).toHaveLength(20_001);
    expect(items[0]).toEqual({ name: 'records.id', index: null, reason: 'is not of a type(s) string' });
    expect(items[1]!.reason).toBe('is not allowed to have the additional property "k0"');
    expect(items[20_000]!.reason).toBe('is not allowed to have the additional property "k19999"');
    // a scan of the keys per error made this quadratic: about 3 minutes for 20,000 keys
    expect(ms).toBeLessThan(5_000);
  });
});
