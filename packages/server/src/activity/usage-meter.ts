import type { UsageDelta } from '../storage/activity-store.js';
import type { ActivityEvent } from './events.js';

/**
 * Usage per (access, UTC day), counted in memory per call and taken out in batches by the
 * monitor's flush: one write transaction per interval instead of one per call.
 */
export class UsageMeter {
  #pending = new Map<string, UsageDelta>();

  /** Counts one answered call. */
  add(e: ActivityEvent): void {
    const iso = new Date(e.at).toISOString();
    const day = iso.slice(0, 10);
    const key = `${e.accessId}|${day}`;
    let d = this.#pending.get(key);
    if (!d) {
      d = { accessId: e.accessId, day, calls: 0, records: 0, rate_limited: 0, quota_limited: 0, lastUsed: iso };
      this.#pending.set(key, d);
    }
    d.calls += 1;
    d.records += e.records;
    if (e.limitedBy === 'rate') d.rate_limited += 1;
    else if (e.limitedBy === 'quota') d.quota_limited += 1;
    if (iso > d.lastUsed) d.lastUsed = iso;
  }

  /** Takes every pending delta out (the caller writes them, or gives them back). */
  take(): UsageDelta[] {
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    return batch;
  }

  /** Puts back a batch whose write failed, merged with what was counted since. */
  restore(batch: readonly UsageDelta[]): void {
    for (const b of batch) {
      const key = `${b.accessId}|${b.day}`;
      const d = this.#pending.get(key);
      if (!d) this.#pending.set(key, { ...b });
      else {
        d.calls += b.calls;
        d.records += b.records;
        d.rate_limited += b.rate_limited;
        d.quota_limited += b.quota_limited;
        if (b.lastUsed > d.lastUsed) d.lastUsed = b.lastUsed;
      }
    }
  }

  /** Number of (access, day) rows waiting to be written. */
  get size(): number {
    return this.#pending.size;
  }
}
