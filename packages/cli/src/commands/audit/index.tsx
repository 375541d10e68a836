import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditEntry, AuditQuery, AuditVerdict } from '@bbk/sdk';
import type { CommandContext } from '../../lib/context.js';
import { EXIT, UsageError } from '../../lib/exit-codes.js';
import { lazy, type Output } from '../../lib/output.js';
import { databaseOpenError } from '../../lib/store-location.js';

export interface TailOptions {
  lines?: string;
  actor?: string;
  target?: string;
  action?: string;
  since?: string;
  follow?: boolean;
}

/** How often `--follow` asks for new entries. */
const POLL_MS = 1000;
const views = () => import('./views.js');

function lines(raw: string | undefined): number {
  if (raw === undefined) return 20;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new UsageError(`-n must be an integer from 1 to 1000, not "${raw}"`);
  return n;
}

/** `bbk audit tail [-n N] [--actor] [--target] [--action] [--since] [--follow]` */
export async function auditTail(options: TailOptions, ctx: CommandContext): Promise<Output> {
  const limit = lines(options.lines);
  const filter: AuditQuery = {};
  for (const key of ['actor', 'target', 'action', 'since'] as const) {
    const value = options[key];
    if (value !== undefined) filter[key] = value;
  }
  const api = ctx.coordinator().audit;
  const last = (await api.list({ ...filter, limit, order: 'desc' })).reverse();
  if (!options.follow) {
    return {
      data: last,
      ids: last.map((e) => e.seq),
      view: lazy(views, (v) => <v.AuditTable entries={last} width={ctx.columns} />),
    };
  }
  // Ctrl+C (or SIGTERM) is how --follow ends: the listing then ends as any other does (a --json array closed,
  // exit 0) instead of the process dying mid-output
  let interrupt = (): void => {};
  const interrupted = new Promise<undefined>((resolve) => {
    interrupt = () => resolve(undefined);
  });
  async function* follow(): AsyncGenerator<AuditEntry[]> {
    process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
    let stopped = false;
    void interrupted.then(() => {
      stopped = true;
    });
    try {
      yield last;
      let after = last.at(-1)?.seq;
      for (;;) {
        await Promise.race([sleep(POLL_MS), interrupted]);
        if (stopped) return;
        const page = await Promise.race([
          api.list({ ...filter, limit: 1000, ...(after === undefined ? {} : { after }) }),
          interrupted,
        ]);
        if (stopped || page === undefined) return;
        if (page.length === 0) continue;
        after = page[page.length - 1]!.seq;
        yield page;
      }
    } finally {
      process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
    }
  }
  return {
    data: undefined,
    pages: {
      source: follow(),
      id: (item) => (item as AuditEntry).seq,
      view: async (items, first, width) => {
        const v = await views();
        return <v.AuditTable entries={items as AuditEntry[]} width={width} header={first} />;
      },
    },
  };
}

/** `bbk audit verify [--data-dir DIR]`: exit 0 when intact, 8 (`EXIT.TAMPERED`) naming the first broken entry. */
export async function auditVerify(
  options: { dataDir?: string; database?: string },
  ctx: CommandContext,
): Promise<Output> {
  let verdict: AuditVerdict;
  if (options.dataDir !== undefined && options.database !== undefined)
    throw new UsageError('give --data-dir or --database, not both');
  if (options.database !== undefined) {
    const server = await import('@bbk/server');
    const schema = ctx.io.env.BBK_DATABASE_SCHEMA || undefined;
    try {
      verdict = await server.verifyAuditDatabase(options.database, schema);
    } catch (error) {
      // bbk never started there: a bad --database, as a directory without a database is
      if (error instanceof server.ConfigError) throw new UsageError(error.message);
      throw databaseOpenError(error, server) ?? error;
    }
  } else if (options.dataDir !== undefined) {
    const dir = resolve(ctx.io.cwd, options.dataDir);
    if (!existsSync(join(dir, 'bbk.sqlite'))) throw new UsageError(`no bbk database in ${dir}`);
    const { verifyAuditFile } = await import('@bbk/server');
    verdict = await verifyAuditFile(dir);
  } else {
    verdict = await ctx.coordinator().audit.verify();
  }
  return {
    data: verdict,
    ids: verdict.intact ? [verdict.head] : [verdict.broken.seq],
    view: lazy(views, (v) => <v.VerdictView verdict={verdict} />),
    ...(verdict.intact ? {} : { exitCode: EXIT.TAMPERED }),
  };
}
