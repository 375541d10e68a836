import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.js';
import type { Store } from '../storage/store.js';
import { PROBE_ROUTE } from './observe.js';

/**
 * `GET /healthz` (liveness: the process answers) and `GET /readyz` (readiness: the database
 * answers a query and its schema is the newest migration), with no token, on every listener.
 * Registered at the root, where probes look, and under the base path (`/v1/healthz`).
 * Not ready: 503 in the standard error body, the message saying what failed.
 */
export function healthRoutes(app: FastifyInstance, store: Store, basePath: string): void {
  const prefixes = basePath ? ['', `/${basePath}`] : [''];
  for (const prefix of prefixes) {
    app.get(`${prefix}/healthz`, { config: PROBE_ROUTE }, async () => ({ status: 'ok' }));
    app.get(`${prefix}/readyz`, { config: PROBE_ROUTE }, async (_req, reply) => {
      const h = await store.health();
      const checks = {
        database: h.database ? 'ok' : 'failed',
        schema: { version: h.schemaVersion, expected: h.expectedSchemaVersion },
      };
      if (h.database && h.schemaVersion === h.expectedSchemaVersion) return { status: 'ok', checks };
      const why = !h.database
        ? `database does not answer${h.error ? `: ${h.error}` : ''}`
        : `database schema is at version ${h.schemaVersion}, this server needs ${h.expectedSchemaVersion}`;
      return reply
        .code(503)
        .header('retry-after', '5')
        .send(errorBody(503, `not ready: ${why}`));
    });
  }
}
