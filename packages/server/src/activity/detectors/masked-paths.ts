import type { ActivityEvent, Detector, Finding, Threshold } from '../events.js';
import { PerAccess } from './per-access.js';

interface State {
  touched: number;
  /** times of the queries that referenced a masked path, oldest first */
  queries: number[];
  /** masked path → how often */
  paths: Map<string, number>;
}

/**
 * Queries that keep touching masked paths: at least `count` `/catalog` queries within the window
 * whose filter references a masked attribute (the answer is unaffected: a masked path behaves as
 * absent). Severity by how many distinct masked paths were probed: 3 or more `high`, 2 `medium`,
 * 1 `low`.
 */
export class MaskedPaths implements Detector {
  readonly name = 'masked-paths';
  readonly #state: PerAccess<State>;
  readonly #windowMs: number;

  constructor(private readonly t: Threshold) {
    this.#windowMs = t.windowSeconds * 1000;
    this.#state = new PerAccess(this.#windowMs, (now) => ({ touched: now, queries: [], paths: new Map() }));
  }

  observe(e: ActivityEvent): Finding | null {
    if (!e.maskedPaths || e.maskedPaths.length === 0) return null;
    const s = this.#state.get(e.accessId, e.at);
    s.queries.push(e.at);
    while (s.queries.length > 0 && e.at - s.queries[0]! > this.#windowMs) s.queries.shift();
    for (const p of e.maskedPaths) s.paths.set(p, (s.paths.get(p) ?? 0) + 1);
    if (s.queries.length < this.t.count) return null;
    this.#state.reset(e.accessId);
    const paths = [...s.paths.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
    return {
      severity: s.paths.size >= 3 ? 'high' : s.paths.size === 2 ? 'medium' : 'low',
      evidence: {
        window_seconds: this.t.windowSeconds,
        threshold: this.t.count,
        queries: s.queries.length,
        distinct_paths: s.paths.size,
        paths: Object.fromEntries(paths),
      },
    };
  }

  prune(nowMs: number): void {
    this.#state.prune(nowMs);
  }
}
