#!/usr/bin/env node
/**
 * The `bbk` command table. Every action lazy-loads its module from `commands/`; commands return an
 * output or throw, and only `main` (lib/main.ts, called at the bottom) turns the outcome into an exit code.
 */
import { existsSync } from 'node:fs';
import { Argument, Command, Option } from 'commander';
import { main } from './lib/main.js';
import { action, type CommandFn, type RunState } from './lib/run.js';
import { cliVersion } from './lib/version.js';

const MODES = ['accrue', 'stream', 'replace'] as const;
const APIS = ['coordinator', 'contributor', 'consumer'] as const;

const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** Adds the consumer flags (policy audience, staged connectors, paging) to a command. */
function consumerFlags(command: Command, paging: boolean): Command {
  command
    .option('--audience <pid>', 'policy id to read through, development servers only (env BBK_AUDIENCE)')
    .option(
      '--connectors <cids>',
      'comma-separated contribution ids of staged connectors to include (env BBK_CONNECTORS)',
    );
  if (paging) {
    command
      .option('--limit <n>', 'items per page, 1-250 (default 250)')
      .option('--offset <n>', 'items to skip (single page only)')
      .option('--all', 'page through every result');
  }
  return command;
}

/**
 * Builds the program. `state` collects what the entry point needs to set the exit code.
 * @example await buildProgram(state).parseAsync(process.argv)
 */
