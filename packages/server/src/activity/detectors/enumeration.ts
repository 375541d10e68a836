import type { ActivityEvent, Detector, Finding, Threshold } from '../events.js';
import { Buckets, PerAccess, share } from './per-access.js';

interface State {
  touched: number;
  /** distinct missing ids → when last asked for */
  missing: Map<string, number>;
  details: Buckets<'found' | 'missing'>;
}

/**
 * Enumeration of record ids: at least `count` distinct ids answered 404 by the entity detail
 * (or its timeseries) within the window. Severity by the share of detail calls that missed:
 * ≥ 90% `high` (guessing ids blindly), ≥ 50% `medium`, else `low`.
 */
export class Enumeration implements Detector {
  readonly name = 'enumeration';
  readonly #state: PerAccess<State>;
  readonly #windowMs: number;

  constructor(private readonly t: Threshold) {
    this.#windowMs = t.windowSeconds * 1000;
    this.#state = new PerAccess(this.#windowMs, (now) => ({
      touched: now,
      missing: new Map(),
      details: new Buckets(this.#windowMs),
    }));
  }

  observe(e: ActivityEvent): Finding | null {
    if ((e.route !== 'entity' && e.route !== 'timeseries') || e.id === undefined) return null;
    if (e.status !== 200 && e.status !== 404) return null;
    const s = this.#state.get(e.accessId, e.at);
    const found = e.status === 200;
    s.details.add(e.at, found ? 'found' : 'missing');
    if (found) return null;
    const id = e.id.toLowerCase(); // public ids are case-insensitive: GB and gb are one id
    s.missing.delete(id); // re-inserted last: the map stays in time order
    s.missing.set(id, e.at);
    for (const [id, at] of s.missing) {
      if (e.at - at <= this.#windowMs) break;
      s.missing.delete(id);
    }
    if (s.missing.size < this.t.count) return null;
    const sum = s.details.sum(e.at);
    const missShare = share(sum.missing ?? 0, (sum.missing ?? 0) + (sum.found ?? 0));
    const examples = [...s.missing.keys()].slice(-5);
    this.#state.reset(e.accessId);
    return {
      severity: missShare >= 0.9 ? 'high' : missShare >= 0.5 ? 'medium' : 'low',
      evidence: {
        window_seconds: this.t.windowSeconds,
        threshold: this.t.count,
        distinct_missing_ids: s.missing.size,
        found: sum.found ?? 0,
        missing: sum.missing ?? 0,
        miss_share: missShare,
        examples,
      },
    };
  }

  prune(nowMs: number): void {
    this.#state.prune(nowMs);
  }
}
