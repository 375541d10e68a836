import type { Command } from 'commander';
import { examples, type Run } from '../../lib/commands.js';

/** `bbk usage` (Coordinator API, bbk extension). */
export function registerUsage(program: Command, run: Run): void {
  program
    .command('usage')
    .description('consumer usage per access: calls, records served, 429s, last used (Coordinator API)')
    .option('--user <uid>', "only this user's accesses")
    .option('--policy <pid>', 'only accesses to this policy')
    .option('--since <day>', 'from this UTC day (YYYY-MM-DD)')
    .option('--until <day>', 'up to this UTC day (YYYY-MM-DD)')
    .addHelpText('after', examples('bbk usage', 'bbk usage --user 2 --json', 'bbk usage --policy over-a-billion'))
    .action(run('coordinator', async () => (await import('./index.js')).usage));
}