export function buildProgram(state: RunState): Command {
  const program = new Command('bbk');
  const run = (primary: (typeof APIS)[number] | undefined, load: () => Promise<CommandFn>) =>
    action(state, primary, load);

  program
    .description(
      'bbk: a policy-based data-sharing broker (BitBroker-compatible) — server, coordinator, contributor and consumer commands',
    )
    .version(cliVersion(), '-V, --version', 'print the bbk version')
    .option('--token <token>', "token for the command's API (env BBK_TOKEN; else BBK_<API>_TOKEN, else the profile)")
    .option(
      '--coordinator-url <url>',
      'Coordinator API base URL (env BBK_COORDINATOR_URL; default http://127.0.0.1:8001/v1)',
    )
    .option(
      '--contributor-url <url>',
      'Contributor API base URL (env BBK_CONTRIBUTOR_URL; default http://127.0.0.1:8002/v1)',
    )
    .option('--consumer-url <url>', 'Consumer API base URL (env BBK_CONSUMER_URL; default http://127.0.0.1:8003/v1)')
    .option('--profile <name>', 'profile of the config file to use (env BBK_PROFILE)')
    .option('--json', 'print results as JSON, for scripts')
    .option('--quiet', 'print ids only, one per line')
    .option('--no-input', 'never prompt, even on a terminal')
    .option('--no-color', 'no colours in human output')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `${examples(
        'bbk start --dev',
        'bbk login coordinator --token "$BOOTSTRAP_TOKEN"',
        'bbk entity add country --name Countries --description "All the countries"',
        'bbk push countries.json --connector "$CID" --mode replace',
        `bbk catalog query '{"type":"country"}' --all --json`,
      )}\nExit codes: 0 ok, 1 server/network, 2 usage, 3 not found, 4 auth, 5 conflict, 6 rejected data, 7 rate limited.\n`,
    );

  // ---- server
  program
    .command('start')
    .description('run the embedded server (three APIs) until Ctrl+C or SIGTERM')
    .option(
      '--dev',
      'development mode: no tokens, consumers pick a policy with x-bbk-audience (env BBK_MODE=development)',
    )
    .option('--data-dir <dir>', 'where the database lives (env BBK_DATA_DIR; default ./.bbk)')
    .option('--host <host>', 'interface to listen on (env BBK_HOST; default 127.0.0.1)')
    .option('--coordinator-port <port>', 'env BBK_COORDINATOR_PORT; default 8001 (0 = any free port)')
    .option('--contributor-port <port>', 'env BBK_CONTRIBUTOR_PORT; default 8002')
    .option('--consumer-port <port>', 'env BBK_CONSUMER_PORT; default 8003')
    .option(
      '--log-level <level>',
      'request log: fatal, error, warn, info, debug, trace or silent (env BBK_LOG_LEVEL; default info)',
    )
    .option('--log-file <file>', 'append the JSON log to this file (env BBK_LOG_FILE; default standard error)')
    .option('--metrics-port <port>', 'serve Prometheus /metrics on this port (env BBK_METRICS_PORT; default off)')
    .addHelpText(
      'after',
      examples(
        'bbk start',
        'bbk start --dev --data-dir /tmp/bbk',
        'BBK_COORDINATOR_PORT=9001 bbk start --json',
        'bbk start --log-file /var/log/bbk.log --metrics-port 9464',
      ),
    )
    .action(run(undefined, async () => (await import('./commands/start/index.js')).start));

  program
    .command('token')
    .description('manage server tokens')
    .addHelpText('after', examples('bbk token bootstrap --data-dir ./.bbk --quiet'))
    .command('bootstrap')
    .description('print a fresh bootstrap coordinator token; the previous one stops working')
    .option('--data-dir <dir>', 'data directory of the server (env BBK_DATA_DIR; default ./.bbk)')
    .addHelpText('after', examples('bbk token bootstrap --data-dir ./.bbk'))
    .action(run(undefined, async () => (await import('./commands/token/index.js')).tokenBootstrap));

  program
    .command('status')
    .description('is the server up: mode, versions, counts of users, types, connectors, policies and records')
    .option('--audience <pid>', 'policy to count records through, development servers only (env BBK_AUDIENCE)')
    .addHelpText('after', examples('bbk status', 'bbk status --json | jq .counts'))
    .action(run('coordinator', async () => (await import('./commands/status/index.js')).status));

  // ---- profiles
  program
    .command('login')
    .description('check and store an API URL and token in a profile (config file readable only by you)')
    .addArgument(new Argument('<api>', 'which API').choices(APIS))
    .option('--url <url>', 'the API base URL (default: --<api>-url, BBK_<API>_URL, the profile, or the local default)')
    .option('--connector <cid>', 'contributor: contribution id that bbk push uses by default')
    .option('--audience <pid>', 'consumer: policy id for development servers')
    .option('--no-verify', 'save without checking the token against the server')
    .addHelpText(
      'after',
      examples(
        'bbk login coordinator --token "$TOKEN"',
        'bbk login contributor --url https://bbk.example.org:8002/v1 --connector 9afcf3235500836c6fcd9e82110dbc05ffbb734b',
        'bbk login consumer --profile alice',
      ),
    )
    .action(run(undefined, async () => (await import('./commands/login/index.js')).login));

  program
    .command('logout')
    .description('forget the stored login of one API, or the whole profile')
    .addArgument(new Argument('[api]', 'which API (default: all)').choices(APIS))
    .action(run(undefined, async () => (await import('./commands/login/index.js')).logout));

  const profile = program
    .command('profile')
    .description('list and choose profiles')
    .addHelpText('after', examples('bbk profile list', 'bbk profile use staging', 'bbk --profile staging user list'));
  profile
    .command('list')
    .description('list profiles (URLs; tokens are never shown)')
    .action(run(undefined, async () => (await import('./commands/profile/index.js')).profileList));
  profile
    .command('use <name>')
    .description('make a profile the default')
    .action(run(undefined, async () => (await import('./commands/profile/index.js')).profileUse));

  // ---- coordinator: users
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
  const users = async () => import('./commands/user/index.js');
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

  // ---- coordinator: entity types (and the consumer's `entity get`)
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
  const entities = async () => import('./commands/entity/index.js');
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
    .action(run('consumer', async () => (await import('./commands/catalog/entity-get.js')).entityGet));

  // ---- coordinator: connectors
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
  const connectors = async () => import('./commands/connector/index.js');
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
    .addHelpText(
      'after',
      examples('bbk connector add country wikipedia --name Wikipedia --description "Country facts" --json'),
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
  optional(
    connector,
    'init',
    'commands/connector-init/index.js',
    'create a connector project from a template',
    'connectorInit',
    run,
  );

  // ---- coordinator: policies and accesses
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
  const policies = async () => import('./commands/policy/index.js');
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

  const access = program
    .command('access')
    .description("manage users' consumer access to policies (Coordinator API)")
    .addHelpText(
      'after',
      examples('bbk access grant 2 over-a-billion --json', 'bbk access list 2', 'bbk access revoke 2 over-a-billion'),
    );
  const accesses = async () => import('./commands/access/index.js');
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

  // ---- contributor
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
    .action(run('contributor', async () => (await import('./commands/push/index.js')).push));

  // ---- consumer
  const catalog = program
    .command('catalog')
    .description('query the catalog (Consumer API)')
    .addHelpText('after', examples(`bbk catalog query '{"type":"country"}' --all --json`, 'bbk catalog types'));
  consumerFlags(
    catalog
      .command('query [query]')
      .description('records matching a JSON query, ANDed with --where conditions and --type')
      .option('--where <condition>', 'PATH OP VALUE with OP one of = != > >= < <= ~ ~* in nin (repeatable)', collect)
      .option('--type <type>', 'only records of this entity type'),
    true,
  )
    .addHelpText(
      'after',
      examples(
        `bbk catalog query '{"entity.population": {"$gt": 1000000000}}'`,
        `bbk catalog query --type country --where 'entity.continent=Europe' --where 'entity.landlocked=true' --all --json`,
      ),
    )
    .action(run('consumer', async () => (await import('./commands/catalog/index.js')).catalogQuery));
  consumerFlags(catalog.command('types').description('entity types with records you can see'), true).action(
    run('consumer', async () => (await import('./commands/catalog/index.js')).catalogTypes),
  );

  const timeseries = program
    .command('timeseries')
    .description('read timeseries (Consumer API)')
    .addHelpText('after', examples('bbk timeseries get country "$ID" population --start 2000-01-01 --end 2010-01-01'));
  consumerFlags(timeseries.command('get <type> <id> <tsid>').description('points of a timeseries, newest first'), false)
    .option('--start <date>', 'ISO-8601 start, inclusive')
    .option('--end <date>', 'ISO-8601 end, exclusive (needs --start)')
    .option('--duration <seconds>', 'instead of --end: seconds after --start')
    .option('--limit <n>', 'points per page, 1-500 (default 500)')
    .option('--all', 'follow the series back page by page')
    .addHelpText('after', examples('bbk timeseries get country "$ID" population --start 2000-01-01 --json'))
    .action(run('consumer', async () => (await import('./commands/timeseries/index.js')).timeseriesGet));

  // ---- other
  optional(
    program,
    'demo',
    'commands/demo/index.js',
    'start a server with example data and walk through it',
    'demo',
    run,
  );
  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      examples('source <(bbk completion bash)', 'bbk completion fish > ~/.config/fish/completions/bbk.fish'),
    )
    .action(
      run(undefined, async () => {
        const { completion } = await import('./commands/completion/index.js');
        return (options, ctx) => completion({ ...options, program }, ctx);
      }),
    );
  return program;
}

/**
 * Registers a command whose module another package area provides, only once that module exists.
 * The module exports `configure(command)` (options, arguments, help) and the command function `name`;
 * `configure` is loaded only when the command is about to run (or show its help).
 */
function optional(
  parent: Command,
  name: string,
  modulePath: string,
  description: string,
  exportName: string,
  run: (primary: undefined, load: () => Promise<CommandFn>) => (...args: unknown[]) => Promise<void>,
): void {
  if (!existsSync(new URL(`./${modulePath}`, import.meta.url))) return;
  type Module = Record<string, unknown> & { configure?: (command: Command) => void };
  const load = () => import(new URL(`./${modulePath}`, import.meta.url).href) as Promise<Module>;
  const command = parent.command(name).description(description);
  parent.hook('preSubcommand', async (_parent, sub) => {
    if (sub !== command) return;
    (await load()).configure?.(command);
  });
  command.action(run(undefined, async () => (await load())[exportName] as CommandFn));
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

await main(process.argv, buildProgram);
