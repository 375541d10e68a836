import { BbkApiError, BbkNetworkError } from '@bbk/sdk';

/** How a failed call is retried. Every field has a default. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 4 (five attempts in all); 0 disables retrying. */
  retries?: number;
  /** Delay before the first retry, in milliseconds. Default 200. */
  minDelayMs?: number;
  /** Cap on any single delay. Default 5000. */
  maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Randomise each delay within [delay/2, delay] so that many connectors do not retry in step. Default true. */
  jitter?: boolean;
  /** Called before each retry (logging, metrics). */
  onRetry?: (info: RetryInfo) => void;
  /** Injected for tests: waits `ms`. Default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for tests: a number in [0, 1). Default Math.random. */
  random?: () => number;
}

/** What `onRetry` receives. */
export interface RetryInfo {
  /** Name of the operation, e.g. `upsert`. */
  operation: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** Wait before the next attempt. */
  delayMs: number;
  error: unknown;
}

const DEFAULTS = { retries: 4, minDelayMs: 200, maxDelayMs: 5000, factor: 2, jitter: true } as const;

/**
 * Whether an error is worth retrying: a network failure or timeout, or a 5xx answer.
 * A 4xx is the caller's mistake (or a dead session) and is never retried; neither is a
 * caller's abort or a malformed 2xx.
 * @example isRetryable(new BbkApiError({ status: 503, body: '' })) // true
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof BbkApiError) return error.status >= 500;
  if (error instanceof BbkNetworkError) return error.kind === 'network' || error.kind === 'timeout';
  return false;
}

/** Whether an error left the outcome of the call unknown (the request may have been applied). */
export function isAmbiguous(error: unknown): boolean {
  return error instanceof BbkNetworkError && (error.kind === 'network' || error.kind === 'timeout');
}

/**
 * Delay before retry number `attempt` (1-based): `minDelayMs * factor^(attempt-1)`, capped,
 * then jittered into its upper half.
 * @example backoffDelay(3, { jitter: false }) // 800
 */
export function backoffDelay(attempt: number, options: RetryOptions = {}): number {
  const { minDelayMs, maxDelayMs, factor, jitter } = { ...DEFAULTS, ...options };
  const raw = Math.min(maxDelayMs, minDelayMs * factor ** (attempt - 1));
  if (!jitter) return raw;
  const random = options.random ?? Math.random;
  return Math.round(raw / 2 + (raw / 2) * random());
}

/**
 * Runs `call`, retrying with exponential backoff while `isRetryable` says so.
 * The last error is rethrown unchanged.
 * @example const sid = await withRetry('open', () => contributor.openSession(cid, 'stream'), { retries: 3 });
 */
export async function withRetry<T>(
  operation: string,
  call: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retries = options.retries ?? DEFAULTS.retries;
  if (!Number.isInteger(retries) || retries < 0)
    throw new RangeError(`bbk: retries must be an integer ≥ 0, got ${retries}`);
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (attempt > retries || !isRetryable(error)) throw error;
      const delayMs = backoffDelay(attempt, options);
      options.onRetry?.({ operation, attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
