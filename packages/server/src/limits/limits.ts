import {
  type QuotaCount,
  QuotaCounter,
  quotaWindow,
  type SharedAdmission,
  type UsageStore,
  windowEnd,
} from './quota-counter.js';
import { RateLimiter } from './rate-limiter.js';

/** The limit part of a policy's `access_control` (spec §2.6). */
export interface AccessControl {
  enabled: boolean;
  rate?: number;
  quota?: { max_number: number; interval_type: string };
}

/** The verdict on one call: admitted, or refused until `retryAfter` seconds have passed. */
export type Admission = { ok: true } | { ok: false; retryAfter: number; limit: 'rate' | 'quota' };

/** One limit as the `RateLimit` headers state it: its size, what is left, seconds until it resets. */
export interface LimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window rolls over (at least 1). */
  reset: number;
  /** Length of the window in seconds (1 for the rate; the current day or month for the quota). */
  window: number;
}

/** What is left of a key's limits; a limit the policy does not set is absent. */
export interface LimitStatus {
  rate?: LimitState;
  quota?: LimitState;
}

export interface LimitsOptions {
  usage: UsageStore;
  /** Clock in ms (injected; tests move it). */
  now: () => number;
  /** How often pending quota counts are written. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Called when a background flush fails (the counts stay pending and are retried). */
  onError?: (err: unknown) => void;
}

const ADMITTED: Admission = { ok: true };

/**
 * Rate and quota enforcement (spec §4.7, §9), per key: one key per access in
 * production, per policy in development. A call is admitted when it fits both
 * the rate (calls in the current clock second) and the quota (calls in the
 * current UTC day or month); only admitted calls are counted, so 429s do not
 * eat into the budget. `enabled: false` means no limits; a missing `rate` or
 * `quota` means no limit of that kind; `0` means no calls at all.
 *
 * On a store one process owns (SQLite) the counts live in memory and quota counts are written
 * behind. On a store several processes share (one offering `admitShared`, PostgreSQL) every
 * admission is decided by the database against the shared counts, so each call is counted once
 * across all processes and nothing is lost when they restart.
 * @example
 * const limits = new Limits({ usage: store.catalog, now: Date.now });
 * const verdict = await limits.admit('access:3', policy.accessControl);
 * if (!verdict.ok) throw new ApiError('TOO_MANY_REQUESTS');
 */
