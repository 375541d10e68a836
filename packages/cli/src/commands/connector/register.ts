import type { Command } from 'commander';
import { examples, type Run, selfConfigured } from '../../lib/commands.js';

/** `bbk connector …` (Coordinator API), and `connector init` (its module configures its own command). */
export function registerConnector(program: Command, run: Run): void {
  const connector = program
    .command('connector')
    .description('manage the connectors of an entity type (Coordinator API)')
    .addHelpText(
      'after',
      examples(
        'bbk connector add country wikipedia --name Wikipedia --description "Facts" --json',
        'bbk connector live country wikipedia',
        'bbk connector list',
      ),
    );
  const connectors = async () => import('./index.js');
  connector
    .command('list [eid]')
    .description('list connectors, of one entity type or of all')
    .action(run('coordinator', async () => (await connectors()).connectorList));
  connector
    .command('add <eid> <cid>')
    .description('create a connector; prints its contribution id and token once')
    .option('--name <name>', 'display name (1-64 characters)')
    .option('--description <text>', 'description (1-2048 characters)')
    .option('--webhook <url>', 'http(s) URL the server calls for extra entity data and timeseries')
    .option('--cache <seconds>', 'how long webhook answers are cached (0-31536000, default 0)')
    .option(
      '--expires <when>',
      'when the contributor token stops working: a duration (90d, 12h, 30m, 2w) or an ISO-8601 time; default never',
    )
    .addHelpText(
      'after',
      examples(
        'bbk connector add country wikipedia --name Wikipedia --description "Country facts" --json',
        'bbk connector add country wikipedia --name Wikipedia --description "Country facts" --expires 90d',
      ),
    )
    .action(run('coordinator', async () => (await connectors()).connectorAdd));
  connector
    .command('show <eid> <cid>')
    .description('show a connector (contribution id, live, webhook)')
    .action(run('coordinator', async () => (await connectors()).connectorShow));
  connector
    .command('health <eid> <cid>')
    .description('webhook health: calls, failures, timeouts, latency (since the server started)')
    .action(run('coordinator', async () => (await connectors()).connectorHealth));
  connector
    .command('reissue <eid> <cid>')
    .description('replace the contributor token; the old one stops working. Prints the new token once')
    .option(
      '--expires <when>',
      'when the contributor token stops working: a duration (90d, 12h, 30m, 2w) or an ISO-8601 time; default never',
    )
    .addHelpText('after', examples('bbk connector reissue country wikipedia --expires 30d --json'))
    .action(run('coordinator', async () => (await connectors()).connectorReissue));
  connector
    .command('update <eid> <cid>')
    .description('change a connector; fields not given keep their values')
    .option('--name <name>', 'new name')
    .option('--description <text>', 'new description')
    .option('--webhook <url>', 'new webhook URL')
    .option('--no-webhook', 'remove the webhook')
    .option('--cache <seconds>', 'new cache time')
    .action(run('coordinator', async () => (await connectors()).connectorUpdate));
  connector
    .command('rm <eid> <cid>')
    .description('delete a connector and its records')
    .action(run('coordinator', async () => (await connectors()).connectorRm));
  connector
    .command('live <eid> <cid>')
    .description('make a connector live: consumers see its records')
    .action(run('coordinator', async () => (await connectors()).connectorLive));
  connector
    .command('stage <eid> <cid>')
    .description('take a connector back to staging')
    .action(run('coordinator', async () => (await connectors()).connectorStage));
  selfConfigured(
    connector,
    'init',
    () => import('../connector-init/index.js'),
    'create a connector project from a template',
    'connectorInit',
    run,
  );
}
