import type { Command } from 'commander';
import { examples, type Run } from '../../lib/commands.js';

/** `bbk profile list|use`. */
export function registerProfile(program: Command, run: Run): void {
  const profile = program
    .command('profile')
    .description('list and choose profiles')
    .addHelpText('after', examples('bbk profile list', 'bbk profile use staging', 'bbk --profile staging user list'));
  profile
    .command('list')
    .description('list profiles (URLs; tokens are never shown)')
    .action(run(undefined, async () => (await import('./index.js')).profileList));
  profile
    .command('use <name>')
    .description('make a profile the default')
    .action(run(undefined, async () => (await import('./index.js')).profileUse));
}
