import { describe, expect, it } from 'vitest';
import { EMAIL_FORMAT, parseIsoDate, URI_FORMAT } from './formats.js';

describe('formats (§1.9)', () => {
  it('uri: a scheme, a colon, no whitespace', () => {
    expect(URI_FORMAT.test('ftp://x')).toBe(true);
    expect(URI_FORMAT.test('mailto:a@b.c')).toBe(true);
    expect(URI_FORMAT.test('foo')).toBe(false);
    expect(URI_FORMAT.test('http:// x')).toBe(false);
    expect(URI_FORMAT.test('1http://x')).toBe(false);
  });

  it('email', () => {
    expect(EMAIL_FORMAT.test('a+b@c.io')).toBe(true);
    expect(EMAIL_FORMAT.test('foo@bar')).toBe(false);
    expect(EMAIL_FORMAT.test('a@localhost')).toBe(false);
  });
});

describe('parseIsoDate', () => {
  it('reads zoned forms as instants', () => {
    expect(parseIsoDate('1980-01-01T00:00:00Z')?.toISOString()).toBe('1980-01-01T00:00:00.000Z');
    expect(parseIsoDate('1980-01-01T01:30+01:30')?.toISOString()).toBe('1980-01-01T00:00:00.000Z');
    expect(parseIsoDate('1980-01-01T00:00:00.25-02:00')?.toISOString()).toBe('1980-01-01T02:00:00.250Z');
  });

  it('reads zone-less forms in server-local time', () => {
    expect(parseIsoDate('1980')?.getTime()).toBe(new Date(1980, 0, 1).getTime());
    expect(parseIsoDate('1980-02-03T04:05:06')?.getTime()).toBe(new Date(1980, 1, 3, 4, 5, 6).getTime());
    expect(parseIsoDate('0050-01-01')?.getFullYear()).toBe(50);
  });

  it('rejects unreal dates and times', () => {
    expect(parseIsoDate('1970-13-01')).toBeNull();
    expect(parseIsoDate('1970-00-01')).toBeNull();
    expect(parseIsoDate('1970-02-29')).toBeNull();
    expect(parseIsoDate('1972-02-29')).not.toBeNull();
    expect(parseIsoDate('1900-02-29')).toBeNull();
    expect(parseIsoDate('2000-02-29')).not.toBeNull();
    expect(parseIsoDate('1970-04-31')).toBeNull();
    expect(parseIsoDate('1970-01-01T24:00')?.getTime()).toBe(new Date(1970, 0, 2).getTime());
    expect(parseIsoDate('1970-01-01T24:01')).toBeNull();
    expect(parseIsoDate('1970-01-01')).not.toBeNull();
    expect(parseIsoDate('19700101')).toBeNull();
  });
});
