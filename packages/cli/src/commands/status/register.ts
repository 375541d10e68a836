import type { Command } from 'commander';
import { examples, type Run } from '../../lib/commands.js';

/** `bbk status`. */
export function registerStatus(program: Command, run: Run): void {
  program
    .command('status')
    .description('is the server up: mode, versions, counts of users, types, connectors, policies and records')
    .option('--audience <pid>', 'policy to count records through, development servers only (env BBK_AUDIENCE)')
    .addHelpText('after', examples('bbk status', 'bbk status --json | jq .counts'))
    .action(run('coordinator', async () => (await import('./index.js')).status));
}
