import { describe, expect, it } from 'vitest';
import { BbkApiError, BbkNetworkError, codeForStatus } from './errors.js';

describe('codeForStatus', () => {
  it('maps every catalogued status and marks others UNKNOWN', () => {
    expect(codeForStatus(400)).toBe('BAD_REQUEST');
    expect(codeForStatus(401)).toBe('UNAUTHORIZED');
    expect(codeForStatus(403)).toBe('FORBIDDEN');
    expect(codeForStatus(404)).toBe('NOT_FOUND');
    expect(codeForStatus(405)).toBe('METHOD_NOT_ALLOWED');
    expect(codeForStatus(409)).toBe('CONFLICT');
    expect(codeForStatus(413)).toBe('PAYLOAD_TOO_LARGE');
    expect(codeForStatus(429)).toBe('TOO_MANY_REQUESTS');
    expect(codeForStatus(500)).toBe('INTERNAL');
    expect(codeForStatus(502)).toBe('UNKNOWN');
  });
});

describe('BbkApiError', () => {
  it('reads the standard body of a 404', () => {
    const body = { error: { code: 404, status: 'Not Found', message: '' } };
    const err = new BbkApiError({ status: 404, body, method: 'GET', url: 'http://h/v1/user/9' });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('BbkApiError');
    expect(err.code).toBe('NOT_FOUND');
    expect(err.reason).toBe('Not Found');
    expect(err.serverMessage).toBe('');
    expect(err.items).toEqual([]);
    expect(err.body).toBe(body);
    expect(err.message).toBe('404 Not Found (GET http://h/v1/user/9)');
    expect(err.isNotFound()).toBe(true);
    expect(err.isValidation()).toBe(false);
  });

  it('keeps the validation items of a 400 and lists them in the message', () => {
    const items = [
      { name: 'name', index: null, reason: 'does not meet minimum length of 1' },
      { name: 'records', index: 3, reason: 'requires property "entity"' },
    ];
    const err = new BbkApiError({ status: 400, body: { error: { code: 400, status: 'Bad Request', message: items } } });
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.items).toEqual(items);
    expect(err.serverMessage).toBe('');
    expect(err.message).toBe(
      '400 Bad Request: name does not meet minimum length of 1; records[3] requires property "entity"',
    );
    expect(err.isValidation()).toBe(true);
  });

  it('drops malformed validation items', () => {
    const message = [{ name: 'a', index: null, reason: 'r' }, { name: 5 }, 'x'];
    const err = new BbkApiError({ status: 400, body: { error: { code: 400, status: 'Bad Request', message } } });
    expect(err.items).toEqual([{ name: 'a', index: null, reason: 'r' }]);
  });

  it('carries the internal text of a development 500', () => {
    const body = {
      error: { code: 500, status: 'Internal Server Error', message: 'test error message - please ignore' },
    };
    const err = new BbkApiError({ status: 500, body });
    expect(err.code).toBe('INTERNAL');
    expect(err.serverMessage).toBe('test error message - please ignore');
    expect(err.message).toBe('500 Internal Server Error: test error message - please ignore');
  });

  it('falls back to the standard phrase and text bodies when the body is not the standard one', () => {
    const err = new BbkApiError({ status: 502, body: '<html>bad gateway</html>' });
    expect(err.code).toBe('UNKNOWN');
    expect(err.reason).toBe('Error');
    expect(err.serverMessage).toBe('<html>bad gateway</html>');
    const empty = new BbkApiError({ status: 409, body: undefined });
    expect(empty.reason).toBe('Conflict');
    expect(empty.message).toBe('409 Conflict');
    expect(empty.isConflict()).toBe(true);
  });

  it('exposes rate limiting and Retry-After', () => {
    const err = new BbkApiError({ status: 429, body: undefined, headers: { 'retry-after': '3' } });
    expect(err.isRateLimited()).toBe(true);
    expect(err.retryAfterSeconds).toBe(3);
    expect(new BbkApiError({ status: 429, body: undefined }).retryAfterSeconds).toBeUndefined();
    // an HTTP date, as a proxy may send: the seconds from now
    const at = new Date(Date.now() + 30_000).toUTCString();
    const dated = new BbkApiError({ status: 503, body: undefined, headers: { 'retry-after': at } }).retryAfterSeconds;
    expect(dated).toBeGreaterThanOrEqual(28);
    expect(dated).toBeLessThanOrEqual(31);
    const past = new Date(Date.now() - 60_000).toUTCString();
    expect(new BbkApiError({ status: 503, body: undefined, headers: { 'retry-after': past } }).retryAfterSeconds).toBe(
      0,
    );
    expect(
      new BbkApiError({ status: 503, body: undefined, headers: { 'retry-after': 'soon' } }).retryAfterSeconds,
    ).toBe(undefined);
  });

  it('flags auth errors and narrows with is()', () => {
    const err: unknown = new BbkApiError({ status: 401, body: undefined });
    expect(BbkApiError.is(err)).toBe(true);
    expect(BbkApiError.is(err, 'UNAUTHORIZED')).toBe(true);
    expect(BbkApiError.is(err, 'FORBIDDEN')).toBe(false);
    expect(BbkApiError.is(new Error('x'))).toBe(false);
    if (BbkApiError.is(err)) expect(err.isAuthError()).toBe(true);
  });
});

describe('BbkNetworkError', () => {
  it('describes the failure and keeps the cause', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const err = new BbkNetworkError('network', { method: 'GET', url: 'http://127.0.0.1:1/v1', cause });
    expect(err.kind).toBe('network');
    expect(err.cause).toBe(cause);
    expect(err.message).toBe('network error on GET http://127.0.0.1:1/v1: connect ECONNREFUSED 127.0.0.1:1');
  });
});
