import { resolve } from 'node:path';
import { DEFAULT_THRESHOLDS, DETECTOR_NAMES, type DetectorThresholds, type Threshold } from './activity/index.js';

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
  /** Serve the web console at `/console/` on the coordinator listener (docs/CONSOLE.md). Default `true`; env `BBK_CONSOLE=0` turns it off. */
  console?: boolean;
  /** Directory of the built console. Default: the `@bbk/console` package's `dist/`. */
  consoleDir?: string;
  /** Bootstrap user details (spec §6.2). */
  bootstrap?: { name?: string; email?: string; organization?: string };
  /**
   * Violation detector thresholds (docs/USAGE.md): `{ count, windowSeconds }` per detector, `null`
   * turns one off. Env `BBK_DETECT_RATE_LIMIT`, `BBK_DETECT_ENUMERATION`, `BBK_DETECT_MASKED_PATHS`,
   * `BBK_DETECT_GEO_TILING` as `count/seconds` (e.g. `20/60`) or `off`.
   */
  detectors?: Partial<DetectorThresholds>;
  /** How often consumer usage and violation flags are written (ms). Default 2000; env `BBK_USAGE_FLUSH_MS`. */
  usageFlushMs?: number;
  /**
   * Count every consumer call for the audit trail's activity minutes, per-access usage, the violation
   * detectors and token last use (docs/AUDIT.md, docs/USAGE.md). Default `true`. `false` exists only so
   * that `bench/overhead.mjs` can measure a baseline without them: the audit trail then records no
   * consumer activity, usage stays empty and no detector runs. No environment variable or CLI flag sets it.
   */
  consumerAccounting?: boolean;
  /**
   * With `consumerAccounting` on: whether consumer calls are also summarised in the audit trail's activity
   * minutes (docs/AUDIT.md). Default `true`. `false` exists only so that `bench/overhead.mjs` can measure
   * logging, metrics and the audit trail against a reference that keeps per-access usage, the violation
   * detectors and token last use (which the issue lists as features of their own). No environment variable or
   * CLI flag sets it.
   */
  auditActivity?: boolean;
  /**
   * Indexes that build themselves on the paths consumers filter on (docs/OPERATIONS.md): at most `max`
   * (default 8, 0 = off; `BBK_AUTO_INDEXES`), never on `forbid` paths (`BBK_AUTO_INDEX_FORBID`, comma-separated).
   */
  autoIndexes?: { max?: number; forbid?: readonly string[] };
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
  /** Whether `/console/` is served. */
  console: boolean;
  consoleDir: string | undefined;
  bootstrap: { name: string; email: string; organization: string };
  detectors: DetectorThresholds;
  usageFlushMs: number;
  /** Whether consumer calls are counted (audit activity, usage, detectors, token last use). */
  consumerAccounting: boolean;
  /** Whether counted consumer calls are summarised in the audit trail's activity minutes. */
  auditActivity: boolean;
  autoIndexes: { max: number; forbid: readonly string[] };
  now: () => number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A database schema bbk accepts: plain lower-case, never quoted, within PostgreSQL's 63 bytes (longer names are cut). */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function schemaName(value: string | undefined): string | undefined {
  if (value !== undefined && !SCHEMA_NAME.test(value))
    throw new ConfigError(`database schema must be a plain lower-case name (a-z, 0-9, _; at most 63), got "${value}"`);
  return value;
}

/**
 * A whole number from the environment, written in decimal digits only (as the CLI's flags take them): `Number`
 * alone would also read `0x10`, `0b1`, `1e3` and `" 8 "`. NaN when it is anything else.
 */
function decimal(value: unknown): number {
  if (typeof value === 'number') return value;
  const text = String(value);
  return /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
}

