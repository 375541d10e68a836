import { type Command, Option } from '../../lib/commander.js';
import { examples, type Run } from '../../lib/commands.js';

/** `bbk user …` (Coordinator API). */
export function registerUser(program: Command, run: Run): void {
  const user = program
    .command('user')
    .description('manage users (Coordinator API)')
    .addHelpText(
      'after',
      examples(
        'bbk user list',
        'bbk user add --name Alice --email alice@acme.io --organization Acme',
        'bbk user show alice@acme.io --json',
        'bbk user promote 2 --quiet',
      ),
    );
  const users = async () => import('./index.js');
  user
    .command('list')
    .description('list users')
    .action(run('coordinator', async () => (await users()).userList));
  user
    .command('add')
    .description('create a user and print it')
    .option('--name <name>', 'full name (1-64 characters)')
    .option('--email <email>', 'email address, unique')
    .option('--organization <org>', 'organization (1-64 characters)')
    .option('--addendum <json>', 'extra JSON object, or @FILE')
    .addHelpText('after', examples('bbk user add --name Alice --email alice@acme.io --organization Acme --json'))
    .action(run('coordinator', async () => (await users()).userAdd));
  user
    .command('show <uid>')
    .description('show a user, by id or email')
    .action(run('coordinator', async () => (await users()).userShow));
  user
    .command('update <uid>')
    .description('change name, organization or addendum (email cannot change)')
    .option('--name <name>', 'new name')
    .option('--organization <org>', 'new organization')
    .option('--addendum <json>', 'new addendum JSON object, or @FILE')
    .addOption(new Option('--email <email>').hideHelp())
    .action(run('coordinator', async () => (await users()).userUpdate));
  user
    .command('rm <uid>')
    .description('delete a user, their accesses and tokens')
    .action(run('coordinator', async () => (await users()).userRm));
  user
    .command('promote <uid>')
    .description('make a user a coordinator; prints their coordinator token once')
    .action(run('coordinator', async () => (await users()).userPromote));
  user
    .command('demote <uid>')
    .description('remove the coordinator role and revoke its token')
    .action(run('coordinator', async () => (await users()).userDemote));
}
