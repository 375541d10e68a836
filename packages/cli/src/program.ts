/**
 * The `bbk` program: global options, then each area's commands from `commands/<area>/register.ts`. Building it
 * loads commander and these small tables only; a command's module (and the SDK's HTTP stack, ink, prompts) is
 * imported when that command runs.
 */

import { registerAccess } from './commands/access/register.js';
import { registerAudit } from './commands/audit/register.js';
import { registerBackup } from './commands/backup/register.js';
import { registerCatalog } from './commands/catalog/register.js';
import { registerCompletion } from './commands/completion/register.js';
import { registerConnector } from './commands/connector/register.js';
import { registerEntity } from './commands/entity/register.js';
import { registerLogin } from './commands/login/register.js';
import { registerOpenApi } from './commands/openapi/register.js';
import { registerPolicy } from './commands/policy/register.js';
import { registerProfile } from './commands/profile/register.js';
import { registerPush } from './commands/push/register.js';
import { registerStart } from './commands/start/register.js';
import { registerStatus } from './commands/status/register.js';
import { registerTimeseries } from './commands/timeseries/register.js';
import { registerToken } from './commands/token/register.js';
import { registerTransfer } from './commands/transfer/register.js';
import { registerUsage } from './commands/usage/register.js';
import { registerUser } from './commands/user/register.js';
import { registerViolations } from './commands/violations/register.js';
import { Command, Option } from './lib/commander.js';
import { examples, type Run, selfConfigured } from './lib/commands.js';
import { OUTPUT_STYLES } from './lib/output.js';
import { action, type RunState } from './lib/run.js';
import { cliVersion } from './lib/version.js';

/**
 * Builds the program. `state` collects what the entry point needs to set the exit code.
 * @example await buildProgram(state).parseAsync(process.argv)
 */
export function buildProgram(state: RunState): Command {
  const program = new Command('bbk');
  const run: Run = (primary, load) => action(state, primary, load);

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
    .option('--json', 'print results as JSON, for scripts (same as -o json)')
    .addOption(
      new Option('-o, --output <style>', 'table (default), wide (nothing cut), json or yaml').choices(OUTPUT_STYLES),
    )
    .option(
      '--fields <paths>',
      'only these comma-separated fields of each result, dotted paths allowed (e.g. id,name,entity.capital)',
    )
    .option('--quiet', 'print ids only, one per line')
    .option('--no-input', 'never prompt, even on a terminal')
    .option('--no-color', 'no colours in human output')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    // help, version and usage errors go to this run's streams (subcommands inherit it when they are added)
    .configureOutput({
      writeOut: (text) => state.io.stdout.write(text),
      // with --json, main() writes the usage error as JSON instead
      writeErr: (text) => (state.jsonErrors ? true : state.io.stderr.write(text)),
      getOutHelpWidth: () => (state.io.stdout.isTTY && state.io.stdout.columns) || 80,
      getErrHelpWidth: () => (state.io.stderr.isTTY && state.io.stderr.columns) || 80,
    })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `${examples(
        'bbk start --dev',
        'bbk login --server http://127.0.0.1 --token "$BOOTSTRAP_TOKEN"',
        'bbk entity add country --name Countries --description "All the countries"',
        'bbk push countries.json --connector "$CID" --mode replace',
        `bbk catalog query '{"type":"country"}' --all --json`,
        'bbk entity get country "$ID" --fields id,name,entity.capital -o yaml',
      )}\nExit codes: 0 ok, 1 server/network/webhook, 2 usage, 3 not found, 4 auth, 5 conflict, 6 rejected data, 7 rate limited, 8 audit log broken.\n`,
    );

  registerStart(program, run);
  registerToken(program, run);
  registerBackup(program, run);
  registerTransfer(program, run);
  registerStatus(program, run);
  registerLogin(program, run);
  registerProfile(program, run);
  registerUser(program, run);
  registerEntity(program, run);
  registerConnector(program, run);
  registerPolicy(program, run);
  registerAccess(program, run);
  registerUsage(program, run);
  registerViolations(program, run);
  registerAudit(program, run);
  registerPush(program, run);
  registerCatalog(program, run);
  registerTimeseries(program, run);
  registerOpenApi(program, run);
  selfConfigured(
    program,
    'demo',
    () => import('./commands/demo/index.js'),
    'start a server with example data and walk through it',
    'demo',
    run,
  );
  registerCompletion(program, run);
  return program;
}
