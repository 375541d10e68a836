import { Argument, type Command } from '../../lib/commander.js';
import { APIS, examples, type Run } from '../../lib/commands.js';

/** `bbk login`, `bbk logout`. */
export function registerLogin(program: Command, run: Run): void {
  program
    .command('login')
    .description('check and store the URLs and token of a server (or of one API) in a profile (file only you can read)')
    .addArgument(new Argument('[api]', 'only this API (default: all three, with --server)').choices(APIS))
    .option(
      '--server <url>',
      'the server: http(s)://host[:port][/base]; its three APIs at ports 8001-8003 (or port, port+1, port+2), base /v1',
    )
    .option('--url <url>', 'with <api>: the API base URL (default: --<api>-url, BBK_<API>_URL, the profile, or local)')
    .option('--connector <cid>', 'contributor: contribution id that bbk push uses by default')
    .option('--audience <pid>', 'consumer: policy id for development servers')
    .option('--no-verify', 'save without checking the URLs and token against the server')
    .addHelpText(
      'after',
      examples(
        'bbk login --server https://bbk.example.org --token "$TOKEN"',
        'bbk login --server http://127.0.0.1 --audience everything --profile dev   # development server',
        'bbk login coordinator --token "$TOKEN"',
        'bbk login contributor --url https://bbk.example.org:8002/v1 --connector 9afcf3235500836c6fcd9e82110dbc05ffbb734b',
      ),
    )
    .action(run(undefined, async () => (await import('./index.js')).login));

  program
    .command('logout')
    .description('forget the stored login of one API, or the whole profile')
    .addArgument(new Argument('[api]', 'which API (default: all)').choices(APIS))
    .action(run(undefined, async () => (await import('./index.js')).logout));
}
