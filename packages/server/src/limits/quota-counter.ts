/** Quota interval of a policy: `day`, or anything else = calendar month (spec §4.7). */
export type QuotaInterval = 'day' | 'month';

/** A calendar window: its text and the instants it spans, `[from, to)` in ms. */
interface Window {
  text: string;
  from: number;
  to: number;
}

/** The last window computed per kind: every call of a day falls in the same one, so it is computed once. */
const lastWindow: { day: Window | undefined; month: Window | undefined } = { day: undefined, month: undefined };

/** The window of `nowMs` (any interval other than `day` is a month), from the last one when it still holds. */
function windowOf(interval: string, nowMs: number): Window {
  const kind = interval === 'day' ? 'day' : 'month';
  const last = lastWindow[kind];
  if (last && nowMs >= last.from && nowMs < last.to) return last;
  const d = new Date(nowMs);
  const iso = d.toISOString();
  const [y, m] = [d.getUTCFullYear(), d.getUTCMonth()];
  const window =
    kind === 'day'
      ? { text: iso.slice(0, 10), from: Date.UTC(y, m, d.getUTCDate()), to: Date.UTC(y, m, d.getUTCDate() + 1) }
      : { text: iso.slice(0, 7), from: Date.UTC(y, m, 1), to: Date.UTC(y, m + 1, 1) };
  lastWindow[kind] = window;
  return window;
}

/**
 * The UTC calendar window a moment falls in: `YYYY-MM-DD` for days,
 * `YYYY-MM` for months (any interval other than `day`).
 * @example quotaWindow('day', Date.UTC(2024, 1, 29, 23, 59)) // '2024-02-29'
 */
export function quotaWindow(interval: string, nowMs: number): string {
  return windowOf(interval, nowMs).text;
}

/**
 * When the window containing `nowMs` ends (ms): the next UTC midnight, or the
 * first instant of the next UTC month.
 * @example new Date(windowEnd('month', Date.UTC(2024, 11, 31, 12))).toISOString() // '2025-01-01T00:00:00.000Z'
 */
export function windowEnd(interval: string, nowMs: number): number {
  return windowOf(interval, nowMs).to;
}

/** One increment of a stored quota count. */
export interface UsageDelta {
  key: string;
  window: string;
  delta: number;
}

/** One call to admit against counts shared by every process (`UsageStore.admitShared`). */
export interface SharedCall {
  key: string;
  /** The clock second of the call (`floor(ms / 1000)`); null when the policy sets no rate. */
  second: number | null;
  /** Calls allowed per second; null: no rate. */
  rate: number | null;
  /** The quota window (`quotaWindow`); null when the policy sets no quota. */
  window: string | null;
  /** Calls allowed in the window; null: no quota. */
  max: number | null;
}

/** What a shared admission decided, and the counts after it (the `RateLimit` headers). */
export interface SharedAdmission {
  /** null: admitted and counted; else the limit that refused it (nothing counted). */
  refusedBy: 'rate' | 'quota' | null;
  /** Calls counted in the call's second (this one included when admitted). */
  rateUsed: number;
  /** Calls counted in the quota window (this one included when admitted). */
  quotaUsed: number;
}

/** Where quota counts persist (the `usage` table). */
export interface UsageStore {
  /** Count stored for a key in a window (0 when none). */
  usage(key: string, window: string): Promise<number>;
  /** Adds each delta to its stored count, all in one transaction. */
  addUsage(deltas: readonly UsageDelta[]): Promise<void>;
  /**
   * Offered by a store several processes share (PostgreSQL): checks the call against the stored
   * rate and quota counts and counts it, atomically and in one round trip, only when both admit
   * it. When present, `Limits` keeps no count in memory.
   */
  admitShared?(call: SharedCall): Promise<SharedAdmission>;
}

export interface QuotaCount {
  key: string;
  window: string;
  /** Calls counted in this window, stored and unstored. */
  count: number;
  /** Calls not yet written to the store. */
  pending: number;
  /** Last time this counter was read or counted (ms), for eviction. */
  touched: number;
}

/** Flushed counters idle this long are dropped from memory (re-read from the store on next use). */
const IDLE_MS = 60_000;

/**
 * Calls per calendar window, counted per key. The stored count is read once
 * per (key, window), then kept in memory and written behind: `flush()` writes
 * the pending deltas in one transaction (the owner runs it every second and on
 * close), so a crash loses at most the last second of counts and a clean
 * shutdown loses none. Deltas are added (`count = count + delta`), never
 * overwritten, so a flush can never lower a stored count.
 */
export class QuotaCounter {
  readonly #counters = new Map<string, QuotaCount>();
  readonly #loading = new Map<string, Promise<QuotaCount>>();

  constructor(private readonly store: UsageStore) {}

  /** The counter of (key, window), reading the stored count on first use. */
  async counter(key: string, window: string, nowMs: number): Promise<QuotaCount> {
    const id = `${key}\n${window}`;
    const known = this.#counters.get(id);
    if (known) {
      known.touched = nowMs;
      return known;
    }
    let loading = this.#loading.get(id);
    if (!loading) {
      loading = this.store
        .usage(key, window)
        .then((count) => {
          const c: QuotaCount = { key, window, count, pending: 0, touched: nowMs };
          this.#counters.set(id, c);
          return c;
        })
        .finally(() => this.#loading.delete(id));
      this.#loading.set(id, loading);
    }
    return loading;
  }

  /** Counts one call on a counter obtained from `counter()`. */
  count(c: QuotaCount): void {
    c.count += 1;
    c.pending += 1;
  }

  /** Writes every pending delta in one transaction, then drops idle flushed counters. */
  async flush(nowMs: number): Promise<void> {
    const batch: { c: QuotaCount; delta: number }[] = [];
    for (const c of this.#counters.values()) if (c.pending > 0) batch.push({ c, delta: c.pending });
    if (batch.length > 0) {
      for (const b of batch) b.c.pending -= b.delta;
      try {
        await this.store.addUsage(batch.map((b) => ({ key: b.c.key, window: b.c.window, delta: b.delta })));
      } catch (err) {
        for (const b of batch) b.c.pending += b.delta; // retried on the next flush
        throw err;
      }
    }
    for (const [id, c] of this.#counters) {
      if (c.pending === 0 && nowMs - c.touched > IDLE_MS) this.#counters.delete(id);
    }
  }

  /** Number of counters held in memory (for tests and diagnostics). */
  get size(): number {
    return this.#counters.size;
  }
}
