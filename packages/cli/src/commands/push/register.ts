import { type Command, Option } from '../../lib/commander.js';
import { collect, examples, type Run } from '../../lib/commands.js';

const MODES = ['accrue', 'stream', 'replace'] as const;

/** `bbk push` (Contributor API). */
export function registerPush(program: Command, run: Run): void {
  program
    .command('push <file>')
    .description('upload records from JSON, NDJSON or CSV in one session (Contributor API); "-" reads stdin')
    .option('--connector <cid>', 'contribution id of the connector (env BBK_CONNECTOR, or the profile)')
    .addOption(new Option('--mode <mode>', 'session mode').choices(MODES).default('accrue'))
    .addOption(
      new Option('--format <format>', 'input format (default: from the extension, else json)').choices([
        'json',
        'ndjson',
        'csv',
      ]),
    )
    .option(
      '--map <target=column>',
      'CSV: put a column at id, name, entity.<path> or instance.<path>, with an optional :type',
      collect,
    )
    .option('--delimiter <char>', 'CSV delimiter (default "," or tab for .tsv)')
    .option('--batch-size <n>', 'records per call, 1-250 (default 250)')
    .option('--keep-private', 'send top-level keys starting with "_" (dropped by default)')
    .option('--atomic', 'roll everything back if any record is rejected (accrue, replace)')
    .option('--dry-run', 'validate locally, send nothing')
    .option('--schema <file>', 'dry run: JSON Schema file of the entity type')
    .option('--entity <eid>', 'dry run: read the schema of this entity type (needs a coordinator token)')
    .addHelpText(
      'after',
      `${examples(
        'bbk push countries.json --connector "$CID" --mode replace',
        'bbk push updates.ndjson --mode stream --json',
        'bbk push countries.csv --map id=code --map name=country --map entity.population=pop:integer',
        'bbk push countries.json --dry-run --entity country',
      )}\nCSV columns map by default: id, name, entity.*, instance.* as named, _* dropped, others to entity.<column>.\nTypes: auto (default: numbers and true/false), string, number, integer, boolean, json.\n`,
    )
    .action(run('contributor', async () => (await import('./index.js')).push));
}
