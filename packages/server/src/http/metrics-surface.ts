import Fastify, { type FastifyInstance } from 'fastify';
import { errorBody } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { Store } from '../storage/store.js';
import { healthRoutes } from './health.js';

/**
 * The metrics listener (`--metrics-port`): `GET /metrics` in the Prometheus text format, plus the
 * health probes. No token: it is meant for a port that only the monitoring system can reach.
 */
export function buildMetricsSurface(metrics: Metrics, store: Store, basePath = ''): FastifyInstance {
  const app = Fastify({ logger: false, forceCloseConnections: true, return503OnClosing: false });
  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
  // at the root and under the base path, as on every listener (docs/OPERATIONS.md)
  healthRoutes(app, store, basePath);
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send(errorBody(404));
  });
  app.setErrorHandler((_err, _req, reply) => {
    reply.code(500).send(errorBody(500));
  });
  return app;
}
