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
import type { SqliteAudit } from './audit.js';
import { type Db, parseJson } from './database.js';
import type { WriteGate } from './write-gate.js';

interface ViolationRecord {
  id: number;
  access_id: number;
  user_id: number;
  policy: string;
  detector: string;
  severity: Severity;
  evidence: string;
  first_seen: string;
  last_seen: string;
  count: number;
}

const toViolation = (r: ViolationRecord): ViolationRow => ({
  id: r.id,
  accessId: r.access_id,
  userId: r.user_id,
  policy: r.policy,
  detector: r.detector,
  severity: r.severity,
  evidence: parseJson(r.evidence),
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  count: r.count,
});

// Every write names an access that may have been deleted since the figures were counted:
// `WHERE EXISTS` skips those rows instead of failing the batch on the foreign key.
const ACCESS_EXISTS = 'EXISTS (SELECT 1 FROM accesses WHERE id = @accessId)';

/** The SQLite `ActivityStore`: `access_usage`, `violations`, `access_guards` (migration 4). */
export class SqliteActivity implements ActivityStore {
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly gate: WriteGate,
    private readonly audit: SqliteAudit,
  ) {
    this.q = {
      target: db.prepare<[number], AccessTarget>(
        'SELECT a.user_id AS userId, p.slug AS policy FROM accesses a JOIN policies p ON p.id = a.policy_id WHERE a.id = ?',
      ),
      flag: db.prepare<[number], DismissedFlag>(
        `SELECT a.user_id AS userId, p.slug AS policy, v.detector FROM violations v
         JOIN accesses a ON a.id = v.access_id JOIN policies p ON p.id = a.policy_id
         WHERE v.id = ? AND v.dismissed IS NULL`,
      ),
      addUsage: db.prepare(
        `INSERT INTO access_usage (access_id, day, calls, records, rate_limited, quota_limited, last_used)
         SELECT @accessId, @day, @calls, @records, @rate_limited, @quota_limited, @lastUsed WHERE ${ACCESS_EXISTS}
         ON CONFLICT (access_id, day) DO UPDATE SET
           calls = calls + excluded.calls, records = records + excluded.records,
           rate_limited = rate_limited + excluded.rate_limited, quota_limited = quota_limited + excluded.quota_limited,
           last_used = max(coalesce(last_used, ''), excluded.last_used)`,
      ),
      usage: db.prepare<[number, string, string], UsageDay>(
        `SELECT day, calls, records, rate_limited, quota_limited, last_used FROM access_usage
         WHERE access_id = ? AND day >= ? AND day <= ? ORDER BY day DESC`,
      ),
      merge: db.prepare(
        `UPDATE violations SET severity = @severity, evidence = @evidence, last_seen = @at, count = count + 1
         WHERE access_id = @accessId AND detector = @detector AND dismissed IS NULL`,
      ),
      open: db.prepare(
        `INSERT INTO violations (access_id, detector, severity, evidence, first_seen, last_seen)
         SELECT @accessId, @detector, @severity, @evidence, @at, @at WHERE ${ACCESS_EXISTS}`,
      ),
      dismiss: db.prepare(
        "UPDATE violations SET dismissed = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND dismissed IS NULL",
      ),
      guard: db.prepare<[number], { auto_suspend: number; suspended: string | null; reason: string | null }>(
        'SELECT auto_suspend, suspended, reason FROM access_guards WHERE access_id = ?',
      ),
      ensureGuard: db.prepare(
        `INSERT INTO access_guards (access_id) SELECT @accessId WHERE ${ACCESS_EXISTS} ON CONFLICT (access_id) DO NOTHING`,
      ),
      autoSuspend: db.prepare('UPDATE access_guards SET auto_suspend = ? WHERE access_id = ?'),
      suspend: db.prepare('UPDATE access_guards SET suspended = ?, reason = ? WHERE access_id = ?'),
      guards: db.prepare<
        [],
        { access_id: number; auto_suspend: number; suspended: string | null; reason: string | null }
      >('SELECT access_id, auto_suspend, suspended, reason FROM access_guards ORDER BY access_id'),
    };
  }

  async addUsage(deltas: readonly UsageDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await this.gate.write(() => {
      for (const d of deltas) this.q.addUsage.run(d);
    });
  }

  async usage(accessId: number, range: { since?: string; until?: string } = {}): Promise<UsageDay[]> {
    return this.q.usage.all(accessId, range.since ?? '', range.until ?? '9999-99-99');
  }

  async raise(flags: readonly ViolationFlag[]): Promise<void> {
    if (flags.length === 0) return;
    await this.gate.write(() => {
      for (const f of flags) {
        const row = { ...f, evidence: JSON.stringify(f.evidence) };
        if (this.q.merge.run(row).changes === 0) this.q.open.run(row);
      }
    });
  }

  async violations(filter: ViolationFilter): Promise<ViolationRow[]> {
    const where = ['v.dismissed IS NULL'];
    const params: (string | number)[] = [];
    if (filter.userId !== undefined) {
      where.push('a.user_id = ?');
      params.push(filter.userId);
    }
    if (filter.policy !== undefined) {
      where.push('p.slug = ?');
      params.push(filter.policy);
    }
    if (filter.detector !== undefined) {
      where.push('v.detector = ?');
      params.push(filter.detector);
    }
    const sql = `SELECT v.id, v.access_id, a.user_id, p.slug AS policy, v.detector, v.severity, v.evidence,
        v.first_seen, v.last_seen, v.count
      FROM violations v JOIN accesses a ON a.id = v.access_id JOIN policies p ON p.id = a.policy_id
      WHERE ${where.join(' AND ')} ORDER BY v.last_seen DESC, v.id DESC`;
    return this.db
      .prepare<(string | number)[], ViolationRecord>(sql)
      .all(...params)
      .map(toViolation);
  }

  async dismiss(id: number, audit?: AuditNote<DismissedFlag | undefined>): Promise<boolean> {
    const dismiss = (): DismissedFlag | undefined => {
      const flag = this.q.flag.get(id);
      return flag && this.q.dismiss.run(id).changes === 1 ? flag : undefined;
    };
    return (await this.gate.write(this.audit.with(dismiss, audit))) !== undefined;
  }

  async guard(accessId: number): Promise<AccessGuard> {
    const r = this.q.guard.get(accessId);
    return { autoSuspend: r?.auto_suspend === 1, suspended: r?.suspended ?? null, reason: r?.reason ?? null };
  }

  async setGuard(
    accessId: number,
    change: { autoSuspend?: boolean; suspended?: string | null; reason?: string | null },
    audit?: AuditNote<AccessTarget | undefined>,
  ): Promise<void> {
    const set = (): AccessTarget | undefined => {
      this.q.ensureGuard.run({ accessId });
      if (change.autoSuspend !== undefined) this.q.autoSuspend.run(change.autoSuspend ? 1 : 0, accessId);
      if (change.suspended !== undefined) this.q.suspend.run(change.suspended, change.reason ?? null, accessId);
      return this.q.target.get(accessId);
    };
    await this.gate.write(this.audit.with(set, audit));
  }

  async guards(): Promise<(AccessGuard & { accessId: number })[]> {
    return this.q.guards.all().map((r) => ({
      accessId: r.access_id,
      autoSuspend: r.auto_suspend === 1,
      suspended: r.suspended,
      reason: r.reason,
    }));
  }
}
