import type {
  AccessGuard,
  AccessTarget,
  ActivityStore,
  DismissedFlag,
  Severity,
  UsageDay,
  UsageDelta,
  ViolationFilter,
  ViolationFlag,
  ViolationRow,
} from '../activity-store.js';
import type { AuditNote } from '../audit-store.js';
import type { PgAudit } from './audit.js';
import type { PgDb } from './pg-database.js';

interface ViolationRecord {
  id: number;
  access_id: number;
  user_id: number;
  policy: string;
  detector: string;
  severity: Severity;
  evidence: Record<string, unknown>;
  first_seen: string;
  last_seen: string;
  count: number;
}

interface GuardRecord {
  access_id: number;
  auto_suspend: boolean;
  suspended: string | null;
  reason: string | null;
}

const toViolation = (r: ViolationRecord): ViolationRow => ({
  id: r.id,
  accessId: r.access_id,
  userId: r.user_id,
  policy: r.policy,
  detector: r.detector,
  severity: r.severity,
  evidence: r.evidence,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  count: r.count,
});

// Every write names an access that may have been deleted since the figures were counted:
// `WHERE EXISTS` skips those rows instead of failing the batch on the foreign key.
const ADD_USAGE = `INSERT INTO access_usage AS u (access_id, day, calls, records, rate_limited, quota_limited, last_used)
  SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM accesses WHERE id = $1)
  ON CONFLICT (access_id, day) DO UPDATE SET
    calls = u.calls + excluded.calls, records = u.records + excluded.records,
    rate_limited = u.rate_limited + excluded.rate_limited, quota_limited = u.quota_limited + excluded.quota_limited,
    last_used = greatest(u.last_used, excluded.last_used)`;
const MERGE = `UPDATE violations SET severity = $3, evidence = $4, last_seen = $5, count = count + 1
  WHERE access_id = $1 AND detector = $2 AND dismissed IS NULL`;
const OPEN = `INSERT INTO violations (access_id, detector, severity, evidence, first_seen, last_seen)
  SELECT $1, $2, $3, $4, $5, $5 WHERE EXISTS (SELECT 1 FROM accesses WHERE id = $1)
  ON CONFLICT (access_id, detector) WHERE dismissed IS NULL DO UPDATE SET
    severity = excluded.severity, evidence = excluded.evidence, last_seen = excluded.last_seen,
    count = violations.count + 1`;
const ENSURE_GUARD = `INSERT INTO access_guards (access_id) SELECT $1 WHERE EXISTS (SELECT 1 FROM accesses WHERE id = $1)
  ON CONFLICT (access_id) DO NOTHING`;

/**
 * The PostgreSQL `ActivityStore`: `access_usage`, `violations`, `access_guards` (migration 2); the
 * same semantics as `sqlite/activity.ts`. Usage adds with `ON CONFLICT DO UPDATE`, so several
 * processes flushing the same (access, day) add up.
 */
export class PgActivity implements ActivityStore {
  constructor(
    private readonly db: PgDb,
    private readonly audit: PgAudit,
  ) {}

  async addUsage(deltas: readonly UsageDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await this.db.tx(async (c) => {
      for (const d of deltas) {
        await c.query(ADD_USAGE, [d.accessId, d.day, d.calls, d.records, d.rate_limited, d.quota_limited, d.lastUsed]);
      }
    });
  }

  async usage(accessId: number, range: { since?: string; until?: string } = {}): Promise<UsageDay[]> {
    const r = await this.db.query<UsageDay>(
      `SELECT day, calls, records, rate_limited, quota_limited, last_used FROM access_usage
       WHERE access_id = $1 AND day >= $2 AND day <= $3 ORDER BY day DESC`,
      [accessId, range.since ?? '', range.until ?? '9999-99-99'],
    );
    return r.rows;
  }

  async raise(flags: readonly ViolationFlag[]): Promise<void> {
    if (flags.length === 0) return;
    await this.db.tx(async (c) => {
      for (const f of flags) {
        const params = [f.accessId, f.detector, f.severity, JSON.stringify(f.evidence), f.at];
        if ((await c.query(MERGE, params)).rowCount === 0) await c.query(OPEN, params);
      }
    });
  }

  async violations(filter: ViolationFilter): Promise<ViolationRow[]> {
    const where = ['v.dismissed IS NULL'];
    const params: (string | number)[] = [];
    if (filter.userId !== undefined) params.push(filter.userId) && where.push(`a.user_id = $${params.length}`);
    if (filter.policy !== undefined) params.push(filter.policy) && where.push(`p.slug = $${params.length}`);
    if (filter.detector !== undefined) params.push(filter.detector) && where.push(`v.detector = $${params.length}`);
    const sql = `SELECT v.id, v.access_id, a.user_id, p.slug AS policy, v.detector, v.severity, v.evidence,
        v.first_seen, v.last_seen, v.count
      FROM violations v JOIN accesses a ON a.id = v.access_id JOIN policies p ON p.id = a.policy_id
      WHERE ${where.join(' AND ')} ORDER BY v.last_seen DESC, v.id DESC`;
    return (await this.db.query<ViolationRecord>(sql, params)).rows.map(toViolation);
  }

  async dismiss(id: number, audit?: AuditNote<DismissedFlag | undefined>): Promise<boolean> {
    const flag = await this.audit.write(async (c) => {
      const r = await c.query<DismissedFlag>(
        `UPDATE violations v SET dismissed = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
         FROM accesses a JOIN policies p ON p.id = a.policy_id
         WHERE v.id = $1 AND v.dismissed IS NULL AND a.id = v.access_id
         RETURNING a.user_id AS "userId", p.slug AS policy, v.detector`,
        [id],
      );
      return r.rows[0];
    }, audit);
    return flag !== undefined;
  }

  async guard(accessId: number): Promise<AccessGuard> {
    const r = (
      await this.db.query<GuardRecord>(
        'SELECT access_id, auto_suspend, suspended, reason FROM access_guards WHERE access_id = $1',
        [accessId],
      )
    ).rows[0];
    return { autoSuspend: r?.auto_suspend === true, suspended: r?.suspended ?? null, reason: r?.reason ?? null };
  }

  async setGuard(
    accessId: number,
    change: { autoSuspend?: boolean; suspended?: string | null; reason?: string | null },
    audit?: AuditNote<AccessTarget | undefined>,
  ): Promise<void> {
    await this.audit.write(async (c) => {
      await c.query(ENSURE_GUARD, [accessId]);
      if (change.autoSuspend !== undefined)
        await c.query('UPDATE access_guards SET auto_suspend = $1 WHERE access_id = $2', [
          change.autoSuspend,
          accessId,
        ]);
      if (change.suspended !== undefined)
        await c.query('UPDATE access_guards SET suspended = $1, reason = $2 WHERE access_id = $3', [
          change.suspended,
          change.reason ?? null,
          accessId,
        ]);
      const target = await c.query<AccessTarget>(
        `SELECT a.user_id AS "userId", p.slug AS policy FROM accesses a JOIN policies p ON p.id = a.policy_id
         WHERE a.id = $1`,
        [accessId],
      );
      return target.rows[0];
    }, audit);
  }

  async guards(): Promise<(AccessGuard & { accessId: number })[]> {
    const r = await this.db.query<GuardRecord>(
      'SELECT access_id, auto_suspend, suspended, reason FROM access_guards ORDER BY access_id',
    );
    return r.rows.map((g) => ({
      accessId: g.access_id,
      autoSuspend: g.auto_suspend,
      suspended: g.suspended,
      reason: g.reason,
    }));
  }
}
