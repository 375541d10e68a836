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
    .option(
      '--expires <when>',
      'when the token stops working: a duration (90d, 12h, 30m, 2w) or an ISO-8601 time; default never',
    )
    .addHelpText(
      'after',
      examples('bbk access grant 2 over-a-billion --json', 'bbk access grant 2 over-a-billion --expires 90d'),
    )
    .action(run('coordinator', async () => (await accesses()).accessGrant));
  access
    .command('reissue <uid> <pid>')
    .description('replace the consumer token; the old one stops working')
    .option(
      '--expires <when>',
      'when the token stops working: a duration (90d, 12h, 30m, 2w) or an ISO-8601 time; default never',
    )
    .addHelpText('after', examples('bbk access reissue 2 over-a-billion --expires 2026-12-31T00:00:00Z'))
    .action(run('coordinator', async () => (await accesses()).accessReissue));
  access
    .command('revoke <uid> <pid>')
    .description('remove the access and revoke its token')
    .action(run('coordinator', async () => (await accesses()).accessRevoke));
}
