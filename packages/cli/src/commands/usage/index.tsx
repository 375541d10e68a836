import type { AccessUsage } from '@bbk/sdk';
import type { CommandContext } from '../../lib/context.js';
import { userId } from '../../lib/ids.js';
import { lazy, type Output } from '../../lib/output.js';

interface UsageOptions {
  user?: string;
  policy?: string;
  since?: string;
  until?: string;
}

/**
 * `bbk usage [--user U] [--policy P]`: the usage of every matching access (all users' when no `--user`).
 * `--json` prints each access's `GET /user/:uid/access/:pid/usage` answer, days included.
 */
export async function usage(options: UsageOptions, ctx: CommandContext): Promise<Output> {
  const coordinator = ctx.coordinator();
  const uids = options.user ? [userId(options.user)] : (await coordinator.users.list()).map((u) => u.id);
  const policy = options.policy?.toLowerCase();
  const range = { since: options.since, until: options.until };
  const rows: AccessUsage[] = [];
  for (const uid of uids) {
    for (const access of await coordinator.accesses.list(uid)) {
      if (policy && access.id !== policy) continue;
      rows.push(await coordinator.accesses.usage(uid, access.id, range));
    }
  }
  return {
    data: rows,
    ids: rows.map((r) => `${r.user.id}/${r.access.id}`),
    view: lazy(
      () => import('../../ui/table.js'),
      ({ Table }) => (
        <Table
          width={ctx.columns}
          empty="No accesses."
          columns={[
            { header: 'USER', keep: true },
            { header: 'POLICY', keep: true },
            { header: 'CALLS' },
            { header: 'RECORDS' },
            { header: 'RATE 429' },
            { header: 'QUOTA 429' },
            { header: 'LAST USED' },
          ]}
          rows={rows.map((r) => [
            String(r.user.id),
            r.access.id,
            String(r.totals.calls),
            String(r.totals.records),
            String(r.totals.rate_limited),
            String(r.totals.quota_limited),
            r.last_used ?? '-',
          ])}
        />
      ),
    ),
  };
}
