import type { Command } from 'commander';
import { examples, type Run } from '../../lib/commands.js';

/** `bbk backup`. */
export function registerBackup(program: Command, run: Run): void {
  program
    .command('backup')
    .description('copy the server database to a file, consistently, while the server runs (SQLite online backup)')
    .requiredOption('--to <file>', 'the backup file to write (refused if it exists, unless --force)')
    .option('--data-dir <dir>', 'data directory of the server (env BBK_DATA_DIR; default ./.bbk)')
    .option('--force', 'replace the backup file if it exists')
    .addHelpText(
      'after',
      `${examples(
        'bbk backup --to /backups/bbk-$(date +%F).sqlite',
        'bbk backup --data-dir /var/lib/bbk --to /backups/bbk.sqlite --force --json',
      )}
Restore: stop the server, copy the backup over <data-dir>/bbk.sqlite, delete bbk.sqlite-wal and
bbk.sqlite-shm if present, start the server (see docs/OPERATIONS.md).
`,
    )
    .action(run(undefined, async () => (await import('./index.js')).backup));
}
