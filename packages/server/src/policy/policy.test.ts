import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { removePath } from '../query/index.js';
import type { PolicyRow } from '../storage/types.js';
import { rewriteLinks } from './bbk-links.js';
import { compilePolicy, parseMasks, segmentIr } from './compiled-policy.js';
import { maskRecord, seriesMasked } from './record-masks.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

describe('parseMasks', () => {
  it('accepts both forms of §9 and drops the rest', () => {
    expect(
      parseMasks([
        'country.capital',
        'country.entity.currency.name',
        'country.instance.since',
        'country',
        'country.entity',
        'a..b',
        5,
      ]),
    ).toEqual([
      { type: 'country', path: ['entity', 'capital'] },
      { type: 'country', path: ['entity', 'currency', 'name'] },
      { type: 'country', path: ['instance', 'since'] },
    ]);
    expect(parseMasks(undefined)).toEqual([]);
  });
});

describe('maskRecord / removePath', () => {
  const entity = {
    capital: 'London',
    currency: { code: 'GBP', name: 'Pound' },
    langs: [{ name: 'English', n: 1 }, 'x'],
    list: [1, 2, 3],
  };
  const masks = parseMasks([
    'country.capital',
    'country.entity.currency.name',
    'country.instance.since',
    'country.langs.name',
    'country.entity.list.1',
    'other.iso',
  ]);

  it('removes the attributes of the record type, nested and inside arrays, without mutating', () => {
    const frozen = structuredClone(entity);
    const out = maskRecord('country', { entity, instance: { since: 1, until: 2 }, timeseries: {} }, masks);
    expect(out).toEqual({
      entity: { currency: { code: 'GBP' }, langs: [{ n: 1 }, 'x'], list: [1, 3] },
      instance: { until: 2 },
      timeseries: {},
    });
    expect(entity).toEqual(frozen);
  });

  it('ignores masks of other types and missing paths', () => {
    const sections = { entity: { iso: 'GB' }, instance: {}, timeseries: {} };
    expect(maskRecord('country', sections, masks)).toEqual(sections);
    expect(maskRecord('other', sections, masks)).toEqual({ entity: {}, instance: {}, timeseries: {} });
    expect(removePath({ a: 1 }, ['b', 'c'])).toEqual({ a: 1 });
    expect(removePath('text', ['a'])).toBe('text');
  });
});

describe('timeseries masks', () => {
  const decl = (unit: string) => ({ period: 'P1Y', value: 'v', unit });
  const sections = { entity: {}, instance: {}, timeseries: { population: decl('x1'), noise: decl('db') } };
  const masks = parseMasks([
    'country.timeseries.population',
    'country.timeseries.noise.unit',
    'city.timeseries.noise',
    'country.timeseries',
  ]);

  it('remove a declaration, or one field of it, for the record type only', () => {
    expect(maskRecord('country', sections, masks).timeseries).toEqual({ noise: { period: 'P1Y', value: 'v' } });
    expect(maskRecord('city', sections, masks).timeseries).toEqual({ population: decl('x1') });
    expect(sections.timeseries.noise).toEqual(decl('db')); // not mutated
  });

  it('withhold a series only when the mask names exactly that series', () => {
    expect(seriesMasked('country', 'population', masks)).toBe(true);
    expect(seriesMasked('country', 'noise', masks)).toBe(false); // only its unit is masked
    expect(seriesMasked('city', 'noise', masks)).toBe(true);
    expect(seriesMasked('city', 'population', masks)).toBe(false);
    expect(seriesMasked('country', 'population', parseMasks(['country.population']))).toBe(false); // an entity attribute
  });
});

describe('rewriteLinks', () => {
  const route = 'http://h:1/v1';
  it('rewrites every bbk link anywhere, including consecutive ones', () => {
    const v = {
      a: 'bbk://country/abc123/GB',
      b: ['bbk://country/abc123/FR', 'BBK://country/abc123/DE', 'bbk://country/abc123/ES'],
      c: { d: 'see bbk://country/abc123/GB', e: 'bbk://Country/abc/GB', f: 'bbk://country/abc/a/b', g: 42 },
    };
    expect(rewriteLinks(v, route)).toEqual({
      a: `${route}/entity/country/${sha1('abc123:GB')}`,
      b: [
        `${route}/entity/country/${sha1('abc123:FR')}`,
        `${route}/entity/country/${sha1('abc123:DE')}`,
        `${route}/entity/country/${sha1('abc123:ES')}`,
      ],
      c: v.c,
    });
  });
});

describe('compilePolicy', () => {
  const row = (policy: unknown): PolicyRow =>
    ({ id: 3, slug: 'p', name: 'P', description: 'd', tags: [], version: 2, policy }) as PolicyRow;

  it('compiles segment, masks, legal and limits', () => {
    const legal = [{ type: 'note', text: 't', link: null }];
    const c = compilePolicy(
      row({
        access_control: { enabled: true, rate: 5, quota: { max_number: 10, interval_type: 'day' } },
        data_segment: { segment_query: { type: 'country' }, field_masks: ['country.capital'] },
        legal_context: legal,
      }),
    );
    expect(c).toMatchObject({
      id: 3,
      slug: 'p',
      version: 2,
      legal,
      masks: [{ type: 'country', path: ['entity', 'capital'] }],
      accessControl: { enabled: true, rate: 5, quota: { max_number: 10, interval_type: 'day' } },
    });
    expect(c.segment.kind).not.toBe('const');
  });

  it('an empty segment is the whole catalog; a bad stored one matches nothing', () => {
    expect(segmentIr({})).toEqual({ kind: 'const', value: true });
    expect(segmentIr({ name: { $exists: true } })).toEqual({ kind: 'const', value: false });
    expect(segmentIr([])).toEqual({ kind: 'const', value: false });
    // a string is a string value, never query text: it matches nothing
    expect(segmentIr('{"type":"country"}')).toEqual({ kind: 'const', value: false });
  });
});
