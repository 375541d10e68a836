import type { FastifyReply } from 'fastify';
import type { LimitState, LimitStatus } from '../../limits/index.js';

/**
 * The `RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers (structured
 * field lists, one item per limit the policy sets): `"rate"` is calls per second, `"quota"` calls per
 * UTC day or month (`w` = the length of the current one in seconds). `q` quota units, `r` what is
 * left, `t` seconds until the window resets.
 * @example rateLimitFields({ rate: { limit: 10, remaining: 9, reset: 1, window: 1 } })
 * // { policy: '"rate";q=10;w=1', limit: '"rate";r=9;t=1' }
 */
export function rateLimitFields(status: LimitStatus): { policy: string; limit: string } {
  const items = (['rate', 'quota'] as const)
    .map((name) => [name, status[name]] as const)
    .filter((i): i is readonly ['rate' | 'quota', LimitState] => i[1] !== undefined);
  return {
    policy: items.map(([n, s]) => `"${n}";q=${s.limit};w=${s.window}`).join(', '),
    limit: items.map(([n, s]) => `"${n}";r=${s.remaining};t=${s.reset}`).join(', '),
  };
}

/** Sets both fields on a consumer answer; nothing when the policy sets no limit. */
export function setRateLimitHeaders(reply: FastifyReply, status: LimitStatus | null): void {
  if (!status || (!status.rate && !status.quota)) return;
  const fields = rateLimitFields(status);
  reply.header('ratelimit-policy', fields.policy);
  reply.header('ratelimit', fields.limit);
}
