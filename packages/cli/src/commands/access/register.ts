import type { Command } from 'commander';
import { examples, type Run } from '../../lib/commands.js';

/** `bbk access …` (Coordinator API). */
export function registerAccess(program: Command, run: Run): void {
  const access = program
    .command('access')
    .description("manage users' consumer access to policies (Coordinator API)")
    .addHelpText(
      'after',
      examples('bbk access grant 2 over-a-billion --json', 'bbk access list 2', 'bbk access revoke 2 over-a-billion'),
    );
  const accesses = async () => import('./index.js');
  access
    .command('list <uid>')
    .description("list a user's accesses")
    .action(run('coordinator', async () => (await accesses()).accessList));
  access
    .command('grant <uid> <pid>')
    .description('give a user access to a policy; prints the consumer token once')
    .addHelpText('after', examples('bbk access grant 2 over-a-billion --json'))
    .action(run('coordinator', async () => (await accesses()).accessGrant));
  access
    .command('reissue <uid> <pid>')
    .description('replace the consumer token; the old one stops working')
    .action(run('coordinator', async () => (await accesses()).accessReissue));
  access
    .command('revoke <uid> <pid>')
    .description('remove the access and revoke its token')
    .action(run('coordinator', async () => (await accesses()).accessRevoke));
}
