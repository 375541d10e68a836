import { resolve } from 'node:path';
import type { CommandContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';

/** The store flags of the commands that work on a server's database directly. */
export interface StoreFlags {
  dataDir?: string;
  database?: string;
}

/**
 * The store of `bbk start` for the commands that open it themselves (`token bootstrap`, `backup`, `export`,
 * `import`): flags, then `BBK_DATA_DIR` / `BBK_DATABASE_URL` (with `BBK_DATABASE_SCHEMA`), then `./.bbk`, a relative
 * data directory resolved against the run's working directory.
 * @example const { dataDir, database } = storeLocation(options, ctx);
 */
export function storeLocation(options: StoreFlags, ctx: Pick<CommandContext, 'io'>) {
  const { env, cwd } = ctx.io;
  const database = options.database || env.BBK_DATABASE_URL || undefined;
  return {
    dataDir: resolve(cwd, options.dataDir ?? env.BBK_DATA_DIR ?? '.bbk'),
    database,
    databaseSchema: database ? env.BBK_DATABASE_SCHEMA || undefined : undefined,
  };
}

/**
 * The CLI error (exit 1) for a PostgreSQL database that could not be opened: unreachable, login refused (28xxx), no
 * such database (3D000) or schema (3F000), PostGIS missing; undefined for any other error. The message never holds
 * the URL (node-postgres leaves it out).
 */
export function databaseOpenError(error: unknown, server: Pick<typeof import('@bbk/server'), 'PostgisMissingError'>) {
  if (error instanceof server.PostgisMissingError) return new CliError(error.message, EXIT.FAILURE);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || /^(28|3D|3F)/.test(code ?? ''))
    return new CliError(`cannot open the database: ${(error as Error).message}`, EXIT.FAILURE);
  return undefined;
}
