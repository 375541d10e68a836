import type { BBox } from '../geo/index.js';

/** Which consumer route answered a call. */
export type ConsumerRoute = 'catalog' | 'entity-types' | 'entities' | 'entity' | 'timeseries';

/**
 * One answered consumer call of an access, as the activity monitor sees it (no body, no token).
 * @example { accessId: 3, at: Date.now(), route: 'entity', status: 404, records: 0, limitedBy: null, id: 'ab12…' }
 */
export interface ActivityEvent {
  accessId: number;
  /** When it was answered (ms). */
  at: number;
  route: ConsumerRoute;
  status: number;
  /** Items served: list length, 1 for a detail, points of a timeseries; 0 for an error. */
  records: number;
  /** The limit that refused it with 429, if any. */
  limitedBy: 'rate' | 'quota' | null;
  /** Entity detail and timeseries: the requested public id, as asked (any case). */
  id?: string;
  /** `/catalog`: the masked paths (as dotted text) the query references. */
  maskedPaths?: readonly string[];
  /** `/catalog`: the bounded `$near` / `$within` windows of the query, as bounding boxes. */
  geoWindows?: readonly BBox[];
}

/** How a detector judges a finding. */
export type Severity = 'low' | 'medium' | 'high';

/** What a detector found: its severity and the evidence a coordinator is shown. */
export interface Finding {
  severity: Severity;
  evidence: Record<string, unknown>;
}

/** A window threshold: `count` events within `windowSeconds`; `null` turns a detector off. */
export interface Threshold {
  count: number;
  windowSeconds: number;
}

/**
 * A violation detector: fed every event of every access, it answers a finding when the access's
 * recent events cross its threshold (and then starts counting afresh for that access).
 */
export interface Detector {
  readonly name: string;
  observe(e: ActivityEvent): Finding | null;
  /** Drops state older than the window (bounded memory for idle accesses). */
  prune(nowMs: number): void;
}
