import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../../lib/context.js';
import { CliError, EXIT, UsageError } from '../../lib/exit-codes.js';
import { lazy, type Output } from '../../lib/output.js';
import { databaseOpenError, type StoreFlags, storeLocation } from '../../lib/store-location.js';

/** The database file inside a data directory (the server's `DB_FILE`). */
const DB_FILE = 'bbk.sqlite';

/**
 * `bbk token bootstrap [--data-dir DIR | --database URL]`: a fresh bootstrap coordinator token; the previous one stops working.
 * Works on the database directly, with or without the server running.
 */
export async function tokenBootstrap(options: StoreFlags, ctx: CommandContext): Promise<Output> {
  const { dataDir, database, databaseSchema } = storeLocation(options, ctx);
  // Opening a missing directory would create an empty database: refuse instead.
  if (!database && (!existsSync(dataDir) || !statSync(dataDir).isDirectory() || !existsSync(join(dataDir, DB_FILE)))) {
    throw new UsageError(`no bbk database in ${dataDir}: give the --data-dir of a server started at least once`);
  }
  const server = await import('@bbk/server');
  let issued: { userId: number; token: string };
  try {
    issued = await server.issueBootstrapToken(dataDir, { database, databaseSchema });
  } catch (error) {
    // a schema bbk never started on (nothing is created there): a bad --database, as a missing data directory is
    if (error instanceof server.ConfigError) throw new UsageError(error.message);
    const message = (error as Error).message;
    if (message.startsWith('no bootstrap user'))
      throw new CliError(`cannot issue a bootstrap token: ${message}`, EXIT.NOT_FOUND);
    throw (database && databaseOpenError(error, server)) || error;
  }
  return {
    data: { userId: issued.userId, token: issued.token },
    ids: [issued.token],
    view: lazy(
      () => import('../../ui/notice.js'),
      ({ Secret }) => (
        <Secret
          label={`Coordinator token of user ${issued.userId} (the previous one is revoked)`}
          value={issued.token}
        />
      ),
    ),
  };
}