function port(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = decimal(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError(`${name} must be a port number 0-65535, got "${value}"`);
  return n;
}

function autoIndexes(options: ServerOptions['autoIndexes'], env: NodeJS.ProcessEnv): ServerConfig['autoIndexes'] {
  const given = options?.max ?? (env.BBK_AUTO_INDEXES || undefined);
  const max = given === undefined ? 8 : decimal(given);
  if (!Number.isInteger(max) || max < 0 || max > 64) {
    throw new ConfigError(`automatic indexes must be an integer 0-64, got "${given}"`);
  }
  const forbid = options?.forbid ?? (env.BBK_AUTO_INDEX_FORBID ?? '').split(',').map((p) => p.trim());
  return { max, forbid: forbid.filter((p) => p !== '') };
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

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  const v = String(value).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be 1 or 0 (true or false), got "${value}"`);
}

function mode(value: unknown): ServerMode {
  if (value === undefined || value === null || value === '') return 'production';
  const v = String(value).toLowerCase();
  if (v === 'production' || v === 'prod') return 'production';
  if (v === 'development' || v === 'dev') return 'development';
  throw new ConfigError(`mode must be "production" or "development", got "${value}"`);
}

function threshold(value: string, name: string): Threshold | null {
  if (value.trim().toLowerCase() === 'off') return null;
  const m = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*$/.exec(value);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
    throw new ConfigError(`${name} must be "count/seconds" (e.g. 20/60) or "off", got "${value}"`);
  return { count: Number(m[1]), windowSeconds: Number(m[2]) };
}

/** Detector thresholds: options, then `BBK_DETECT_<NAME>` (`count/seconds` or `off`), then the defaults. */
function detectors(options: Partial<DetectorThresholds> | undefined, env: NodeJS.ProcessEnv): DetectorThresholds {
  const out = { ...DEFAULT_THRESHOLDS };
  for (const name of DETECTOR_NAMES) {
    const variable = `BBK_DETECT_${name.toUpperCase().replace(/-/g, '_')}`;
    if (options && name in options) out[name] = options[name] ?? null;
    else if (env[variable]) out[name] = threshold(env[variable], variable);
  }
  return out;
}

function flushMs(value: unknown): number {
  if (value === undefined || value === null || value === '') return 2000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 10 || n > 600_000)
    throw new ConfigError(`usage flush interval must be an integer 10-600000 ms, got "${value}"`);
  return n;
}

/**
 * Resolves options from, in order of precedence: explicit options, `BBK_*`
 * environment variables, defaults. Validated once, at start-up.
 * @example resolveConfig({ mode: 'development' }, process.env)
 */
export function resolveConfig(options: ServerOptions = {}, env: NodeJS.ProcessEnv = {}): ServerConfig {
  const dataDir = options.dataDir ?? env.BBK_DATA_DIR ?? '.bbk';
  const givenTimeout = options.webhookTimeoutMs ?? (env.BBK_WEBHOOK_TIMEOUT_MS || undefined);
  const timeout = givenTimeout === undefined ? 2000 : decimal(givenTimeout);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 60_000) {
    throw new ConfigError(`webhook timeout must be an integer 1-60000 ms, got "${givenTimeout}"`);
  }
  const basePath = (options.basePath ?? env.BBK_BASE_PATH ?? 'v1').replace(/^\/+|\/+$/g, '');
  // plain path segments: a route prefix, and part of every URL the API writes
  if (!/^([A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*)?$/.test(basePath))
    throw new ConfigError(
      `base path must be path segments of letters, digits and ._~- (e.g. api/v2), got "${basePath}"`,
    );
  return {
    mode: mode(options.mode ?? env.BBK_MODE),
    dataDir: dataDir === ':memory:' ? dataDir : resolve(dataDir),
    database: database(options.database ?? env.BBK_DATABASE_URL),
    databaseSchema: schemaName(options.databaseSchema || env.BBK_DATABASE_SCHEMA || undefined),
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
    console: flag(options.console ?? env.BBK_CONSOLE, 'BBK_CONSOLE', true),
    consoleDir: options.consoleDir || undefined,
    bootstrap: {
      name: options.bootstrap?.name ?? env.BBK_BOOTSTRAP_USER_NAME ?? 'Admin',
      email: (options.bootstrap?.email ?? env.BBK_BOOTSTRAP_USER_EMAIL ?? 'noreply@bit-broker.io').toLowerCase(),
      organization: options.bootstrap?.organization ?? env.BBK_BOOTSTRAP_USER_ORG ?? 'BitBroker',
    },
    detectors: detectors(options.detectors, env),
    usageFlushMs: flushMs(options.usageFlushMs ?? env.BBK_USAGE_FLUSH_MS),
    consumerAccounting: options.consumerAccounting ?? true,
    auditActivity: options.auditActivity ?? true,
    autoIndexes: autoIndexes(options.autoIndexes, env),
    now: options.now ?? Date.now,
  };
}
