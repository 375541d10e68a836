import type { ServerContext } from '../context.js';
import type { ContributionTarget } from '../storage/records-store.js';
import { audit } from './audit.js';

/**
 * Audit entries of contributor sessions (docs/AUDIT.md): `session.commit` and `session.rollback`
 * with the session's mode and what it posted. A session is closed on the catalog writer, so its
 * entry is appended right after the close commits. On a store several processes share
 * (PostgreSQL) the counts are kept in the session's row, added in each write's transaction, so they
 * cover the calls served by every process. Else they are kept in memory per open session: for a
 * session opened before a server restart they cover only the calls since (`partial: true`).
 */

interface Tally {
  sid: string;
  mode: string;
  /** records posted with upsert, and vendor ids posted with delete */
  upserts: number;
  deletes: number;
}

const tallies = new WeakMap<ServerContext, Map<number, Tally>>();

function talliesOf(ctx: ServerContext): Map<number, Tally> {
  let t = tallies.get(ctx);
  if (!t) {
    t = new Map();
    tallies.set(ctx, t);
  }
  return t;
}

async function record(
  ctx: ServerContext,
  target: ContributionTarget,
  session: { id: string; mode: string },
  how: { commit: boolean; implicit?: boolean },
): Promise<void> {
  const tally = talliesOf(ctx).get(target.connectorId);
  // a store several processes share counts in the database; else this process counted in memory
  const stored = target.session?.id === session.id ? target.session.posted : undefined;
  const known = stored ?? (tally?.sid === session.id ? tally : undefined);
  const slug = (await ctx.store.connectors.getById(target.connectorId))?.slug ?? `#${target.connectorId}`;
  await audit.record(ctx, {
    actor: `contributor:${slug}`,
    action: how.commit ? 'session.commit' : 'session.rollback',
    target: `connector:${slug}`,
    detail: {
      mode: session.mode,
      upserts: known?.upserts ?? 0,
      deletes: known?.deletes ?? 0,
      ...(known ? {} : { partial: true }),
      ...(how.implicit ? { implicit: true } : {}),
    },
  });
}

export const sessionAudit = {
  /** A session was opened; one left open before is rolled back by it (an implicit rollback). */
  async opened(ctx: ServerContext, target: ContributionTarget, sid: string, mode: string): Promise<void> {
    if (target.session) await record(ctx, target, target.session, { commit: false, implicit: true });
    talliesOf(ctx).set(target.connectorId, { sid, mode, upserts: 0, deletes: 0 });
  },

  /** A call of the open session was written. */
  posted(ctx: ServerContext, connectorId: number, sid: string, op: 'upserts' | 'deletes', count: number): void {
    const tally = talliesOf(ctx).get(connectorId);
    if (tally?.sid === sid) tally[op] += count;
  },

  /** The session was closed (committed or rolled back). */
  async closed(ctx: ServerContext, target: ContributionTarget, sid: string, commit: boolean): Promise<void> {
    await record(ctx, target, { id: sid, mode: target.session?.mode ?? 'unknown' }, { commit });
    talliesOf(ctx).delete(target.connectorId);
  },
};
