import type { RetryOptions } from '@bbk/sdk';
import type { CommandContext } from './context.js';
import { UsageError } from './exit-codes.js';
import { integer, list } from './read-input.js';

/** Options shared by the consumer commands. */
export interface ConsumerFlags {
  /** Policy id sent as `x-bbk-audience` (development servers; production takes it from the token). */
  audience?: string;
  /** Contribution ids of staged connectors to include (`x-bbk-connectors`). */
  connectors?: string;
  limit?: string;
  offset?: string;
  all?: boolean;
}

/**
 * The consumer client for these flags: audience from `--audience`, `BBK_AUDIENCE` or the profile.
 * @example const consumer = consumerFor(options, ctx);
 */
export function consumerFor(options: ConsumerFlags, ctx: CommandContext) {
  const audience = options.audience ?? ctx.io.env.BBK_AUDIENCE ?? ctx.settings.login('consumer').audience;
  const connectors = list(options.connectors ?? ctx.io.env.BBK_CONNECTORS);
  return ctx.consumer({ ...(audience ? { audience } : {}), ...(connectors?.length ? { connectors } : {}) });
}

/**
 * Paging flags checked: `--limit` within `max`, `--offset` ≥ 0 and not with `--all`.
 * @example paging({ limit: '10' }, 250) // { limit: 10, offset: undefined, all: false }
 */
export function paging(options: ConsumerFlags, max: number) {
  const limit = integer(options.limit, '--limit', 1, max);
  const offset = integer(options.offset, '--offset', 0);
  if (options.all && offset !== undefined)
    throw new UsageError('--offset does not go with --all, which starts at the beginning');
  return { limit, offset, all: options.all === true };
}

/**
 * Collects an async iterator into an array.
 * @example await collect(consumer.catalogAll(q))
 */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * How `--all` waits out 429s: the SDK's bounds (`Retry-After`, 5 retries a page, 60 s in all), overridable with
 * `BBK_RETRY_MAX` (retries, 0 = none) and `BBK_RETRY_MAX_WAIT` (seconds in all); each wait is noted on stderr.
 * @example consumer.catalogPages(q, { retry: retryFor(ctx) })
 */
export function retryFor(ctx: CommandContext): RetryOptions {
  const maxRetries = integer(ctx.io.env.BBK_RETRY_MAX, 'BBK_RETRY_MAX', 0, 100);
  const maxWait = integer(ctx.io.env.BBK_RETRY_MAX_WAIT, 'BBK_RETRY_MAX_WAIT', 0, 86_400);
  return {
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    ...(maxWait !== undefined ? { maxWaitMs: maxWait * 1000 } : {}),
    onRetry: ({ attempt, waitMs }) =>
      ctx.note(
        `bbk: rate limited (429); waiting ${(waitMs / 1000).toFixed(waitMs % 1000 ? 1 : 0)} s, retry ${attempt}`,
      ),
  };
}
