import { existsSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ActivityMonitor } from './activity/index.js';
import { RememberedAdmissions } from './auth/remembered.js';
import { TokenUsage } from './auth/token-usage.js';
import { checkToken, presentedToken, verifyToken } from './auth/tokens.js';
import { bootstrapUser, ensureSecret, reissueBootstrapToken } from './bootstrap.js';
import { ConfigError, resolveConfig, type ServerConfig, type ServerOptions } from './config.js';
import type { ServerContext } from './context.js';
import { CONSOLE_PATH, consoleRoutes, findConsole } from './http/console.js';
import { buildMetricsSurface } from './http/metrics-surface.js';
import { buildSurfaces } from './http/surfaces.js';
import { Limits } from './limits/index.js';
import { createLogSink, Metrics } from './observability/index.js';
import { audit } from './services/audit.js';
import { noBbkDatabase, PostgresStore } from './storage/postgres/postgres-store.js';
import { SqliteStore } from './storage/sqlite/sqlite-store.js';
import type { Store } from './storage/store.js';
import type { TokenRow } from './storage/types.js';
import { SchemaCompiler } from './validation/schema-compiler.js';
import { WebhookClient } from './webhooks/index.js';

export type { LogLevel, ServerConfig, ServerMode, ServerOptions } from './config.js';
export { ConfigError, LOG_LEVELS, resolveConfig } from './config.js';
export {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  BundleError,
  type BundleErrorCode,
  type BundleHeader,
  readBundleHeader,
} from './storage/bundle/format.js';
export {
  exportBundle,
  importBundle,
  TransferError,
  type TransferErrorCode,
  type TransferProgress,
  type TransferResult,
  type TransferStore,
} from './storage/bundle/transfer.js';
export { DUMP_TABLES, type DumpCounts, type DumpTable } from './storage/dump.js';
export { PostgisMissingError, SchemaMissingError } from './storage/postgres/migrations.js';
export { verifyAuditFile } from './storage/sqlite/audit.js';

/**
 * Verifies the audit log of a PostgreSQL database (the schema `schema`, default the role's search path) without
 * writing anything: `bbk audit verify --database`. Throws a `ConfigError` when bbk never started there.
 * @example (await verifyAuditDatabase('postgres://bbk@db/bbk', 'bbk_prod')).intact
 */
export function verifyAuditDatabase(url: string, schema?: string) {
  return PostgresStore.verifyAudit({ url, ...(schema ? { schema } : {}) });
}
export {
  BackupError,
  type BackupErrorCode,
  type BackupOptions,
  type BackupProgress,
  type BackupResult,
  backupDatabase,
} from './storage/sqlite/backup.js';
export type { Store } from './storage/store.js';

/** Where the catalog lives: a PostgreSQL database when `database` is set, else SQLite in `dataDir`. */
export interface StoreLocation {
  dataDir: string;
  /** The automatic indexes (`startServer({ autoIndexes })`), on either engine. */
  autoIndexes?: ServerConfig['autoIndexes'] | undefined;
  database?: string | undefined;
  databaseSchema?: string | undefined;
}

/** Opens (creating and migrating) the store the configuration names. */
async function openStore(where: StoreLocation): Promise<Store> {
  const auto = where.autoIndexes ? { autoIndexes: where.autoIndexes } : {};
  if (where.database) return PostgresStore.open({ url: where.database, schema: where.databaseSchema, ...auto });
  // a data directory that is a file is a bad path (exit 2 from `bbk start`), not a failure to make it
  if (where.dataDir !== ':memory:' && existsSync(where.dataDir) && !statSync(where.dataDir).isDirectory())
    throw new ConfigError(`data directory ${where.dataDir} is not a directory`);
  return SqliteStore.open(where.dataDir, auto);
}

/** A running bbk server. */
export interface RunningServer {
  /**
   * Base URLs of the three APIs, e.g. `http://127.0.0.1:8001/v1`, and, when `metricsPort` is set,
   * the Prometheus endpoint, e.g. `http://127.0.0.1:9464/metrics`; unless turned off, the web console,
   * e.g. `http://127.0.0.1:8001/console/`.
   */
  urls: { coordinator: string; contributor: string; consumer: string; metrics?: string; console?: string };
  mode: ServerConfig['mode'];
  dataDir: string;
  /** The bootstrap coordinator token, only on the very first start of a data directory. */
  bootstrapToken?: string;
  /** Stops the listeners and closes the database. Idempotent. */
  close(): Promise<void>;
}

function urlOf(app: FastifyInstance, path: string): string {
  const addr = app.server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return `http://${host}:${addr.port}${path}`;
}

/**
 * Starts the embedded server: one store (SQLite in `dataDir`, or the PostgreSQL `database`), three listeners.
 * @example
 * const server = await startServer({ mode: 'development', dataDir: ':memory:', coordinatorPort: 0, contributorPort: 0, consumerPort: 0 });
 * console.log(server.urls.coordinator);
 * await server.close();
 */
