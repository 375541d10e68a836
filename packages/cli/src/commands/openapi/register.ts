import { type Command, Option } from '../../lib/commander.js';
import { APIS, examples, type Run } from '../../lib/commands.js';

/** `bbk openapi`: the OpenAPI 3.1 document of an API, as its server serves it at `/v1/openapi.json`. */
export function registerOpenApi(program: Command, run: Run): void {
  program
    .command('openapi')
    .description('print the OpenAPI 3.1 document of an API (no server needed)')
    .addOption(new Option('--api <api>', 'which API').choices(APIS).default('coordinator'))
    .option('--base-path <path>', 'base path of the server, without slashes ("" for none)', 'v1')
    .addHelpText(
      'after',
      examples('bbk openapi --api consumer > consumer.openapi.json', 'bbk openapi --api contributor -o yaml'),
    )
    .action(run(undefined, async () => (await import('./index.js')).openapi));
}
