import type { Command } from 'commander';
import { examples, type Run } from '../../lib/commands.js';

/** `bbk start`. */
export function registerStart(program: Command, run: Run): void {
  program
    .command('start')
    .description('run the embedded server (three APIs) until Ctrl+C or SIGTERM')
    .option(
      '--dev',
      'development mode: no tokens, consumers pick a policy with x-bbk-audience (env BBK_MODE=development)',
    )
    .option('--data-dir <dir>', 'where the database lives (env BBK_DATA_DIR; default ./.bbk)')
    .option(
      '--database <url>',
      'a PostgreSQL database (postgres://…, PostGIS required) instead of SQLite in the data directory (env BBK_DATABASE_URL; its schema: env BBK_DATABASE_SCHEMA)',
    )
    .option('--host <host>', 'interface to listen on (env BBK_HOST; default 127.0.0.1)')
    .option('--base-path <path>', 'the path every API is served under (env BBK_BASE_PATH; default v1)')
    .option('--coordinator-port <port>', 'env BBK_COORDINATOR_PORT; default 8001 (0 = any free port)')
    .option('--contributor-port <port>', 'env BBK_CONTRIBUTOR_PORT; default 8002')
    .option('--consumer-port <port>', 'env BBK_CONSUMER_PORT; default 8003')
    .option(
      '--log-level <level>',
      'request log: fatal, error, warn, info, debug, trace or silent (env BBK_LOG_LEVEL; default info)',
    )
    .option('--log-file <file>', 'append the JSON log to this file (env BBK_LOG_FILE; default standard error)')
    .option('--metrics-port <port>', 'serve Prometheus /metrics on this port (env BBK_METRICS_PORT; default off)')
    .option('--no-console', 'do not serve the web console at /console/ on the coordinator port (env BBK_CONSOLE=0)')
    .addHelpText(
      'after',
      examples(
        'bbk start',
        'bbk start --dev --data-dir /tmp/bbk',
        'bbk start --database postgres://bbk:secret@db.example.org:5432/bbk',
        'BBK_COORDINATOR_PORT=9001 bbk start --json',
        'bbk start --log-file /var/log/bbk.log --metrics-port 9464',
      ),
    )
    .action(run(undefined, async () => (await import('./index.js')).start));
}