export class Limits {
  readonly #rate = new RateLimiter();
  readonly #quota: QuotaCounter;
  readonly #now: () => number;
  readonly #onError: (err: unknown) => void;
  readonly #intervalMs: number;
  readonly #usage: UsageStore;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: LimitsOptions) {
    this.#usage = options.usage;
    this.#quota = new QuotaCounter(options.usage);
    this.#now = options.now;
    this.#onError = options.onError ?? (() => {});
    this.#intervalMs = options.flushIntervalMs ?? 1000;
  }

  /**
   * Admits and counts one call, or refuses it without counting it. The common
   * case (counter already in memory) does no I/O.
   */
  async admit(key: string, ac: AccessControl): Promise<Admission> {
    if (this.#usage.admitShared) return (await this.admitWithStatus(key, ac)).verdict;
    return (await this.#admit(key, ac)).verdict;
  }

  /**
   * `admit`, then what is left of the key's limits (the `RateLimit` headers), reusing the quota
   * counter the admission read instead of looking it up again.
   */
  async admitWithStatus(key: string, ac: AccessControl): Promise<{ verdict: Admission; status: LimitStatus | null }> {
    if (this.#usage.admitShared) return this.#admitShared(key, ac);
    const { verdict, counter } = await this.#admit(key, ac);
    return { verdict, status: await this.#status(key, ac, counter) };
  }

  async #admit(key: string, ac: AccessControl): Promise<{ verdict: Admission; counter?: QuotaCount }> {
    if (!ac.enabled || (ac.rate === undefined && ac.quota === undefined)) return { verdict: ADMITTED };
    const now = this.#now();
    const rate = ac.rate;
    const refusedByRate = (): Admission => ({ ok: false, retryAfter: 1, limit: 'rate' });
    if (rate !== undefined && !this.#rate.allows(key, rate, now)) return { verdict: refusedByRate() };
    let counter: QuotaCount | undefined;
    if (ac.quota) {
      counter = await this.#quota.counter(key, quotaWindow(ac.quota.interval_type, now), now);
      if (counter.count >= ac.quota.max_number) {
        const retryAfter = Math.max(1, Math.ceil((windowEnd(ac.quota.interval_type, now) - now) / 1000));
        return { verdict: { ok: false, retryAfter, limit: 'quota' }, counter };
      }
      // another call may have taken the last rate slot while the stored count was read
      if (rate !== undefined && !this.#rate.allows(key, rate, now)) return { verdict: refusedByRate(), counter };
      this.#quota.count(counter);
      this.#startTimer();
    }
    if (rate !== undefined) this.#rate.count(key, now);
    return { verdict: ADMITTED, counter };
  }

  /** The shared path: one atomic admission in the store, the headers from the counts it returns. */
  async #admitShared(key: string, ac: AccessControl): Promise<{ verdict: Admission; status: LimitStatus | null }> {
    if (!ac.enabled || (ac.rate === undefined && ac.quota === undefined)) return { verdict: ADMITTED, status: null };
    const now = this.#now();
    const quota = ac.quota;
    const counts: SharedAdmission = await this.#usage.admitShared!({
      key,
      second: ac.rate === undefined ? null : Math.floor(now / 1000),
      rate: ac.rate ?? null,
      window: quota ? quotaWindow(quota.interval_type, now) : null,
      max: quota ? quota.max_number : null,
    });
    const status: LimitStatus = {};
    if (ac.rate !== undefined) status.rate = rateState(ac.rate, counts.rateUsed);
    if (quota) status.quota = quotaState(quota.interval_type, quota.max_number, counts.quotaUsed, now);
    if (counts.refusedBy === 'rate') return { verdict: { ok: false, retryAfter: 1, limit: 'rate' }, status };
    if (counts.refusedBy === 'quota') {
      const retryAfter = Math.max(1, Math.ceil((windowEnd(quota!.interval_type, now) - now) / 1000));
      return { verdict: { ok: false, retryAfter, limit: 'quota' }, status };
    }
    return { verdict: ADMITTED, status };
  }

  /**
   * What is left of the key's limits now, without counting anything; null when the policy sets none.
   * `known` is a quota counter already read, used while it is still the current window's.
   */
  async #status(key: string, ac: AccessControl, known: QuotaCount | undefined): Promise<LimitStatus | null> {
    if (!ac.enabled || (ac.rate === undefined && ac.quota === undefined)) return null;
    const now = this.#now();
    const out: LimitStatus = {};
    if (ac.rate !== undefined) out.rate = rateState(ac.rate, this.#rate.used(key, now));
    if (ac.quota) {
      const { interval_type: interval, max_number: max } = ac.quota;
      const window = quotaWindow(interval, now);
      const counter =
        known && known.key === key && known.window === window ? known : await this.#quota.counter(key, window, now);
      out.quota = quotaState(interval, max, counter.count, now);
    }
    return out;
  }

  /** Writes pending quota counts now (serialised with the background flush). */
  flush(): Promise<void> {
    const next = this.#flushing.then(() => this.#quota.flush(this.#now()));
    this.#flushing = next.catch(() => {});
    return next;
  }

  /** Stops the background flush and writes what is pending. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  // Started on the first counted call, so a server that never limits runs no timer.
  #startTimer(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => {
      this.flush().catch(this.#onError);
      this.#rate.prune(this.#now());
    }, this.#intervalMs);
    this.#timer.unref();
  }
}

/** The rate as the headers state it: `used` calls counted in the current second. */
function rateState(rate: number, used: number): LimitState {
  return { limit: rate, remaining: Math.max(0, rate - used), reset: 1, window: 1 };
}

/** The quota as the headers state it: `used` calls counted in the window containing `now`. */
function quotaState(interval: string, max: number, used: number, now: number): LimitState {
  const end = windowEnd(interval, now);
  const start =
    interval === 'day' ? end - 86_400_000 : Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  return {
    limit: max,
    remaining: Math.max(0, max - used),
    reset: Math.max(1, Math.ceil((end - now) / 1000)),
    window: Math.round((end - start) / 1000),
  };
}
