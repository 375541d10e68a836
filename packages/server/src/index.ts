import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { verifyToken } from './auth/tokens.js';
import { bootstrapUser, ensureSecret, reissueBootstrapToken } from './bootstrap.js';
import { resolveConfig, type ServerConfig, type ServerOptions } from './config.js';
import type { ServerContext } from './context.js';
import { buildSurface } from './http/app.js';
import { consumerRoutes } from './http/consumer/index.js';
import { contributorRoutes } from './http/contributor.js';
import { coordinatorRoutes } from './http/coordinator/index.js';
import { buildMetricsSurface } from './http/metrics-surface.js';
import { Limits } from './limits/index.js';
import { createLogSink, Metrics } from './observability/index.js';
import { PostgresStore } from './storage/postgres/postgres-store.js';
import { SqliteStore } from './storage/sqlite/sqlite-store.js';
import type { Store } from './storage/store.js';
import { SchemaCompiler } from './validation/schema-compiler.js';
import { WebhookClient } from './webhooks/index.js';

export type { LogLevel, ServerConfig, ServerMode, ServerOptions } from './config.js';
export { ConfigError, LOG_LEVELS, resolveConfig } from './config.js';
export { PostgisMissingError } from './storage/postgres/migrations.js';
export type { Store } from './storage/store.js';

/** Where the catalog lives: a PostgreSQL database when `database` is set, else SQLite in `dataDir`. */
export interface StoreLocation {
  dataDir: string;
  database?: string | undefined;
  databaseSchema?: string | undefined;
}

/** Opens (creating and migrating) the store the configuration names. */
async function openStore(where: StoreLocation): Promise<Store> {
  if (where.database) return PostgresStore.open({ url: where.database, schema: where.databaseSchema });
  return SqliteStore.open(where.dataDir);
}

/** A running bbk server. */
export interface RunningServer {
  /**
   * Base URLs of the three APIs, e.g. `http://127.0.0.1:8001/v1`, and, when `metricsPort` is set,
   * the Prometheus endpoint, e.g. `http://127.0.0.1:9464/metrics`.
   */
  urls: { coordinator: string; contributor: string; consumer: string; metrics?: string };
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
  const store = await openStore(config);
  const apps: FastifyInstance[] = [];
  const logs = createLogSink({ level: config.logLevel, file: config.logFile });
  const metrics = config.metricsPort === undefined ? undefined : new Metrics({ store });
  try {
    const secret = await ensureSecret(store);
    const bootstrapToken = await bootstrapUser(store, config);
    const ctx: ServerContext = {
      config,
      store,
      secret,
      auth: { verify: (token) => verifyToken(store, token) },
      limits: new Limits({ usage: store.catalog, now: config.now }),
      webhooks: new WebhookClient({
        timeoutMs: config.webhookTimeoutMs,
        now: config.now,
        ...(metrics ? { onCall: (id, outcome) => metrics.webhookCall(id, outcome) } : {}),
      }),
      schemas: new SchemaCompiler(),
      observers: { logger: logs?.logger, metrics },
    };
    await store.catalog.syncIndexes();
    const coordinator = buildSurface('coordinator', ctx, coordinatorRoutes(ctx));
    const contributor = buildSurface('contributor', ctx, contributorRoutes(ctx));
    const consumer = buildSurface('consumer', ctx, consumerRoutes(ctx));
    apps.push(coordinator, contributor, consumer);
    await coordinator.listen({ host: config.host, port: config.coordinatorPort });
    await contributor.listen({ host: config.host, port: config.contributorPort });
    await consumer.listen({ host: config.host, port: config.consumerPort });
    let metricsUrl: string | undefined;
    if (metrics) {
      const surface = buildMetricsSurface(metrics, store);
      apps.push(surface);
      await surface.listen({ host: config.host, port: config.metricsPort });
      metricsUrl = urlOf(surface, '/metrics');
    }
    const base = config.basePath ? `/${config.basePath}` : '';

    let closing: Promise<void> | undefined;
    return {
      urls: {
        coordinator: urlOf(coordinator, base),
        contributor: urlOf(contributor, base),
        consumer: urlOf(consumer, base),
        ...(metricsUrl ? { metrics: metricsUrl } : {}),
      },
      mode: config.mode,
      dataDir: config.dataDir,
      ...(bootstrapToken ? { bootstrapToken } : {}),
      close() {
        closing ??= (async () => {
          await Promise.allSettled(apps.map((a) => a.close()));
          await Promise.allSettled([ctx.limits.close(), ctx.webhooks.close(), ctx.schemas.close()]);
          await store.close();
          await logs?.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await Promise.allSettled(apps.map((a) => a.close()));
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
  const store = await openStore({ ...where, dataDir });
  try {
    await ensureSecret(store);
    return await reissueBootstrapToken(store);
  } finally {
    await store.close();
  }
}
