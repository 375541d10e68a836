import { resolve } from 'node:path';
import type { BackupProgress, BackupResult } from '@bbk/server';
import type { CommandContext } from '../../lib/context.js';
import { CliError, EXIT, UsageError } from '../../lib/exit-codes.js';
import { lazy, type Output } from '../../lib/output.js';
import { liveProgress } from '../../lib/progress.js';
import { storeLocation } from '../../lib/store-location.js';

/** Options of `bbk backup`. */
export interface BackupCommandOptions {
  to: string;
  dataDir?: string;
  force?: boolean;
}

/** How each refusal of the backup ends the command (docs/CLI.md, exit codes). */
const EXIT_FOR = {
  NO_DATABASE: EXIT.NOT_FOUND,
  EXISTS: EXIT.CONFLICT,
  SAME_FILE: EXIT.USAGE,
  NO_DIRECTORY: EXIT.USAGE,
  CHECK_FAILED: EXIT.FAILURE,
} as const;

/**
 * `bbk backup --to FILE [--data-dir DIR] [--force]`: a consistent copy of the server database, taken with
 * SQLite's online backup API while the server may be running; written atomically (temporary file, check,
 * rename). Exit 3: no database in the data directory; 5: the file exists (without --force); 2: bad path.
 */
export async function backup(options: BackupCommandOptions, ctx: CommandContext): Promise<Output> {
  if (!options.to?.trim()) throw new UsageError('missing required value: --to (the backup file)');
  const { dataDir } = storeLocation({ dataDir: options.dataDir }, ctx);
  const { backupDatabase, BackupError } = await import('@bbk/server');
  const initial: BackupProgress = { totalPages: 0, remainingPages: 0 };
  const progress = await liveProgress(ctx, initial, (p) => ({
    label: 'Backing up',
    done: p.totalPages - p.remainingPages,
    total: p.totalPages,
  }));
  let result: BackupResult;
  try {
    result = await backupDatabase({
      dataDir,
      to: resolve(ctx.io.cwd, options.to),
      force: options.force === true,
      onProgress: progress.update,
    });
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(`backup refused: ${error.message}`, EXIT_FOR[error.code]);
    throw error;
  } finally {
    await progress.stop();
  }
  const summary = { ...result, dataDir };
  return {
    data: summary,
    ids: [result.file],
    view: lazy(
      () => import('../../ui/notice.js'),
      ({ Notice }) => (
        <Notice kind="success">
          {`Backed up ${dataDir} to ${result.file}: ${formatBytes(result.bytes)}, ${result.pages} pages, ${result.durationMs} ms, check ok.`}
        </Notice>
      ),
    ),
  };
}

/** `1.5 MB`-style sizes. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
