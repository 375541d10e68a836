import { resolve } from 'node:path';
import type { CommandContext } from './context.js';

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
