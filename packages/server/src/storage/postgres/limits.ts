import type { SharedAdmission, SharedCall } from '../../limits/index.js';
import type { Queryable } from './pg-database.js';

/**
 * Migration 5: the rate windows every process counts in (and the session tallies: `sessions.upserts`
 * and `sessions.deletes`, added in each write's transaction, see records.ts). One row per key (the current second
 * and its count), so the table never grows beyond the number of limited accesses or policies.
 * `UNLOGGED`: a window lives one second, so a crash may empty it (PostgreSQL truncates unlogged
 * tables on crash recovery) at the price of nothing; quota counts stay in `usage` (logged).
 */
export const RATE_WINDOWS_SCHEMA = `
CREATE UNLOGGED TABLE rate_windows (
  key    text PRIMARY KEY,
  second bigint NOT NULL,
  count  integer NOT NULL
);
-- what a session posted, for its audit entry, whichever process served its calls
ALTER TABLE sessions ADD COLUMN upserts bigint NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN deletes bigint NOT NULL DEFAULT 0;
`;

/**
 * `bbk_admit`: one call's admission against the shared counts, in one statement (one round trip).
 * The rate row is taken first (its increment locks the row until the call's transaction ends), then
 * the quota row, always in this order, so concurrent admissions of one key queue on the rate row
 * and never deadlock. A call is counted only when both admit it: a full rate window changes
 * nothing, and a full quota undoes the rate increment made in the same transaction. A second
 * older than the stored one (a process whose clock lags) counts in the stored window.
 * Code, not schema: re-created at every start like `POSTGRES_FUNCTIONS`.
 */
export const POSTGRES_LIMIT_FUNCTIONS = `
CREATE OR REPLACE FUNCTION bbk_admit(p_key text, p_second bigint, p_rate integer, p_window text, p_max bigint,
  OUT refused_by text, OUT rate_used integer, OUT quota_used bigint)
LANGUAGE plpgsql AS $fn$
BEGIN
  rate_used := 0;
  quota_used := 0;
  IF p_rate IS NOT NULL THEN
    IF p_rate <= 0 THEN
      refused_by := 'rate';
    ELSE
      INSERT INTO rate_windows AS w (key, second, count) VALUES (p_key, p_second, 1)
      ON CONFLICT (key) DO UPDATE
        SET count = CASE WHEN excluded.second > w.second THEN 1 ELSE w.count + 1 END,
            second = greatest(w.second, excluded.second)
        WHERE excluded.second > w.second OR w.count < p_rate
      RETURNING count INTO rate_used;
      IF NOT FOUND THEN
        refused_by := 'rate';
        rate_used := p_rate;
      END IF;
    END IF;
  END IF;
  IF p_window IS NULL THEN
    RETURN;
  END IF;
  IF refused_by IS NULL AND p_max > 0 THEN
    INSERT INTO usage AS u (key, "window", count) VALUES (p_key, p_window, 1)
    ON CONFLICT (key, "window") DO UPDATE SET count = u.count + 1 WHERE u.count < p_max
    RETURNING count INTO quota_used;
    IF FOUND THEN
      RETURN;
    END IF;
  END IF;
  IF refused_by IS NULL THEN
    refused_by := 'quota';
    IF p_rate IS NOT NULL THEN
      UPDATE rate_windows SET count = count - 1 WHERE key = p_key;
      rate_used := rate_used - 1;
    END IF;
  END IF;
  SELECT coalesce(max(count), 0) INTO quota_used FROM usage WHERE key = p_key AND "window" = p_window;
END
$fn$;
`;

const INT4_MAX = 2_147_483_647;

/**
 * A limit as the function's parameter type holds it: policies are refused above these bounds, but one stored before
 * they were checked may hold more, which means the same (no call can reach it).
 */
function within(limit: number | null, most: number): number | null {
  return limit === null ? null : Math.min(limit, most);
}

/** One admission through `bbk_admit` (see `UsageStore.admitShared`). */
export async function admitShared(db: Queryable, call: SharedCall): Promise<SharedAdmission> {
  const r = await db.query<{ refused_by: 'rate' | 'quota' | null; rate_used: number; quota_used: number }>(
    'SELECT refused_by, rate_used, quota_used FROM bbk_admit($1, $2, $3, $4, $5)',
    [call.key, call.second, within(call.rate, INT4_MAX), call.window, within(call.max, Number.MAX_SAFE_INTEGER)],
  );
  const row = r.rows[0]!;
  return { refusedBy: row.refused_by, rateUsed: row.rate_used, quotaUsed: Number(row.quota_used) };
}
