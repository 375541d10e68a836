import { describe, expect, it } from 'vitest';
import { parseTimeseriesQuery } from './params.js';

const parse = (qs: string) => parseTimeseriesQuery(new URLSearchParams(qs));

describe('parseTimeseriesQuery', () => {
  it('reads start, end and limit as bbk forwards them', () => {
    expect(parse('start=2000-01-01T00:00:00.000Z&end=2010-01-01T00:00:00.000Z&limit=5')).toEqual({
      ok: true,
      query: { start: new Date('2000-01-01T00:00:00Z'), end: new Date('2010-01-01T00:00:00Z'), limit: 5 },
    });
  });

  it('defaults limit to 500 and leaves absent bounds out', () => {
    expect(parse('')).toEqual({ ok: true, query: { limit: 500 } });
  });

  it('reports every bad parameter in the spec’s validation format', () => {
    expect(parse('start=1970-13-01&end=nope&limit=abc')).toEqual({
      ok: false,
      items: [
        { name: 'start', index: null, reason: 'is not valid ISO-8601 date format' },
        { name: 'end', index: null, reason: 'is not valid ISO-8601 date format' },
        { name: 'limit', index: null, reason: 'is not of a type(s) integer' },
      ],
    });
    expect(parse('limit=0')).toMatchObject({
      ok: false,
      items: [{ name: 'limit', reason: 'must be greater than or equal to 1' }],
    });
    expect(parse('limit=501')).toMatchObject({ ok: false, items: [{ reason: 'must be less than or equal to 500' }] });
    expect(parse('limit=2.5')).toMatchObject({ ok: false, items: [{ reason: 'is not of a type(s) integer' }] });
    expect(parse('start=2001&end=2000')).toMatchObject({
      ok: false,
      items: [{ name: 'paging', reason: 'You cannot specify an end which is at or before the start' }],
    });
  });
});
