import type { RunningServer, ServerOptions } from '@bbk/server';
import type { CommandContext } from '../../lib/context.js';
import { CliError, EXIT, UsageError } from '../../lib/exit-codes.js';
import { lazy, type Output } from '../../lib/output.js';
import { integer } from '../../lib/read-input.js';
import { databaseOpenError } from '../../lib/store-location.js';

export interface StartOptions {
  dev?: boolean;
  dataDir?: string;
  database?: string;
  host?: string;
  basePath?: string;
  coordinatorPort?: string;
  contributorPort?: string;
  consumerPort?: string;
  logLevel?: string;
  logFile?: string;
  metricsPort?: string;
  /** `--no-console` sets false. */
  console?: boolean;
}

/**
 * `bbk start`: runs the embedded server until SIGINT or SIGTERM, then closes the listeners and the database.
 * Flags win over `BBK_MODE`, `BBK_DATA_DIR`, `BBK_DATABASE_URL`, `BBK_HOST`, `BBK_*_PORT`, `BBK_LOG_LEVEL`, `BBK_LOG_FILE`,
 * `BBK_METRICS_PORT`, which win over the defaults. Unlike the embedded server (silent), `bbk start` logs
 * requests at `info` by default.
 */
export async function start(options: StartOptions, ctx: CommandContext): Promise<Output | undefined> {
  const serverModule = await import('@bbk/server');
  const { startServer, ConfigError } = serverModule;
  const serverOptions: ServerOptions = {};
  if (options.dev) serverOptions.mode = 'development';
  if (options.dataDir !== undefined) serverOptions.dataDir = options.dataDir;
  if (options.database !== undefined) serverOptions.database = options.database;
  if (options.host !== undefined) serverOptions.host = options.host;
  if (options.basePath !== undefined) serverOptions.basePath = options.basePath;
  if (options.console === false) serverOptions.console = false;
  const ports = {
    coordinatorPort: integer(options.coordinatorPort, '--coordinator-port', 0, 65535),
    contributorPort: integer(options.contributorPort, '--contributor-port', 0, 65535),
    consumerPort: integer(options.consumerPort, '--consumer-port', 0, 65535),
  };
  for (const [key, value] of Object.entries(ports))
    if (value !== undefined) Object.assign(serverOptions, { [key]: value });
  Object.assign(serverOptions, observability(options, ctx.io.env));

  let server: RunningServer;
  try {
    server = await startServer(serverOptions, ctx.io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    if (serverOptions.database || ctx.io.env.BBK_DATABASE_URL) {
      const refused = databaseOpenError(error, serverModule);
      if (refused) throw refused;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      const { address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
      throw new CliError(
        `cannot listen on ${address ?? 'host'}:${port ?? '?'} (${code}): choose other ports or --host`,
        EXIT.FAILURE,
      );
    }
    throw error;
  }

  // Handlers stay installed while closing: a signal may arrive twice (from the terminal and from
  // `pnpm bbk`, which forwards it), and the second must not kill the process before the database is closed.
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = resolve;
  });
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  // The token is printed in production mode only: a development server needs none, and a data directory
  // moved to production later gets one from `bbk token bootstrap`.
  const token = server.mode === 'production' ? server.bootstrapToken : undefined;
  const ready = {
    urls: server.urls,
    mode: server.mode,
    dataDir: server.dataDir,
    ...(token ? { bootstrapToken: token } : {}),
  };
  // where the data is, as the banner says it: on PostgreSQL the data directory holds nothing (never the URL: it may
  // carry a password)
  const schema = ctx.io.env.BBK_DATABASE_SCHEMA;
  const storeLabel =
    (serverOptions.database ?? ctx.io.env.BBK_DATABASE_URL)
      ? `PostgreSQL${schema ? ` (schema ${schema})` : ''}`
      : server.dataDir;
  if (ctx.format === 'json') ctx.io.stdout.write(`${JSON.stringify(ready)}\n`);
  else
    await ctx.print({
      data: ready,
      ids: Object.values(server.urls),
      view: lazy(
        () => import('./view.js'),
        (v) => <v.ReadyView {...ready} store={storeLabel} />,
      ),
    });

  const signal = await stopped;
  await server.close();
  for (const s of signals) process.removeListener(s, onSignal);
  if (ctx.format === 'human') ctx.io.stderr.write(`bbk stopped (${signal}); database closed.\n`);
  return undefined;
}

/** `--log-level`, `--log-file`, `--metrics-port`; a server run from the command line logs at `info` by default. */
function observability(options: StartOptions, env: NodeJS.ProcessEnv): ServerOptions {
  const out: ServerOptions = {};
  const level = options.logLevel ?? (env.BBK_LOG_LEVEL || env.BBK_LOG ? undefined : 'info');
  if (level !== undefined) out.logLevel = level as ServerOptions['logLevel']; // checked by the server's config
  if (options.logFile !== undefined) out.logFile = options.logFile;
  const metricsPort = integer(options.metricsPort, '--metrics-port', 0, 65535);
  if (metricsPort !== undefined) out.metricsPort = metricsPort;
  return out;
}
