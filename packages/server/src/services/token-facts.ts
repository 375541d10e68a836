import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { TokenKind, TokenSummary } from '../storage/types.js';
import { checkExpires } from '../validation/index.js';

/** A row with what the coordinator sees of its tokens: the live one's expiry, the latest use of any. */
export type WithToken<T> = T & { token: TokenSummary };

const NO_TOKEN: TokenSummary = { expires: null, lastUsed: null };

/**
 * Adds the token facts to access or connector rows (`id` = the tokens' subject). Remembered uses are
 * written first, so `last_used` is current.
 */
export async function withTokens<T extends { id: number }>(
  ctx: ServerContext,
  kind: TokenKind,
  rows: readonly T[],
): Promise<WithToken<T>[]> {
  await ctx.auth.flushUses();
  const found = await ctx.store.tokens.summaries(
    kind,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, token: found.get(r.id) ?? NO_TOKEN }));
}

/** One row with its token facts. */
export async function withToken<T extends { id: number }>(
  ctx: ServerContext,
  kind: TokenKind,
  row: T,
): Promise<WithToken<T>> {
  return (await withTokens(ctx, kind, [row]))[0] as WithToken<T>;
}

/**
 * The optional `expires` of a call that issues a token, as the ISO-8601 UTC time to store (`null`: never);
 * 400 on name `expires` when it is not a duration or a future time.
 */
export function expiresOf(ctx: ServerContext, body: unknown): string | null {
  const checked = checkExpires(body, ctx.config.now());
  if (checked.items.length > 0) throw ApiError.validation(checked.items);
  return checked.value;
}
