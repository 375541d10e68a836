import type { AccessUsage, AccessGuard as GuardView, UsageTotals, Violation } from '@bbk/sdk/protocol';
import type { AccessUsageFigures } from '../../services/activity.js';
import type { AccessGuard, ViolationRow } from '../../storage/activity-store.js';

const userLink = (route: string, id: number) => ({ id, url: `${route}/user/${id}` });
const accessLink = (route: string, userId: number, policy: string) => ({
  id: policy,
  url: `${route}/user/${userId}/access/${policy}`,
});

/** `GET /user/:uid/access/:pid/usage`: days newest first, their totals and the last call. */
export function usageView(route: string, u: AccessUsageFigures): AccessUsage {
  const totals: UsageTotals = { calls: 0, records: 0, rate_limited: 0, quota_limited: 0 };
  let lastUsed: string | null = null;
  const days = u.days.map((d) => {
    totals.calls += d.calls;
    totals.records += d.records;
    totals.rate_limited += d.rate_limited;
    totals.quota_limited += d.quota_limited;
    if (d.last_used && (lastUsed === null || d.last_used > lastUsed)) lastUsed = d.last_used;
    return {
      day: d.day,
      calls: d.calls,
      records: d.records,
      rate_limited: d.rate_limited,
      quota_limited: d.quota_limited,
    };
  });
  return {
    user: userLink(route, u.access.userId),
    access: accessLink(route, u.access.userId, u.access.policy),
    totals,
    last_used: lastUsed,
    days,
  };
}

/** An item of `GET /violations`. */
export function violationView(route: string, v: ViolationRow): Violation {
  return {
    id: v.id,
    url: `${route}/violations/${v.id}`,
    user: userLink(route, v.userId),
    access: accessLink(route, v.userId, v.policy),
    detector: v.detector as Violation['detector'],
    severity: v.severity,
    evidence: v.evidence,
    first_seen: v.firstSeen,
    last_seen: v.lastSeen,
    count: v.count,
  };
}

/** `GET /user/:uid/access/:pid/guard`. */
export function guardView(g: AccessGuard): GuardView {
  return { auto_suspend: g.autoSuspend, suspended: g.suspended, reason: g.reason };
}
