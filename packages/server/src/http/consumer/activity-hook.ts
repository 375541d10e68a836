import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConsumerRoute, QueryFeatures } from '../../activity/index.js';
import type { ServerContext } from '../../context.js';
import { audit } from '../../services/audit.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Consumer calls: what the answer served, for usage and the violation detectors. */
    served: { records: number; features?: QueryFeatures } | null;
  }
}

const ROUTES: Record<string, ConsumerRoute> = {
  '/catalog': 'catalog',
  '/entity': 'entity-types',
  '/entity/:type': 'entities',
  '/entity/:type/:id': 'entity',
  '/entity/:type/:id/timeseries/:tsid': 'timeseries',
};

/** Notes what a consumer answer served (items; query features of `/catalog`) and returns the answer. */
export function served<T extends unknown[] | object>(req: FastifyRequest, answer: T, features?: QueryFeatures): T {
  req.served = { records: Array.isArray(answer) ? answer.length : 1, ...(features ? { features } : {}) };
  return answer;
}

/**
 * One hook for what is counted of every answered consumer call, after the answer is sent, in memory:
 * the calls of an access (production consumer token) feed the activity monitor (usage and the
 * violation detectors, docs/USAGE.md), and every consumer call, or in development every call under a
 * policy, the audit log's per-minute activity (docs/AUDIT.md).
 */
export function activityHook(ctx: ServerContext, app: FastifyInstance, prefix: string): void {
  app.decorateRequest('served', null);
  app.addHook('onResponse', (req, reply, done) => {
    const caller = req.caller;
    const route = ROUTES[(req.routeOptions.url ?? '').slice(prefix.length)];
    if (ctx.config.mode === 'production' && caller?.kind === 'consumer' && route) {
      const status = reply.statusCode;
      const ok = status === 200 && req.served;
      const params = req.params as { id?: string };
      ctx.activity.record({
        accessId: caller.subject,
        at: ctx.config.now(),
        route,
        status,
        records: ok ? (req.served?.records ?? 0) : 0,
        limitedBy: status === 429 ? (req.limitedBy ?? null) : null,
        ...(typeof params.id === 'string' ? { id: params.id.toLowerCase() } : {}),
        ...(ok && req.served?.features ? req.served.features : {}),
      });
    }
    const key =
      caller?.kind === 'consumer'
        ? `access:${caller.subject}`
        : req.policySlug && ctx.config.mode !== 'production'
          ? `policy:${req.policySlug}`
          : undefined;
    if (key) audit.consumerCall(ctx, key, { records: req.served?.records ?? 0, limited: reply.statusCode === 429 });
    done();
  });
}
