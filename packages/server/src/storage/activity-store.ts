import type { AuditNote } from './audit-store.js';
/** Figures of one access on one UTC day (`access_usage`), or what is added to them. */
export interface UsageFigures {
  /** Calls of the access's token on the consumer routes, refused ones included. */
  calls: number;
  /** Items served: list length, 1 for a detail, points of a timeseries. */
  records: number;
  /** Calls refused with 429 by the rate (per second). */
  rate_limited: number;
  /** Calls refused with 429 by the quota (per day or month). */
  quota_limited: number;
}

/** What a flush adds to one (access, day) row. */
export interface UsageDelta extends UsageFigures {
  accessId: number;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** ISO time of the last call in the delta. */
  lastUsed: string;
}

/** One stored day of an access. */
export interface UsageDay extends UsageFigures {
  day: string;
  last_used: string | null;
}

export type Severity = 'low' | 'medium' | 'high';

/** A detector's finding, to be stored as (or merged into) the access's open flag of that detector. */
export interface ViolationFlag {
  accessId: number;
  detector: string;
  severity: Severity;
  evidence: Record<string, unknown>;
  /** ISO time the flag was raised. */
  at: string;
}

/** A stored flag with what the coordinator views need. */
export interface ViolationRow {
  id: number;
  accessId: number;
  userId: number;
  policy: string;
  detector: string;
  severity: Severity;
  evidence: Record<string, unknown>;
  firstSeen: string;
  lastSeen: string;
  count: number;
}

/** Filter of `GET /violations`. */
export interface ViolationFilter {
  userId?: number;
  policy?: string;
  detector?: string;
}

/** The auto-suspend setting of an access and whether it is suspended. */
export interface AccessGuard {
  autoSuspend: boolean;
  /** ISO time of the suspension, null when not suspended. */
  suspended: string | null;
  /** Why (the detector that flagged it), null when not suspended. */
  reason: string | null;
}

/**
 * Per-access usage, violation flags and guards (docs/USAGE.md). Writes of usage and flags
 * come in batches from the in-memory aggregators, one transaction each; rows of an access
 * that was deleted meanwhile are skipped.
 */
/** An access as the audit log names it (`access:<uid>/<policy>`), read in the write's transaction. */
export interface AccessTarget {
  userId: number;
  policy: string;
}

/** A dismissed flag, for its audit entry. */
export interface DismissedFlag extends AccessTarget {
  detector: string;
}

export interface ActivityStore {
  /** Adds each delta to its (access, day) row (UPSERT add), all in one transaction. */
  addUsage(deltas: readonly UsageDelta[]): Promise<void>;
  /** Stored days of an access, newest first, `since`/`until` inclusive (`YYYY-MM-DD`). */
  usage(accessId: number, range?: { since?: string; until?: string }): Promise<UsageDay[]>;
  /**
   * Stores flags in one transaction: a flag merges into the open flag of its access and
   * detector (count + 1, last seen, evidence and severity replaced) or opens a new one.
   */
  raise(flags: readonly ViolationFlag[]): Promise<void>;
  /** Open flags, newest `last_seen` first. */
  violations(filter: ViolationFilter): Promise<ViolationRow[]>;
  /**
   * Marks an open flag dismissed; false when there is no open flag with this id. `audit` is given the flag (its
   * access's user and policy, its detector) and commits with the change.
   */
  dismiss(id: number, audit?: AuditNote<DismissedFlag | undefined>): Promise<boolean>;
  /** Guard of an access (defaults when none was set). */
  guard(accessId: number): Promise<AccessGuard>;
  /** Sets the auto-suspend setting and/or the suspension (null lifts it). */
  setGuard(
    accessId: number,
    change: { autoSuspend?: boolean; suspended?: string | null; reason?: string | null },
    audit?: AuditNote<AccessTarget | undefined>,
  ): Promise<void>;
  /** Every guard that was ever set (loaded once at start). */
  guards(): Promise<(AccessGuard & { accessId: number })[]>;
}
