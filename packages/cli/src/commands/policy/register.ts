import type { Command } from 'commander';
import { examples, type Run } from '../../lib/commands.js';

/** `bbk policy …` (Coordinator API). */
export function registerPolicy(program: Command, run: Run): void {
  const policy = program
    .command('policy')
    .description('manage policies (Coordinator API)')
    .addHelpText(
      'after',
      examples(
        'bbk policy add over-a-billion --file policy.yaml',
        'bbk policy show over-a-billion',
        'bbk policy update over-a-billion   # wizard, pre-filled',
      ),
    );
  const policies = async () => import('./index.js');
  const policyFields = (command: Command) =>
    command
      .option(
        '--file <file>',
        'JSON or YAML file with {name, description, tags?, policy}; without it, a wizard on a terminal',
      )
      .option('--name <name>', 'display name (overrides the file)')
      .option('--description <text>', 'description (overrides the file)')
      .option('--tags <list>', 'comma-separated tags (override the file)');
  policy
    .command('list')
    .description('list policies')
    .action(run('coordinator', async () => (await policies()).policyList));
  policyFields(policy.command('add <pid>').description('create a policy from a file, or with a wizard, and print it'))
    .addHelpText(
      'after',
      examples('bbk policy add over-a-billion --file policy.yaml --json', 'bbk policy add europe   # wizard'),
    )
    .action(run('coordinator', async () => (await policies()).policyAdd));
  policy
    .command('show <pid>')
    .description('show a policy')
    .action(run('coordinator', async () => (await policies()).policyShow));
  policyFields(
    policy
      .command('update <pid>')
      .description('replace a policy from a file, change name/description/tags, or edit it in the wizard'),
  ).action(run('coordinator', async () => (await policies()).policyUpdate));
  policy
    .command('rm <pid>')
    .description('delete a policy, its accesses and their tokens')
    .action(run('coordinator', async () => (await policies()).policyRm));
}
