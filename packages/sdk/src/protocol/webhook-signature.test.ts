import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookRequest, verifyWebhookSignature } from './webhook-signature.js';

const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQ';
const request = {
  method: 'GET',
  target: '/timeseries/country/GB/population?start=2000-01-01T00%3A00%3A00.000Z&limit=5',
};
const now = 1_700_000_000_000;
const timestamp = now / 1000;

describe('webhook signatures', () => {
  it('signs "<t>.<METHOD>.<path+query>" with HMAC-SHA256 (spec §9)', () => {
    const hex = createHmac('sha256', secret).update(`${timestamp}.GET.${request.target}`).digest('hex');
    expect(signWebhookRequest(secret, { ...request, timestamp })).toBe(`t=${timestamp},v1=${hex}`);
  });

  it('accepts its own signature within the tolerance, and any of several v1 entries', () => {
    const header = signWebhookRequest(secret, { ...request, timestamp });
    expect(verifyWebhookSignature(secret, header, request, { now })).toEqual({ ok: true });
    expect(verifyWebhookSignature(secret, header, request, { now: now + 299_000 })).toEqual({ ok: true });
    const rotated = `${header},v1=${'0'.repeat(64)}`;
    expect(verifyWebhookSignature(secret, rotated, request, { now })).toEqual({ ok: true });
  });

  it('refuses missing, malformed, old, future and tampered signatures', () => {
    const header = signWebhookRequest(secret, { ...request, timestamp });
    const check = (h: string | undefined, r = request, at = now) => verifyWebhookSignature(secret, h, r, { now: at });
    expect(check(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(check('v1=abc')).toEqual({ ok: false, reason: 'malformed' });
    expect(check(`t=${timestamp}`)).toEqual({ ok: false, reason: 'malformed' });
    expect(check(header, request, now + 301_000)).toEqual({ ok: false, reason: 'expired' });
    expect(check(header, request, now - 301_000)).toEqual({ ok: false, reason: 'expired' });
    expect(check(header, { ...request, target: '/timeseries/country/FR/population?limit=5' })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(check(header, { ...request, method: 'POST' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('other', header, request, { now })).toEqual({ ok: false, reason: 'mismatch' });
  });
});
