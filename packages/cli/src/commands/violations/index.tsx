import type { DetectorName } from '@bbk/sdk';
import type { CommandContext } from '../../lib/context.js';
import { done } from '../../lib/done.js';
import { userId } from '../../lib/ids.js';
import { lazy, type Output } from '../../lib/output.js';
import { integer } from '../../lib/read-input.js';

/** `bbk violations [--user U] [--policy P] [--detector D]`: open flags, newest first. */
export async function violationList(
  options: { user?: string; policy?: string; detector?: string },
  ctx: CommandContext,
): Promise<Output> {
  const flags = await ctx.coordinator().violations.list({
    ...(options.user ? { user: userId(options.user) } : {}),
    ...(options.policy ? { policy: options.policy.toLowerCase() } : {}),
    ...(options.detector ? { detector: options.detector.toLowerCase() as DetectorName } : {}),
  });
  return {
    data: flags,
    ids: flags.map((f) => f.id),
    view: lazy(
      () => import('../../ui/table.js'),
      ({ Table }) => (
        <Table
          width={ctx.columns}
          empty="No violations."
          columns={[
            { header: 'ID', keep: true },
            { header: 'USER', keep: true },
            { header: 'POLICY', keep: true },
            { header: 'DETECTOR', keep: true },
            { header: 'SEVERITY', keep: true },
            { header: 'COUNT' },
            { header: 'LAST SEEN' },
            { header: 'EVIDENCE' },
          ]}
          rows={flags.map((f) => [
            String(f.id),
            String(f.user.id),
            f.access.id,
            f.detector,
            f.severity,
            String(f.count),
            f.last_seen,
            JSON.stringify(f.evidence),
          ])}
        />
      ),
    ),
  };
}

/** `bbk violations dismiss <id>`. */
export async function violationDismiss(options: { id: string }, ctx: CommandContext): Promise<Output> {
  // a violation id is a whole number: anything else is a usage error, never a request for some other id
  const id = integer(options.id, '<id>', 1)!;
  await ctx.coordinator().violations.dismiss(id);
  return done({ id, dismissed: true }, id, `Violation ${options.id} dismissed.`);
}
