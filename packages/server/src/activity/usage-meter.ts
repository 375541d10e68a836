import type { UsageDelta } from '../storage/activity-store.js';
import type { ActivityEvent } from './events.js';

const DAY_MS = 86_400_000;

/** A delta being counted; its last use is kept as a number and written as ISO text when taken. */
interface Counting {
  delta: UsageDelta;
  lastMs: number;
}

/**
 * Usage per (access, UTC day), counted in memory per call and taken out in batches by the
 * monitor's flush: one write transaction per interval instead of one per call. A call costs a
 * range check of its day, one Map lookup by access id and four additions; the day's text and the
 * last use's ISO text are made once per day and per batch, not per call.
 */
export class UsageMeter {
  #pending = new Map<string, Counting>();
  /** the deltas of `#day`, by access id */
  #today = new Map<number, Counting>();
  #day = '';
  #dayStart = 0;
  #dayEnd = 0;

  /** Counts one answered call. */
  add(e: ActivityEvent): void {
    if (e.at < this.#dayStart || e.at >= this.#dayEnd) this.#enterDay(e.at);
    let c = this.#today.get(e.accessId);
    if (!c) {
      c = this.#counting(e.accessId, this.#day, e.at);
      this.#today.set(e.accessId, c);
    }
    const d = c.delta;
    d.calls += 1;
    d.records += e.records;
    if (e.limitedBy === 'rate') d.rate_limited += 1;
    else if (e.limitedBy === 'quota') d.quota_limited += 1;
    if (e.at > c.lastMs) c.lastMs = e.at;
  }

  /** Takes every pending delta out (the caller writes them, or gives them back). */
  take(): UsageDelta[] {
    const batch = [...this.#pending.values()].map(({ delta, lastMs }) => ({
      ...delta,
      lastUsed: new Date(lastMs).toISOString(),
    }));
    this.#pending = new Map();
    this.#today = new Map();
    return batch;
  }

  /** Puts back a batch whose write failed, merged with what was counted since. */
  restore(batch: readonly UsageDelta[]): void {
    for (const b of batch) {
      const lastMs = Date.parse(b.lastUsed);
      const key = `${b.accessId}|${b.day}`;
      const c = this.#pending.get(key);
      if (!c) {
        const counting = { delta: { ...b }, lastMs };
        this.#pending.set(key, counting);
        if (b.day === this.#day) this.#today.set(b.accessId, counting);
      } else {
        const d = c.delta;
        d.calls += b.calls;
        d.records += b.records;
        d.rate_limited += b.rate_limited;
        d.quota_limited += b.quota_limited;
        if (lastMs > c.lastMs) c.lastMs = lastMs;
      }
    }
  }

  /** Number of (access, day) rows waiting to be written. */
  get size(): number {
    return this.#pending.size;
  }

  #enterDay(at: number): void {
    this.#dayStart = Math.floor(at / DAY_MS) * DAY_MS;
    this.#dayEnd = this.#dayStart + DAY_MS;
    this.#day = new Date(this.#dayStart).toISOString().slice(0, 10);
    this.#today = new Map();
    for (const c of this.#pending.values()) if (c.delta.day === this.#day) this.#today.set(c.delta.accessId, c);
  }

  #counting(accessId: number, day: string, at: number): Counting {
    const key = `${accessId}|${day}`;
    let c = this.#pending.get(key);
    if (!c) {
      const delta = { accessId, day, calls: 0, records: 0, rate_limited: 0, quota_limited: 0, lastUsed: '' };
      c = { delta, lastMs: at };
      this.#pending.set(key, c);
    }
    return c;
  }
}
