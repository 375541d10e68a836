import { resolve } from 'node:path';
import type { TransferProgress, TransferResult } from '@bbk/server';
import type { CommandContext } from '../../lib/context.js';
import { CliError, EXIT, UsageError } from '../../lib/exit-codes.js';
import { lazy, type Output } from '../../lib/output.js';
import { liveProgress } from '../../lib/progress.js';
import { databaseOpenError, type StoreFlags, storeLocation } from '../../lib/store-location.js';

/** How each refusal ends the command (docs/CLI.md, exit codes). */
const EXIT_FOR = {
  NO_DATABASE: EXIT.NOT_FOUND,
  EXISTS: EXIT.CONFLICT,
  NOT_EMPTY: EXIT.CONFLICT,
  NO_DIRECTORY: EXIT.USAGE,
  NO_FILE: EXIT.USAGE,
  UNSTORABLE: EXIT.INVALID,
} as const;

/** `bbk export --to FILE [--data-dir DIR | --database URL] [--force]`. */
export async function exportCommand(
  options: StoreFlags & { to: string; force?: boolean },
  ctx: CommandContext,
): Promise<Output> {
  if (!options.to?.trim()) throw new UsageError('missing required value: --to (the bundle file)');
  const where = storeLocation(options, ctx);
  const server = await import('@bbk/server');
  const progress = await rowProgress(ctx, 'Exporting');
  let result: TransferResult;
  try {
    result = await server.exportBundle({
      ...where,
      to: resolve(ctx.io.cwd, options.to),
      force: options.force === true,
      onProgress: progress.update,
    });
  } catch (error) {
    throw refusal(error, server, 'export');
  } finally {
    await progress.stop();
  }
  return report(result, where, `Exported ${describe(where)} to ${result.file}`);
}

/** `bbk import --from FILE [--data-dir DIR | --database URL]`. */
export async function importCommand(options: StoreFlags & { from: string }, ctx: CommandContext): Promise<Output> {
  if (!options.from?.trim()) throw new UsageError('missing required value: --from (the bundle file)');
  const where = storeLocation(options, ctx);
  const server = await import('@bbk/server');
  const progress = await rowProgress(ctx, 'Importing');
  let result: TransferResult;
  try {
    result = await server.importBundle({
      ...where,
      from: resolve(ctx.io.cwd, options.from),
      onProgress: progress.update,
    });
  } catch (error) {
    throw refusal(error, server, 'import');
  } finally {
    await progress.stop();
  }
  return report(result, where, `Imported ${result.file} into ${describe(where)}`);
}

/** The CLI error for a refused or failed transfer; anything unforeseen is rethrown (exit 1). */
function refusal(error: unknown, server: typeof import('@bbk/server'), verb: string): unknown {
  if (error instanceof server.TransferError)
    return new CliError(`${verb} refused: ${error.message}`, EXIT_FOR[error.code]);
  if (error instanceof server.BundleError) return new CliError(`${verb} refused: ${error.message}`, EXIT.USAGE);
  return databaseOpenError(error, server) ?? error;
}

function describe(where: ReturnType<typeof storeLocation>): string {
  if (!where.database) return where.dataDir;
  return `PostgreSQL${where.databaseSchema ? ` (schema ${where.databaseSchema})` : ''}`;
}

function report(result: TransferResult, where: ReturnType<typeof storeLocation>, headline: string): Output {
  const rows = Object.entries(result.counts).filter(([table, n]) => n > 0 && table !== 'sequences');
  const lines = [`${headline}: ${rows.map(([table, n]) => `${n} ${table}`).join(', ')} (${result.durationMs} ms).`];
  if (result.openSessions > 0)
    lines.push(
      `${result.openSessions} open contribution session(s) were not carried: their connectors open a new one.`,
    );
  return {
    data: { ...result, dataDir: where.database ? undefined : where.dataDir },
    ids: [result.file],
    view: lazy(
      () => import('../../ui/notice.js'),
      ({ Notice }) => <Notice kind="success">{lines.join('\n')}</Notice>,
    ),
  };
}

/** A progress bar of the rows of each table, while exporting or importing. */
function rowProgress(ctx: CommandContext, label: string) {
  const initial: TransferProgress = { table: 'users', done: 0, total: 0 };
  return liveProgress(ctx, initial, (p) => ({ label: `${label} ${p.table}`, done: p.done, total: p.total }));
}
