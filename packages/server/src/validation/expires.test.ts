import { describe, expect, it } from 'vitest';
import { checkExpires } from './expires.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const reason = (body: unknown) => checkExpires(body, NOW).items.map((i) => `${i.name}: ${i.reason}`);

describe('checkExpires (token lifetimes)', () => {
  it('reads durations in s, m, h, d, w from now', () => {
    expect(checkExpires({ expires: '45s' }, NOW).value).toBe('2030-01-01T00:00:45.000Z');
    expect(checkExpires({ expires: '30m' }, NOW).value).toBe('2030-01-01T00:30:00.000Z');
    expect(checkExpires({ expires: '12h' }, NOW).value).toBe('2030-01-01T12:00:00.000Z');
    expect(checkExpires({ expires: '90d' }, NOW).value).toBe('2030-04-01T00:00:00.000Z');
    expect(checkExpires({ expires: '2w' }, NOW).value).toBe('2030-01-15T00:00:00.000Z');
  });

  it('reads future ISO-8601 times, with an offset, into UTC', () => {
    expect(checkExpires({ expires: '2030-06-01T12:00:00+02:00' }, NOW).value).toBe('2030-06-01T10:00:00.000Z');
    expect(checkExpires({ expires: '2031' }, NOW).value).toMatch(/^2031-01-01T|^2030-12-31T/); // zone-less: local
  });

  it('means never when absent, null, or the body is not an object', () => {
    for (const body of [{}, { expires: null }, [], null, 'x', undefined]) {
      expect(checkExpires(body, NOW)).toEqual({ value: null, items: [] });
    }
  });

  it('reports each kind of bad value on expires', () => {
    expect(reason({ expires: 5 })).toEqual(['expires: is not of a type(s) string,null']);
    expect(reason({ expires: '5' })).toEqual(['expires: is not any of "duration","ISO-8601 time"']);
    expect(reason({ expires: '5y' })).toEqual(['expires: is not any of "duration","ISO-8601 time"']);
    expect(reason({ expires: 'P1D' })).toEqual(['expires: is not any of "duration","ISO-8601 time"']);
    expect(reason({ expires: 'x'.repeat(65) })).toContain('expires: does not meet maximum length of 64');
    expect(reason({ expires: '2030-02-30' })).toEqual(['expires: is not valid ISO-8601 date format']);
    expect(reason({ expires: '0m' })).toEqual(['expires: must be in the future']);
    expect(reason({ expires: '2030-01-01T00:00:00Z' })).toEqual(['expires: must be in the future']);
    expect(reason({ expires: '999999999w' })).toEqual(['expires: must not be later than 9999-12-31T23:59:59.999Z']);
  });
});
