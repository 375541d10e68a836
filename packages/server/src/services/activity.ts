import { DETECTORS, type ValidationItem } from '@bbk/sdk/protocol';
import type { Caller } from '../auth/caller.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { AccessGuard, UsageDay, ViolationRow } from '../storage/activity-store.js';
import type { AccessRow } from '../storage/types.js';
import { accesses } from './accesses.js';
import { change } from './audit.js';
import { parseUid } from './users.js';

type Params = Record<string, unknown>;
const DAY = /^\d{4}-\d\d-\d\d$/;
const isDay = (v: string) => {
  const t = DAY.test(v) ? Date.parse(`${v}T00:00:00Z`) : Number.NaN;
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v; // 2024-02-30 is no day
};
const one = (v: unknown): unknown => (Array.isArray(v) ? v[v.length - 1] : v);

function fail(items: ValidationItem[]): void {
  if (items.length > 0) throw ApiError.validation(items);
}

/** `since` / `until` days of a usage read (inclusive). */
function dayRange(params: Params): { since?: string; until?: string } {
  const items: ValidationItem[] = [];
  const range: { since?: string; until?: string } = {};
  for (const name of ['since', 'until'] as const) {
    const v = one(params[name]);
    if (v === undefined || v === '') continue;
    if (typeof v !== 'string' || !isDay(v)) items.push({ name, index: null, reason: 'is not a day (YYYY-MM-DD)' });
    else range[name] = v;
  }
  fail(items);
  return range;
}

/** An access's usage: its days (newest first), their totals and the last call. */
export interface AccessUsageFigures {
  access: AccessRow;
  days: UsageDay[];
}

/** Filters of `GET /violations`. */
function violationFilter(params: Params): { userId?: number; policy?: string; detector?: string } {
  const items: ValidationItem[] = [];
  const filter: { userId?: number; policy?: string; detector?: string } = {};
  const user = one(params.user);
  if (user !== undefined && user !== '') {
    if (typeof user !== 'string' || !/^\d{1,8}$/.test(user))
      items.push({ name: 'user', index: null, reason: 'is not of a type(s) integer' });
    else filter.userId = parseUid(user);
  }
  const policy = one(params.policy);
  if (typeof policy === 'string' && policy !== '') filter.policy = policy.toLowerCase();
  const detector = one(params.detector);
  if (detector !== undefined && detector !== '') {
    if (typeof detector !== 'string' || !(DETECTORS as readonly string[]).includes(detector.toLowerCase()))
      items.push({ name: 'detector', index: null, reason: `is not one of enum values: ${DETECTORS.join(',')}` });
    else filter.detector = detector.toLowerCase();
  }
  fail(items);
  return filter;
}

/** The guard body: `auto_suspend` and `suspended`, booleans, both optional, nothing else. */
function guardBody(body: unknown): { autoSuspend?: boolean; suspended?: boolean } {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw ApiError.one('guard', 'is not of a type(s) object');
  const items: ValidationItem[] = [];
  const change: { autoSuspend?: boolean; suspended?: boolean } = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'auto_suspend' && key !== 'suspended') {
      items.push({ name: 'guard', index: null, reason: `is not allowed to have the additional property "${key}"` });
    } else if (typeof value !== 'boolean') {
      items.push({ name: key, index: null, reason: 'is not of a type(s) boolean' });
    } else change[key === 'auto_suspend' ? 'autoSuspend' : 'suspended'] = value;
  }
  fail(items);
  return change;
}

/**
 * Per-access usage, violation flags and guards for coordinators (docs/USAGE.md). Access paths
 * answer 404 exactly as the access endpoints do (user, then access).
 */
export const activity = {
  /** `GET /user/:uid/access/:pid/usage?since=&until=`: exact, including what is not yet written. */
  async usage(ctx: ServerContext, uid: string, pid: string, params: Params): Promise<AccessUsageFigures> {
    const range = dayRange(params);
    const access = await accesses.get(ctx, uid, pid);
    return { access, days: await ctx.activity.usage(access.id, range) };
  },

  /** `GET /violations?user=&policy=&detector=`: open flags, newest first. */
  async violations(ctx: ServerContext, params: Params): Promise<ViolationRow[]> {
    const filter = violationFilter(params);
    await ctx.activity.flush(); // flags raised but not yet written are listed too
    return ctx.store.activity.violations(filter);
  },

  /** `DELETE /violations/:id`: dismisses an open flag (a later finding opens a new one). */
  async dismiss(ctx: ServerContext, id: string, caller: Caller | null = null): Promise<void> {
    await ctx.activity.flush();
    const n = /^\d{1,15}$/.test(id) ? Number(id) : 0;
    const dismissed = await ctx.store.activity.dismiss(
      n,
      (flag) =>
        flag &&
        change(caller, 'violation.dismiss', `access:${flag.userId}/${flag.policy}`, {
          violation: n,
          detector: flag.detector,
        }),
    );
    if (!dismissed) throw new ApiError('NOT_FOUND');
  },

  /** `GET /user/:uid/access/:pid/guard`. */
  async guard(ctx: ServerContext, uid: string, pid: string): Promise<AccessGuard> {
    const access = await accesses.get(ctx, uid, pid);
    return ctx.activity.guard(access.id);
  },

  /** `PUT /user/:uid/access/:pid/guard`: 404 user → 404 access → 400 body. */
  async setGuard(
    ctx: ServerContext,
    uid: string,
    pid: string,
    body: unknown,
    caller: Caller | null = null,
  ): Promise<AccessGuard> {
    const access = await accesses.get(ctx, uid, pid);
    return ctx.activity.setGuard(access.id, guardBody(body), (_target, before, after) =>
      before.autoSuspend === after.autoSuspend && before.suspended === after.suspended
        ? undefined
        : change(caller, 'access.guard', `access:${access.userId}/${access.policy}`, {
            before: guardState(before),
            after: guardState(after),
          }),
    );
  },
};

/** A guard as its audit entry shows it (the API's field names). */
function guardState(g: AccessGuard) {
  return { auto_suspend: g.autoSuspend, suspended: g.suspended, reason: g.reason };
}
