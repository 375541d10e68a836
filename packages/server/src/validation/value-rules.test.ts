import { valueRules } from '@bbk/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { createValidator } from './create-validator.js';
import { isIsoDate } from './formats.js';

const rule = (name: keyof typeof valueRules) => {
  const validate = createValidator(valueRules[name], { root: name });
  return (value: unknown) => validate(value).map((i) => i.reason);
};

const PATTERN = (p: string) => `does not match pattern ${JSON.stringify(p)}`;

describe('shared value rules (§1.9)', () => {
  it('slug: string 3–32, ^[a-z][a-z0-9-]+$', () => {
    const slug = rule('slug');
    expect(slug('country')).toEqual([]);
    expect(slug('a-1')).toEqual([]);
    expect(slug('ab')).toEqual(['does not meet minimum length of 3']);
    expect(slug('a'.repeat(33))).toEqual(['does not meet maximum length of 32']);
    expect(slug('1ab')).toEqual([PATTERN('^[a-z][a-z0-9-]+$')]);
    expect(slug('Abc')).toEqual([PATTERN('^[a-z][a-z0-9-]+$')]);
    expect(slug(5)).toEqual(['is not of a type(s) string']);
  });

  it('name: string 1–64', () => {
    const name = rule('name');
    expect(name('x')).toEqual([]);
    expect(name('')).toEqual(['does not meet minimum length of 1']);
    expect(name('x'.repeat(65))).toEqual(['does not meet maximum length of 64']);
  });

  it('description: string 1–2048', () => {
    const description = rule('description');
    expect(description('x'.repeat(2048))).toEqual([]);
    expect(description('x'.repeat(2049))).toEqual(['does not meet maximum length of 2048']);
    expect(description('')).toEqual(['does not meet minimum length of 1']);
  });

  it('string: string 1–256', () => {
    const string = rule('string');
    expect(string('x'.repeat(256))).toEqual([]);
    expect(string('x'.repeat(257))).toEqual(['does not meet maximum length of 256']);
    expect(string('')).toEqual(['does not meet minimum length of 1']);
  });

  it('tags: at most 16 unique names', () => {
    const validate = createValidator(valueRules.tags, { root: 'tags' });
    expect(validate(['a', 'b'])).toEqual([]);
    expect(validate(Array.from({ length: 17 }, (_, i) => `t${i}`))).toEqual([
      { name: 'tags', index: null, reason: 'does not meet maximum length of 16' },
    ]);
    expect(validate(['a', 'a'])).toEqual([{ name: 'tags', index: null, reason: 'contains duplicate item' }]);
    expect(validate(['a', ''])).toEqual([{ name: 'tags', index: 1, reason: 'does not meet minimum length of 1' }]);
    expect(validate('a')).toEqual([{ name: 'tags', index: null, reason: 'is not of a type(s) array' }]);
  });

  it('icon: string 0–256', () => {
    const icon = rule('icon');
    expect(icon('')).toEqual([]);
    expect(icon('x'.repeat(257))).toEqual(['does not meet maximum length of 256']);
  });

  it('link: null, or ≤ 1024 passing both the URI format and ^https?://', () => {
    const link = rule('link');
    expect(link(null)).toEqual([]);
    expect(link('https://example.com/x?y')).toEqual([]);
    expect(link('ftp://x')).toEqual([PATTERN('^https?://.*$')]);
    expect(link('foo')).toEqual(['does not conform to the "uri" format', PATTERN('^https?://.*$')]);
    expect(link('http:// x')).toEqual(['does not conform to the "uri" format']);
    expect(link('HTTP://x')).toEqual([PATTERN('^https?://.*$')]);
    expect(link(`http://${'x'.repeat(1018)}`)).toEqual(['does not meet maximum length of 1024']);
    expect(link(5)).toEqual(['is not of a type(s) string,null']);
  });

  it('email: local atoms, @, a dotted host or [IPv4]', () => {
    const email = rule('email');
    for (const ok of ['a+b@c.io', 'alice@domain.com', 'first.last@sub.example.org', 'x@[127.0.0.1]']) {
      expect(email(ok), ok).toEqual([]);
    }
    for (const bad of ['foo@bar', 'a@localhost', 'foo', 'a..b@c.io', '@c.io', 'a@-c.io']) {
      expect(email(bad), bad).toEqual(['does not conform to the "email" format']);
    }
    expect(email('')).toEqual(['does not meet minimum length of 1', 'does not conform to the "email" format']);
  });

  it('duration: P1Y, PT1H, P1DT pass; P, P1H, 1H fail', () => {
    const duration = rule('duration');
    for (const ok of ['P1Y', 'PT1H', 'P1DT', 'P1Y2M3DT4H5M6.5S', 'P2W']) expect(duration(ok), ok).toEqual([]);
    for (const bad of ['P', 'P1H', '1H', 'PT', 'p1y'])
      expect(duration(bad), bad).toEqual([PATTERN(valueRules.duration.pattern)]);
  });

  it('id40: exactly 40 of [a-z0-9]', () => {
    const id40 = rule('id40');
    expect(id40('9afcf3235500836c6fcd9e82110dbc05ffbb734b')).toEqual([]);
    expect(id40('9AFCF3235500836C6FCD9E82110DBC05FFBB734B')).toEqual([PATTERN('^[a-z0-9]+$')]);
    expect(id40('abc')).toEqual(['does not meet minimum length of 40']);
    expect(id40('a'.repeat(41))).toEqual(['does not meet maximum length of 40']);
  });

  it('guid: exactly 36, ^[a-z0-9][a-z0-9-]+$', () => {
    const guid = rule('guid');
    expect(guid('4527eff4-d9cf-41c0-9ecc-8e06b57fcf54')).toEqual([]);
    expect(guid('-527eff4-d9cf-41c0-9ecc-8e06b57fcf54')).toEqual([PATTERN('^[a-z0-9][a-z0-9-]+$')]);
    expect(guid('4527eff4')).toEqual(['does not meet minimum length of 36']);
  });

  it('uid: 1–8 decimal digits', () => {
    const uid = rule('uid');
    expect(uid('1')).toEqual([]);
    expect(uid('12345678')).toEqual([]);
    expect(uid('123456789')).toHaveLength(1);
    expect(uid('1.1')).toHaveLength(1);
    expect(uid('')).toHaveLength(1);
  });

  it('iso-date: the pattern, and a real date/time (1970-13-01 fails)', () => {
    const isoDate = rule('isoDate');
    for (const ok of [
      '1980',
      '1980-01',
      '1980-01-02',
      '1980-01-02T03:04',
      '1980-01-02T03:04:05.678+01:00',
      '1980-01-02T03:04Z',
    ]) {
      expect(isoDate(ok), ok).toEqual([]);
      expect(isIsoDate(ok), ok).toBe(true);
    }
    expect(isoDate('foo')).toEqual([PATTERN(valueRules.isoDate.pattern)]);
    expect(isoDate('1970-13-01')).toEqual([]);
    expect(isIsoDate('1970-13-01')).toBe(false);
    for (const bad of [
      '1970-02-30',
      '1970-01-01T25:00',
      '1970-01-01T10:60',
      '1970-01-01T10:00:60',
      '1970-01-01T10:00+24:00',
      'foo',
    ]) {
      expect(isIsoDate(bad), bad).toBe(false);
    }
  });
});