export async function startServer(
  options: ServerOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningServer> {
  const config = resolveConfig(options, env);
  // the log first: a log file that cannot be written is a configuration error, before anything is opened
  const logs = createLogSink({ level: config.logLevel, file: config.logFile });
  let store: Store;
  try {
    store = await openStore(config);
  } catch (err) {
    await logs?.close();
    throw err;
  }
  const apps: FastifyInstance[] = [];
  const metrics = config.metricsPort === undefined ? undefined : new Metrics({ store });
  const usage = new TokenUsage({ tokens: store.tokens, now: config.now });
  try {
    const secret = await ensureSecret(store);
    const admissions = store.shared ? new RememberedAdmissions() : undefined;
    const remember = admissions && ((row: TokenRow) => admissions.rememberToken(row));
    const ctx: ServerContext = {
      config,
      store,
      secret,
      auth: {
        async verify(token, kind) {
          const check = await verifyToken(store, token, config.now(), remember);
          if (!check.ok) return check;
          if (check.kind !== kind) return { ok: false, status: 401 };
          if (config.consumerAccounting) usage.touch(check.keyId);
          return check;
        },
        remembered(token, kind) {
          const presented = admissions && presentedToken(token);
          const row = presented && admissions.token(presented.keyId);
          if (!row || presented.kind !== kind) return undefined;
          const check = checkToken(presented, row, config.now());
          return check.ok ? check : undefined;
        },
        confirmed(keyId) {
          if (config.consumerAccounting) usage.touch(keyId);
        },
        flushUses: () => usage.flush(),
      },
      admissions,
      limits: new Limits({ usage: store.catalog, now: config.now }),
      webhooks: new WebhookClient({
        timeoutMs: config.webhookTimeoutMs,
        now: config.now,
        ...(metrics ? { onCall: (id, outcome) => metrics.webhookCall(id, outcome) } : {}),
      }),
      schemas: new SchemaCompiler(),
      activity: new ActivityMonitor({
        store: store.activity,
        now: config.now,
        thresholds: config.detectors,
        flushIntervalMs: config.usageFlushMs,
        shared: store.shared,
      }),
      observers: { logger: logs?.logger, requestLog: logs?.requestLog, metrics },
    };
    await store.catalog.syncIndexes();
    await ctx.activity.start();
    const { coordinator, contributor, consumer } = buildSurfaces(ctx);
    apps.push(coordinator, contributor, consumer);
    const ports = { contributor: 0, consumer: 0 };
    if (config.console) {
      const site = { dir: config.consoleDir ?? (await findConsole()), basePath: config.basePath, mode: config.mode };
      await consoleRoutes(coordinator, { ...site, ports: () => ports });
    }
    await coordinator.listen({ host: config.host, port: config.coordinatorPort });
    await contributor.listen({ host: config.host, port: config.contributorPort });
    await consumer.listen({ host: config.host, port: config.consumerPort });
    ports.contributor = (contributor.server.address() as AddressInfo).port;
    ports.consumer = (consumer.server.address() as AddressInfo).port;
    let metricsUrl: string | undefined;
    if (metrics) {
      const surface = buildMetricsSurface(metrics, store, config.basePath);
      apps.push(surface);
      await surface.listen({ host: config.host, port: config.metricsPort });
      metricsUrl = urlOf(surface, '/metrics');
    }
    // once every listener is bound: a start that fails (a port in use) must not spend the one bootstrap token
    const bootstrapToken = await bootstrapUser(store, config);
    const base = config.basePath ? `/${config.basePath}` : '';
    for (const [api, app] of [
      ['coordinator', coordinator],
      ['contributor', contributor],
      ['consumer', consumer],
    ] as const)
      logs?.logger.info({ api, url: urlOf(app, base) }, 'listening');
    if (metricsUrl) logs?.logger.info({ api: 'metrics', url: metricsUrl }, 'listening');

    let closing: Promise<void> | undefined;
    return {
      urls: {
        coordinator: urlOf(coordinator, base),
        contributor: urlOf(contributor, base),
        consumer: urlOf(consumer, base),
        ...(metricsUrl ? { metrics: metricsUrl } : {}),
        ...(config.console ? { console: urlOf(coordinator, `${CONSOLE_PATH}/`) } : {}),
      },
      mode: config.mode,
      dataDir: config.dataDir,
      ...(bootstrapToken ? { bootstrapToken } : {}),
      close() {
        closing ??= (async () => {
          await Promise.allSettled(apps.map((a) => a.close()));
          // the consumer activity of the minute in progress is written before the store closes
          await Promise.allSettled([
            ctx.limits.close(),
            ctx.activity.close(),
            ctx.webhooks.close(),
            ctx.schemas.close(),
            audit.close(ctx),
            usage.close(),
          ]);
          await store.close();
          await logs?.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await Promise.allSettled(apps.map((a) => a.close()));
    await usage.close();
    await store.close();
    await logs?.close();
    throw err;
  }
}

/**
 * Issues a fresh bootstrap coordinator token for the data directory (or, with `database`, that
 * PostgreSQL database), rescinding the previous one (`bbk token bootstrap`).
 */
export async function issueBootstrapToken(
  dataDir: string,
  where: Omit<StoreLocation, 'dataDir'> = {},
): Promise<{ userId: number; token: string }> {
  // a schema bbk never started on holds no bootstrap user: said so, and nothing is created there
  if (where.database && !(await PostgresStore.exists({ url: where.database, schema: where.databaseSchema })))
    throw new ConfigError(
      `${noBbkDatabase(where.databaseSchema)}: give the database of a server started at least once`,
    );
  const store = await openStore({ ...where, dataDir });
  try {
    await ensureSecret(store);
    return await reissueBootstrapToken(store);
  } finally {
    await store.close();
  }
}
