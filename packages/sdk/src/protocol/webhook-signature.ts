import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header bbk signs every webhook call with (spec §9). */
export const SIGNATURE_HEADER = 'x-bbk-signature';

/** Default window, in seconds, within which a signature's time must fall (either side of now). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The request a signature covers. */
export interface SignedRequest {
  /** Upper-case HTTP method, e.g. `GET`. */
  method: string;
  /** Path and query exactly as sent on the wire, e.g. `/timeseries/country/GB/population?limit=5`. */
  target: string;
  /** Unix time in seconds. */
  timestamp: number;
}

/**
 * The `x-bbk-signature` value for a request: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<METHOD>.<path+query>">`
 * under the connector's `webhook_secret`.
 * @example signWebhookRequest(secret, { method: 'GET', target: '/entity/country/GB', timestamp: 1700000000 })
 */
export function signWebhookRequest(secret: string, request: SignedRequest): string {
  return `t=${request.timestamp},v1=${digest(secret, request)}`;
}

/** Why a signature was refused. */
export type SignatureFailure = 'missing' | 'malformed' | 'expired' | 'mismatch';

/** Options of `verifyWebhookSignature`. */
export interface VerifyOptions {
  /** Accepted clock difference in seconds. Default 300. */
  toleranceSeconds?: number;
  /** Current time in milliseconds (injectable). Default Date.now(). */
  now?: number;
}

/**
 * Checks an `x-bbk-signature` header value against the request it came with. Any `v1=` entry may match
 * (so a secret can be rotated by sending two); comparison is constant-time.
 * @example verifyWebhookSignature(secret, req.headers['x-bbk-signature'], { method: 'GET', target: req.url })
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | string[] | undefined,
  request: Omit<SignedRequest, 'timestamp'>,
  options: VerifyOptions = {},
): { ok: true } | { ok: false; reason: SignatureFailure } {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return { ok: false, reason: 'missing' };
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of value.split(',')) {
    const [key, ...rest] = part.trim().split('=');
    const item = rest.join('=');
    if (key === 't' && /^\d{1,12}$/.test(item)) timestamp = Number(item);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(item)) candidates.push(item.toLowerCase());
  }
  if (timestamp === undefined || candidates.length === 0) return { ok: false, reason: 'malformed' };
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance) return { ok: false, reason: 'expired' };
  const expected = Buffer.from(digest(secret, { ...request, timestamp }), 'hex');
  const match = candidates.some((candidate) => timingSafeEqual(Buffer.from(candidate, 'hex'), expected));
  return match ? { ok: true } : { ok: false, reason: 'mismatch' };
}

function digest(secret: string, { method, target, timestamp }: SignedRequest): string {
  return createHmac('sha256', secret).update(`${timestamp}.${method.toUpperCase()}.${target}`).digest('hex');
}
