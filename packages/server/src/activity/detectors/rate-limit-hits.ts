import type { ActivityEvent, Detector, Finding, Threshold } from '../events.js';
import { Buckets, PerAccess, share } from './per-access.js';

type Counted = 'calls' | 'rate' | 'quota';

/**
 * Sustained rate-limit hits: at least `count` 429s (rate or quota) within the window. Severity by
 * the share of the window's calls that were refused: a client that keeps calling while refused
 * (≥ 80%) is `high`, ≥ 50% `medium`, else `low` (it mostly paces itself but keeps hitting the wall).
 */
export class RateLimitHits implements Detector {
  readonly name = 'rate-limit';
  readonly #state: PerAccess<{ touched: number; buckets: Buckets<Counted> }>;

  constructor(private readonly t: Threshold) {
    const windowMs = t.windowSeconds * 1000;
    this.#state = new PerAccess(windowMs, (now) => ({ touched: now, buckets: new Buckets<Counted>(windowMs) }));
  }

  observe(e: ActivityEvent): Finding | null {
    const s = this.#state.get(e.accessId, e.at);
    s.buckets.add(e.at, 'calls');
    if (!e.limitedBy) return null;
    s.buckets.add(e.at, e.limitedBy);
    const sum = s.buckets.sum(e.at);
    const refused = (sum.rate ?? 0) + (sum.quota ?? 0);
    if (refused < this.t.count) return null;
    this.#state.reset(e.accessId);
    const refusedShare = share(refused, sum.calls ?? 0);
    return {
      severity: refusedShare >= 0.8 ? 'high' : refusedShare >= 0.5 ? 'medium' : 'low',
      evidence: {
        window_seconds: this.t.windowSeconds,
        threshold: this.t.count,
        calls: sum.calls ?? 0,
        rate_limited: sum.rate ?? 0,
        quota_limited: sum.quota ?? 0,
        refused_share: refusedShare,
      },
    };
  }

  prune(nowMs: number): void {
    this.#state.prune(nowMs);
  }
}
