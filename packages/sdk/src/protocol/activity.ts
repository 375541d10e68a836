// Wire types of per-access usage, violation flags and access guards (bbk extension, docs/USAGE.md).

/** A link to a user: its numeric id and URL. */
export interface UserLink {
  id: number;
  url: string;
}

/** A link to an access: the policy id and the access URL (`…/user/:uid/access/:pid`). */
export interface AccessLink {
  id: string;
  url: string;
}

/** Usage figures of an access over some days. */
export interface UsageTotals {
  /** Calls of the access's token on the consumer routes, refused ones included. */
  calls: number;
  /** Items served: list length, 1 for a detail, points of a timeseries. */
  records: number;
  /** Calls refused with 429 by the rate. */
  rate_limited: number;
  /** Calls refused with 429 by the quota. */
  quota_limited: number;
}

/** One UTC day of an access's usage. */
export interface UsageDay extends UsageTotals {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
}

/** `GET /user/:uid/access/:pid/usage`: days newest first, totals over those days. */
export interface AccessUsage {
  user: UserLink;
  access: AccessLink;
  totals: UsageTotals;
  /** ISO time of the last call in the range, null when none. */
  last_used: string | null;
  days: UsageDay[];
}

/** The violation detectors. */
export const DETECTORS = ['rate-limit', 'enumeration', 'masked-paths', 'geo-tiling'] as const;
export type DetectorName = (typeof DETECTORS)[number];

export type ViolationSeverity = 'low' | 'medium' | 'high';

/** An open flag of `GET /violations`, one per (access, detector) until dismissed. */
export interface Violation {
  id: number;
  url: string;
  user: UserLink;
  access: AccessLink;
  detector: DetectorName;
  severity: ViolationSeverity;
  /** What the detector saw: counts, its window and threshold, examples. */
  evidence: Record<string, unknown>;
  first_seen: string;
  last_seen: string;
  /** How often the detector raised it. */
  count: number;
}

/** `GET /user/:uid/access/:pid/guard`. */
export interface AccessGuard {
  /** Suspend the access automatically when a detector flags it. */
  auto_suspend: boolean;
  /** ISO time the access was suspended, null when it is not. */
  suspended: string | null;
  /** The detector that suspended it, or `coordinator`; null when not suspended. */
  reason: string | null;
}

/** Body of `PUT /user/:uid/access/:pid/guard`: either field may be left out. */
export interface AccessGuardInput {
  auto_suspend?: boolean;
  /** `false` lifts a suspension; `true` suspends the access now. */
  suspended?: boolean;
}
