import type { Command } from 'commander';
import { examples, type Run } from '../../lib/commands.js';

const DATA_DIR = 'data directory of the SQLite store (env BBK_DATA_DIR; default ./.bbk)';
const DATABASE = 'the PostgreSQL database instead (env BBK_DATABASE_URL; schema: env BBK_DATABASE_SCHEMA)';

/** `bbk export` and `bbk import`: moving a whole instance between stores and engines (docs/MIGRATE.md). */
export function registerTransfer(program: Command, run: Run): void {
  program
    .command('export')
    .description(
      'write the whole instance (users, types, connectors, policies, accesses, tokens, catalog, usage, audit) to a bundle file',
    )
    .requiredOption('--to <file>', 'the bundle to write: gzip’d JSON lines (refused if it exists, unless --force)')
    .option('--data-dir <dir>', DATA_DIR)
    .option('--database <url>', DATABASE)
    .option('--force', 'replace the bundle file if it exists')
    .addHelpText(
      'after',
      `${examples(
        'bbk export --data-dir ./.bbk --to bbk.bundle.gz',
        'bbk export --database postgres://bbk@db.example.org/bbk --to bbk.bundle.gz --json',
      )}
Reads one consistent snapshot, so it is safe while a server runs; stop the server first for an exact move
(usage counts still in the server's memory and open contribution sessions are not in the bundle).
`,
    )
    .action(run(undefined, async () => (await import('./index.js')).exportCommand));
  program
    .command('import')
    .description('load a bundle written by `bbk export` into an empty SQLite or PostgreSQL store, in one transaction')
    .requiredOption('--from <file>', 'the bundle to read')
    .option('--data-dir <dir>', DATA_DIR)
    .option('--database <url>', DATABASE)
    .addHelpText(
      'after',
      `${examples(
        'bbk import --from bbk.bundle.gz --database postgres://bbk@db.example.org/bbk',
        'bbk import --from bbk.bundle.gz --data-dir /var/lib/bbk --json',
      )}
The target must be empty (a data directory without bbk.sqlite, or a PostgreSQL database or schema bbk has not
used): anything else is refused (exit 5). A damaged, cut or foreign file is refused (exit 2), leaving no data behind (on PostgreSQL the migrated, empty tables stay).
Tokens, contribution ids, ids and URLs keep working; start the server on the target afterwards.
`,
    )
    .action(run(undefined, async () => (await import('./index.js')).importCommand));
}
