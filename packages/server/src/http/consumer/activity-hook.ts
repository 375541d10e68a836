import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConsumerRoute, QueryFeatures } from '../../activity/index.js';
import type { ServerContext } from '../../context.js';

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
 * Feeds every answered call of an access (production consumer token) to the activity monitor:
 * one synchronous, in-memory `record` per call, after the answer is sent.
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
    done();
  });
}
