import type { Command } from 'commander';
import { examples, type Run } from '../../lib/commands.js';

/** `bbk token bootstrap`. */
export function registerToken(program: Command, run: Run): void {
  program
    .command('token')
    .description('manage server tokens')
    .addHelpText('after', examples('bbk token bootstrap --data-dir ./.bbk --quiet'))
    .command('bootstrap')
    .description('print a fresh bootstrap coordinator token; the previous one stops working')
    .option('--data-dir <dir>', 'data directory of the server (env BBK_DATA_DIR; default ./.bbk)')
    .option('--database <url>', 'the server’s PostgreSQL database instead (env BBK_DATABASE_URL)')
    .addHelpText('after', examples('bbk token bootstrap --data-dir ./.bbk'))
    .action(run(undefined, async () => (await import('./index.js')).tokenBootstrap));
}
