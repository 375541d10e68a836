import { describe, expect, it } from 'vitest';
import { buildUrl, encodeSegment, hasDotSegment, path, requestTarget } from './url.js';

describe('encodeSegment', () => {
  it('percent-encodes reserved characters', () => {
    expect(encodeSegment('a b/c?d#e')).toBe('a%20b%2Fc%3Fd%23e');
    expect(encodeSegment('a+b@c.io')).toBe('a%2Bb%40c.io');
    expect(encodeSegment('100%')).toBe('100%25');
    expect(encodeSegment('ünï')).toBe('%C3%BCn%C3%AF');
  });

  it('keeps slugs and numbers as they are', () => {
    expect(encodeSegment('over-a-billion')).toBe('over-a-billion');
    expect(encodeSegment(42)).toBe('42');
  });

  it('encodes dot segments so they are not collapsed', () => {
    expect(encodeSegment('.')).toBe('%2E');
    expect(encodeSegment('..')).toBe('%2E%2E');
    expect(encodeSegment('...')).toBe('...');
  });

  it('rejects an empty segment', () => {
    expect(() => encodeSegment('')).toThrow(TypeError);
  });
});

describe('path', () => {
  it('encodes every interpolated value and nothing else', () => {
    expect(path`/user/${2}/access/${'a/b'}`).toBe('/user/2/access/a%2Fb');
    expect(path`/user/email/${'Alice@Acme.io'}`).toBe('/user/email/Alice%40Acme.io');
    expect(path`/entity/${'country'}/connector/${'wiki'}/live`).toBe('/entity/country/connector/wiki/live');
  });
});

describe('buildUrl', () => {
  it('joins base and path with exactly one slash', () => {
    expect(buildUrl('http://localhost:8001/v1', '/user')).toBe('http://localhost:8001/v1/user');
    expect(buildUrl('http://localhost:8001/v1/', '/user')).toBe('http://localhost:8001/v1/user');
    expect(buildUrl('http://localhost:8001/v1//', 'user')).toBe('http://localhost:8001/v1/user');
    expect(buildUrl('http://localhost:8001', '/user')).toBe('http://localhost:8001/user');
  });

  it('addresses the base itself for an empty path (announce)', () => {
    expect(buildUrl('http://localhost:8003/v1/', '')).toBe('http://localhost:8003/v1');
  });

  it('encodes the query and skips undefined values', () => {
    const url = buildUrl('http://h/v1', '/catalog', { q: '{"name":"a b+c"}', limit: 10, offset: undefined });
    expect(url).toBe('http://h/v1/catalog?q=%7B%22name%22%3A%22a+b%2Bc%22%7D&limit=10');
    expect(new URL(url).searchParams.get('q')).toBe('{"name":"a b+c"}');
  });
});

describe('requestTarget', () => {
  it('keeps the target as written, dot segments included (a URL parser would resolve them)', () => {
    const url = buildUrl('http://h:8001/v1', path`/user/${2}/access/${'..'}`);
    expect(new URL(url).pathname).toBe('/v1/user/2/');
    expect(requestTarget(url)).toBe('/v1/user/2/access/%2E%2E');
    expect(requestTarget('http://h:8001/v1/entity?q=%7B%7D')).toBe('/v1/entity?q=%7B%7D');
    expect(requestTarget('http://h:8001')).toBe('/');
    // what a request line cannot carry is left to the parser
    expect(requestTarget('http://h/my path/v1/user')).toBe('/my%20path/v1/user');
  });

  it('tells a dot segment from a dot in an id', () => {
    expect(hasDotSegment('/v1/entity/x/%2E%2E')).toBe(true);
    expect(hasDotSegment('/v1/entity/x/%2e?limit=1')).toBe(true);
    expect(hasDotSegment('/v1/entity/x/a.b')).toBe(false);
    expect(hasDotSegment('/v1/entity/x/%2E%2E%2E')).toBe(false);
  });
});
