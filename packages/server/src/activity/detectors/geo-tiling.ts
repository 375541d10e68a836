import type { BBox } from '../../geo/index.js';
import type { ActivityEvent, Detector, Finding, Threshold } from '../events.js';
import { PerAccess } from './per-access.js';

interface State {
  touched: number;
  /** distinct windows (rounded key) → box and when last asked for, oldest first */
  windows: Map<string, { box: BBox; at: number }>;
}

/** At most this many distinct windows are kept per access (the check is quadratic in them). */
const MAX_WINDOWS = 256;
/** Two windows that overlap by more than this share of the smaller one are panning, not tiling. */
const MAX_OVERLAP = 0.1;

const area = (b: BBox): number => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);

/**
 * Whether two windows are tiles of one grid: they touch or overlap (with a tolerance of 1% of the
 * smaller side, for rounding), and overlap by at most 10% of the smaller one's area.
 */
export function adjacent(a: BBox, b: BBox): boolean {
  const tol = 0.01 * Math.min(a[2] - a[0], a[3] - a[1], b[2] - b[0], b[3] - b[1]);
  if (a[0] > b[2] + tol || b[0] > a[2] + tol || a[1] > b[3] + tol || b[1] > a[3] + tol) return false;
  const overlap = area([Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])]);
  return overlap <= MAX_OVERLAP * Math.min(area(a), area(b));
}

/** The largest set of windows connected through `adjacent` pairs. */
export function largestTiling(boxes: readonly BBox[]): BBox[] {
  const seen = new Set<number>();
  let best: BBox[] = [];
  for (let start = 0; start < boxes.length; start++) {
    if (seen.has(start)) continue;
    const component: BBox[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      component.push(boxes[i]!);
      for (let j = 0; j < boxes.length; j++) {
        if (!seen.has(j) && adjacent(boxes[i]!, boxes[j]!)) {
          seen.add(j);
          stack.push(j);
        }
      }
    }
    if (component.length > best.length) best = component;
  }
  return best;
}

const round = (b: BBox): BBox => b.map((v) => Math.round(v * 1e6) / 1e6) as BBox;

/**
 * Geographic tiling: at least `count` distinct `$near`/`$within` windows within the time window
 * that form one connected grid (each touching another, barely overlapping): someone sweeping an
 * area tile by tile to copy it. Overlapping windows (a map being panned or zoomed) and scattered
 * ones do not connect. Severity `medium`, `high` from twice the threshold.
 */
export class GeoTiling implements Detector {
  readonly name = 'geo-tiling';
  readonly #state: PerAccess<State>;
  readonly #windowMs: number;

  constructor(private readonly t: Threshold) {
    this.#windowMs = t.windowSeconds * 1000;
    this.#state = new PerAccess(this.#windowMs, (now) => ({ touched: now, windows: new Map() }));
  }

  observe(e: ActivityEvent): Finding | null {
    if (!e.geoWindows || e.geoWindows.length === 0) return null;
    const s = this.#state.get(e.accessId, e.at);
    for (const w of e.geoWindows) {
      const box = round(w);
      const key = box.join(',');
      s.windows.delete(key);
      s.windows.set(key, { box, at: e.at });
    }
    for (const [key, w] of s.windows) {
      if (e.at - w.at <= this.#windowMs && s.windows.size <= MAX_WINDOWS) break;
      s.windows.delete(key);
    }
    if (s.windows.size < this.t.count) return null;
    const tiles = largestTiling([...s.windows.values()].map((w) => w.box));
    if (tiles.length < this.t.count) return null;
    this.#state.reset(e.accessId);
    const covered: BBox = [
      Math.min(...tiles.map((b) => b[0])),
      Math.min(...tiles.map((b) => b[1])),
      Math.max(...tiles.map((b) => b[2])),
      Math.max(...tiles.map((b) => b[3])),
    ];
    return {
      severity: tiles.length >= 2 * this.t.count ? 'high' : 'medium',
      evidence: {
        window_seconds: this.t.windowSeconds,
        threshold: this.t.count,
        distinct_windows: s.windows.size,
        connected_windows: tiles.length,
        covered_bbox: covered,
        examples: tiles.slice(0, 3),
      },
    };
  }

  prune(nowMs: number): void {
    this.#state.prune(nowMs);
  }
}
