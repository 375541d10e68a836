import { describe, expect, it } from 'vitest';
import { loggedUrl, scrubTokens } from './logging.js';

const token = 'consumer.0twrdJt81CA4FYyvz6Y_Og.l-ejixCV4RMJeSp7wD4mqWT1fmrTzET0W6uwg2O3fxU';

describe('token redaction', () => {
  it('keeps the kind and key id, drops the secret, wherever the token sits', () => {
    expect(scrubTokens(`x ${token} y`)).toBe('x consumer.0twrdJt81CA4FYyvz6Y_Og.[redacted] y');
    expect(scrubTokens(`"${token}"`)).toBe('"consumer.0twrdJt81CA4FYyvz6Y_Og.[redacted]"');
    expect(scrubTokens('no.tokens.here')).toBe('no.tokens.here');
  });

  it('catches tokens in encoded query strings, and session ids in paths', () => {
    const q = encodeURIComponent(JSON.stringify({ name: token }));
    expect(loggedUrl(`/v1/catalog?q=${q}`, {})).not.toContain('l-ejixCV4RMJeSp7wD4mqWT1fmrTzET0W6uwg2O3fxU');
    const hidden = token.replace('consumer', '%63onsumer').replaceAll('.', '%2E');
    expect(loggedUrl(`/v1/catalog?q=${hidden}`, {})).toBe('/v1/catalog?q=consumer.0twrdJt81CA4FYyvz6Y_Og.[redacted]');
    // encoded twice and three times over
    const twice = token.replaceAll('.', '%252E');
    expect(loggedUrl(`/v1/entity?a=${twice}`, {})).toBe('/v1/entity?a=consumer.0twrdJt81CA4FYyvz6Y_Og.[redacted]');
    const thrice = token.replaceAll('.', '%25252E');
    expect(loggedUrl(`/v1/entity?a=${thrice}`, {})).not.toContain('l-ejixCV4RMJeSp7wD4mqWT1fmrTzET0W6uwg2O3fxU');
    expect(loggedUrl('/v1/entity?a=%2525', {})).toBe('/v1/entity?a=%2525');
    expect(loggedUrl('/v1/connector/abc/session/1234-5678/upsert', { sid: '1234-5678' })).toBe(
      '/v1/connector/abc/session/[sid]/upsert',
    );
    expect(loggedUrl(`/v1/entity?x=${'a'.repeat(5000)}`, {}).length).toBeLessThanOrEqual(1025);
  });
});
