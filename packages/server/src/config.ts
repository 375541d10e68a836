import { resolve } from 'node:path';

/** How the server authenticates callers (spec §6, §9). */
export type ServerMode = 'production' | 'development';

/** pino log levels, most to least severe, and `silent` (no log at all). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options accepted by `startServer`. Every field has a default. */
export interface ServerOptions {
  /** `production` (tokens required, the default) or `development` (no auth, `x-bbk-audience`). */
  mode?: ServerMode;
  /** Directory that holds the SQLite database. Default `./.bbk`. Use `:memory:` for a throwaway store. */
  dataDir?: string;
  /**
   * A PostgreSQL URL (`postgres://user:password@host:5432/db`, env `BBK_DATABASE_URL`): the store is
   * then that database (PostGIS required) instead of SQLite in `dataDir`. Default: none (SQLite).
   */
  database?: string;
  /** Schema of bbk's tables in that database (env `BBK_DATABASE_SCHEMA`); it must exist. Default: the role's search path. */
  databaseSchema?: string;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Ports; `0` picks a free port. Defaults 8001, 8002, 8003. */
  coordinatorPort?: number;
  contributorPort?: number;
  consumerPort?: number;
  /** URL base path without surrounding slashes. Default `v1`. */
  basePath?: string;
  /** Request body limit in bytes. Default 100 MB (spec §1.5). */
  bodyLimit?: number;
  /** Webhook call timeout in milliseconds. Default 2000 (spec §5). */
  webhookTimeoutMs?: number;
  /** Log level (docs/OPERATIONS.md): one JSON line per request at `info`. Default `silent`. */
  logLevel?: LogLevel;
  /** Log file, appended to (created with its directory). Default: standard error. */
  logFile?: string;
  /** Deprecated: `true` is `logLevel: 'info'`. */
  logger?: boolean;
  /** Port of the Prometheus `/metrics` listener on `host`; `0` picks a free port. Default: no metrics. */
  metricsPort?: number;
  /** Bootstrap user details (spec §6.2). */
  bootstrap?: { name?: string; email?: string; organization?: string };
  /** Clock, injectable for tests. */
  now?: () => number;
}

/** Fully resolved configuration: no optional fields left. */
export interface ServerConfig {
  mode: ServerMode;
  dataDir: string;
  /** PostgreSQL URL; undefined: SQLite in `dataDir`. */
  database: string | undefined;
  databaseSchema: string | undefined;
  host: string;
  coordinatorPort: number;
  contributorPort: number;
  consumerPort: number;
  basePath: string;
  bodyLimit: number;
  webhookTimeoutMs: number;
  logLevel: LogLevel;
  logFile: string | undefined;
  metricsPort: number | undefined;
  bootstrap: { name: string; email: string; organization: string };
  now: () => number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function port(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError(`${name} must be a port number 0-65535, got "${value}"`);
  return n;
}

function optionalPort(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return port(value, name, 0);
}

function logLevel(value: unknown, legacy: boolean): LogLevel {
  if (value === undefined || value === null || value === '') return legacy ? 'info' : 'silent';
  const v = String(value).toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(v)) return v as LogLevel;
  throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
}

function database(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const url = String(value);
  // the URL may carry a password: never echo it
  if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError('database must be a postgres:// URL');
  return url;
}

function mode(value: unknown): ServerMode {
  if (value === undefined || value === null || value === '') return 'production';
  const v = String(value).toLowerCase();
  if (v === 'production' || v === 'prod') return 'production';
  if (v === 'development' || v === 'dev') return 'development';
  throw new ConfigError(`mode must be "production" or "development", got "${value}"`);
}

/**
 * Resolves options from, in order of precedence: explicit options, `BBK_*`
 * environment variables, defaults. Validated once, at start-up.
 * @example resolveConfig({ mode: 'development' }, process.env)
 */
export function resolveConfig(options: ServerOptions = {}, env: NodeJS.ProcessEnv = {}): ServerConfig {
  const dataDir = options.dataDir ?? env.BBK_DATA_DIR ?? '.bbk';
  const timeout = options.webhookTimeoutMs ?? (env.BBK_WEBHOOK_TIMEOUT_MS ? Number(env.BBK_WEBHOOK_TIMEOUT_MS) : 2000);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 60_000) {
    throw new ConfigError(`webhook timeout must be an integer 1-60000 ms, got "${timeout}"`);
  }
  const basePath = (options.basePath ?? env.BBK_BASE_PATH ?? 'v1').replace(/^\/+|\/+$/g, '');
  return {
    mode: mode(options.mode ?? env.BBK_MODE),
    dataDir: dataDir === ':memory:' ? dataDir : resolve(dataDir),
    database: database(options.database ?? env.BBK_DATABASE_URL),
    databaseSchema: options.databaseSchema || env.BBK_DATABASE_SCHEMA || undefined,
    host: options.host ?? env.BBK_HOST ?? '127.0.0.1',
    coordinatorPort: port(options.coordinatorPort ?? env.BBK_COORDINATOR_PORT, 'coordinator port', 8001),
    contributorPort: port(options.contributorPort ?? env.BBK_CONTRIBUTOR_PORT, 'contributor port', 8002),
    consumerPort: port(options.consumerPort ?? env.BBK_CONSUMER_PORT, 'consumer port', 8003),
    basePath,
    bodyLimit: options.bodyLimit ?? 100 * 1024 * 1024,
    webhookTimeoutMs: timeout,
    logLevel: logLevel(options.logLevel ?? env.BBK_LOG_LEVEL, options.logger ?? env.BBK_LOG === '1'),
    logFile: options.logFile || env.BBK_LOG_FILE || undefined,
    metricsPort: optionalPort(options.metricsPort ?? env.BBK_METRICS_PORT, 'metrics port'),
    bootstrap: {
      name: options.bootstrap?.name ?? env.BBK_BOOTSTRAP_USER_NAME ?? 'Admin',
      email: (options.bootstrap?.email ?? env.BBK_BOOTSTRAP_USER_EMAIL ?? 'noreply@bit-broker.io').toLowerCase(),
      organization: options.bootstrap?.organization ?? env.BBK_BOOTSTRAP_USER_ORG ?? 'BitBroker',
    },
    now: options.now ?? Date.now,
  };
}
