/**
 * Per-access detector state that lives only as long as its window: each state remembers the
 * last time it was touched, and `prune` forgets those idle longer than the window.
 */
export class PerAccess<S extends { touched: number }> {
  readonly #states = new Map<number, S>();

  constructor(
    private readonly windowMs: number,
    private readonly fresh: (nowMs: number) => S,
  ) {}

  /** The access's state, created when missing, marked as touched now. */
  get(accessId: number, nowMs: number): S {
    let s = this.#states.get(accessId);
    if (!s) {
      s = this.fresh(nowMs);
      this.#states.set(accessId, s);
    }
    s.touched = nowMs;
    return s;
  }

  /** Starts the access afresh (after a finding). */
  reset(accessId: number): void {
    this.#states.delete(accessId);
  }

  prune(nowMs: number): void {
    for (const [id, s] of this.#states) if (nowMs - s.touched > this.windowMs) this.#states.delete(id);
  }

  get size(): number {
    return this.#states.size;
  }
}

/**
 * Counts in one-second buckets over a sliding window, so memory stays bounded whatever the call rate.
 * @example const b = new Buckets(60_000); b.add(now, 'calls'); b.sum(now).calls
 */
export class Buckets<K extends string> {
  readonly #buckets: { second: number; counts: Partial<Record<K, number>> }[] = [];

  constructor(private readonly windowMs: number) {}

  /**
   * Counts `n` (default 1) of `key` now: one increment, no allocation but a new second's bucket (buckets that have
   * left the window are dropped then, so a state that is counted into but never summed stays bounded too).
   */
  add(nowMs: number, key: K, n = 1): void {
    const second = Math.floor(nowMs / 1000);
    let last = this.#buckets[this.#buckets.length - 1];
    if (!last || last.second !== second) {
      this.#drop(nowMs);
      last = { second, counts: {} };
      this.#buckets.push(last);
    }
    last.counts[key] = (last.counts[key] ?? 0) + n;
  }

  /** How many one-second buckets are kept. */
  get size(): number {
    return this.#buckets.length;
  }

  /** Sums of the buckets inside the window ending now (older ones are dropped). */
  sum(nowMs: number): Partial<Record<K, number>> {
    this.#drop(nowMs);
    const total: Partial<Record<K, number>> = {};
    for (const b of this.#buckets)
      for (const [k, v] of Object.entries(b.counts) as [K, number][]) total[k] = (total[k] ?? 0) + v;
    return total;
  }

  #drop(nowMs: number): void {
    const oldest = Math.floor((nowMs - this.windowMs) / 1000);
    while (this.#buckets.length > 0 && this.#buckets[0]!.second <= oldest) this.#buckets.shift();
  }
}

/** A share rounded to two decimals. */
export const share = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 100) / 100 : 0);
