/**
 * Calls per clock second, counted per key in memory (spec §4.7 `rate`).
 * A fixed window: the budget resets when `floor(now / 1000)` changes, so a
 * burst straddling a second boundary may see up to twice the rate across the
 * boundary, exactly like the original gateway's per-second counter.
 */
export class RateLimiter {
  readonly #windows = new Map<string, { second: number; count: number }>();

  /**
   * Whether one more call fits in the current second. Does not count it.
   * @example limiter.allows('access:4', 10, Date.now())
   */
  allows(key: string, rate: number, nowMs: number): boolean {
    const w = this.#windows.get(key);
    const second = Math.floor(nowMs / 1000);
    return (w && w.second === second ? w.count : 0) < rate;
  }

  /** Calls counted for `key` in the current second. */
  used(key: string, nowMs: number): number {
    const w = this.#windows.get(key);
    return w && w.second === Math.floor(nowMs / 1000) ? w.count : 0;
  }

  /** Counts one call for `key` in the current second. */
  count(key: string, nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    const w = this.#windows.get(key);
    if (w && w.second === second) w.count += 1;
    else this.#windows.set(key, { second, count: 1 });
  }

  /** Forgets windows older than the current second (bounded memory for idle keys). */
  prune(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    for (const [key, w] of this.#windows) if (w.second < second) this.#windows.delete(key);
  }
}
