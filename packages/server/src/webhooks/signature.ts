import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying a webhook call's signature. */
export const SIGNATURE_HEADER = 'x-bbk-signature';

/** What a signature covers. `path` is the request target exactly as sent: path plus `?query`, if any. */
export interface SignedRequest {
  method: string;
  path: string;
  /** Unix time in seconds. */
  timestamp: number;
}

function mac(secret: string, r: SignedRequest): string {
  return createHmac('sha256', secret).update(`${r.timestamp}.${r.method.toUpperCase()}.${r.path}`).digest('hex');
}

/**
 * The `x-bbk-signature` value of a webhook call: `t=<unix seconds>,v1=<hex HMAC-SHA256>`
 * of `"<t>.<METHOD>.<path+query>"` under the connector's webhook secret (docs/WEBHOOKS.md).
 * @example signWebhook('s3cret', { method: 'GET', path: '/entity/country/GB', timestamp: 1700000000 })
 * // 't=1700000000,v1=5d0c…'
 */
export function signWebhook(secret: string, r: SignedRequest): string {
  return `t=${r.timestamp},v1=${mac(secret, r)}`;
}

export interface VerifyOptions {
  /** The received header value. */
  header: string | undefined;
  method: string;
  /** Request target as received (path and query). */
  path: string;
  /** Receiver's clock, unix seconds. */
  now: number;
  /** Accepted clock difference in seconds. Default 300. */
  toleranceSeconds?: number;
}

/**
 * Checks a webhook signature the way a connector should: the `t` must be
 * within the tolerance of the receiver's clock and one `v1` must match.
 * @example verifyWebhook(secret, { header: req.headers['x-bbk-signature'], method: req.method, path: req.url, now: Date.now() / 1000 })
 */
export function verifyWebhook(secret: string, o: VerifyOptions): boolean {
  if (!o.header) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of o.header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) timestamp = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v)) candidates.push(v);
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (Math.abs(o.now - timestamp) > (o.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(mac(secret, { method: o.method, path: o.path, timestamp }), 'hex');
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
}
