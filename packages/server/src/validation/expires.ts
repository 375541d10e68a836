/**
 * Token lifetimes (bbk extension, docs/DECISIONS.md): the optional `expires` of the calls that issue a
 * consumer or contributor token, a duration from now (`90d`) or a future ISO-8601 time.
 */
import {
  TOKEN_DURATION_PATTERN,
  tokenLifetimeSchema,
  VALIDATION_REASONS,
  type ValidationItem,
} from '@bbk/sdk/protocol';
import { createValidator, type Validate } from './create-validator.js';
import { parseIsoDate } from './formats.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = new RegExp(TOKEN_DURATION_PATTERN);
/** The latest expiry stored: the end of year 9999 (ISO strings beyond it change shape). */
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

let validate: Validate | undefined;

/** A checked `expires`: the ISO-8601 UTC time to store (`null`: never expires), or the items of a 400. */
export interface CheckedExpires {
  value: string | null;
  items: ValidationItem[];
}

const item = (reason: string): ValidationItem => ({ name: 'expires', index: null, reason });

/**
 * Reads `expires` from a request body (any JSON value; only an object's `expires` counts) at the clock's `now` (ms).
 * @example checkExpires({ expires: '90d' }, Date.parse('2025-01-01T00:00:00Z')).value // '2025-04-01T00:00:00.000Z'
 * @example checkExpires({ expires: '2000-01-01T00:00:00Z' }, Date.now()).items[0].reason // 'must be in the future'
 */
export function checkExpires(body: unknown, now: number): CheckedExpires {
  const raw = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
  validate ??= createValidator(tokenLifetimeSchema);
  const items = validate(raw);
  if (items.length > 0) return { value: null, items };
  const expires = (raw as { expires?: string | null }).expires;
  if (expires === undefined || expires === null) return { value: null, items: [] };
  let at: number;
  if (DURATION.test(expires)) {
    at = now + Number(expires.slice(0, -1)) * UNIT_MS[expires.slice(-1) as keyof typeof UNIT_MS];
  } else {
    const date = parseIsoDate(expires);
    if (!date) return { value: null, items: [item(VALIDATION_REASONS.invalidDate)] };
    at = date.getTime();
  }
  if (!(at > now)) return { value: null, items: [item('must be in the future')] };
  if (at > LATEST) return { value: null, items: [item('must not be later than 9999-12-31T23:59:59.999Z')] };
  return { value: new Date(at).toISOString(), items: [] };
}
