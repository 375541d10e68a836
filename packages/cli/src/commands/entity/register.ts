import type { Command } from 'commander';
import { consumerFlags, examples, type Run } from '../../lib/commands.js';

/** `bbk entity …`: entity types (Coordinator API) and `entity get` (Consumer API). */
export function registerEntity(program: Command, run: Run): void {
  const entity = program
    .command('entity')
    .description('manage entity types (Coordinator API); read records (entity get, Consumer API)')
    .addHelpText(
      'after',
      examples(
        'bbk entity add country --name Countries --description "All the countries" --schema schema.json',
        'bbk entity list',
        'bbk entity get country --all --json',
      ),
    );
  const entities = async () => import('./index.js');
  const entityFields = (command: Command) =>
    command
      .option('--name <name>', 'display name (1-64 characters)')
      .option('--description <text>', 'description (1-2048 characters)')
      .option('--schema <file>', 'JSON or YAML file with the JSON Schema of entity data')
      .option(
        '--timeseries <file>',
        'JSON or YAML file with {"tsid": {"period": "P1Y", "value": "people", "unit": "x1000"}}',
      )
      .option('--tags <list>', 'comma-separated tags')
      .option('--icon <text>', 'icon (a name or URL, up to 256 characters)')
      .option(
        '--indexes <paths>',
        'comma-separated paths the catalog indexes for faster queries, e.g. entity.code (bbk extension)',
      )
      .option('--file <file>', 'JSON or YAML file with a whole entity type body; flags override it');
  entity
    .command('list')
    .description('list entity types')
    .action(run('coordinator', async () => (await entities()).entityList));
  entityFields(entity.command('add <eid>').description('create an entity type and print it'))
    .addHelpText(
      'after',
      examples(
        'bbk entity add country --name Countries --description "All the countries" --schema country.schema.json',
      ),
    )
    .action(run('coordinator', async () => (await entities()).entityAdd));
  entity
    .command('show <eid>')
    .description('show an entity type')
    .action(run('coordinator', async () => (await entities()).entityShow));
  entityFields(
    entity.command('update <eid>').description('change an entity type; fields not given keep their values'),
  ).action(run('coordinator', async () => (await entities()).entityUpdate));
  entity
    .command('rm <eid>')
    .description('delete an entity type, its connectors and their records')
    .action(run('coordinator', async () => (await entities()).entityRm));
  consumerFlags(
    entity.command('get <type> [id]').description('read one record, or the records of a type (Consumer API)'),
    true,
  )
    .addHelpText(
      'after',
      examples(
        'bbk entity get country --all --json',
        'bbk entity get country 5ebb30afaa6ce33843b00bbff63f63b90e91028c',
      ),
    )
    .action(run('consumer', async () => (await import('../catalog/entity-get.js')).entityGet));
}
