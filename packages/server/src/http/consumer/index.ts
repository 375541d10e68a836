import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdmissionChanged } from '../../auth/remembered.js';
import type { ServerContext } from '../../context.js';
import { catalog } from '../../services/catalog.js';
import { type ConsumerCall, consumerScope, RateLimited, Suspended } from '../../services/consumer-scope.js';
import { authenticateFromDatabase } from '../app.js';
import { routeUrl } from '../urls.js';
import { activityHook, served } from './activity-hook.js';
import { setRateLimitHeaders } from './rate-limit-headers.js';
import { entityTypeItemsView, recordDetailView, recordItemsView } from './views.js';

type Req<K extends string = never> = FastifyRequest<{
  Params: Record<K, string>;
  Querystring: Record<string, unknown>;
}>;

/** Path params are lower-cased, not validated (spec §4.1). */
const lc = (s: string) => s.toLowerCase();

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * The Consumer API (spec §4). Every handler first admits the call (policy,
 * rate, quota → 429), then validates parameters (400), then reads through the
 * policy scope (403 without a policy, 404 outside it).
 */
export function consumerRoutes(ctx: ServerContext) {
  return (app: FastifyInstance) => {
    const call = (req: FastifyRequest, witnessed: boolean): ConsumerCall => ({
      caller: req.caller,
      audience: header(req, 'x-bbk-audience'),
      connectors: header(req, 'x-bbk-connectors'),
      route: routeUrl(req, ctx.config.basePath),
      witnessed,
    });
    const admit = async (req: FastifyRequest, reply: FastifyReply, witnessed = false) => {
      const admitted = await consumerScope.admit(ctx, call(req, witnessed));
      req.policySlug = admitted.policy?.slug ?? null; // for the request log
      setRateLimitHeaders(reply, admitted.limits);
      return admitted;
    };

    app.addHook('onError', async (_req, reply, err) => {
      if (err instanceof RateLimited) {
        reply.header('retry-after', String(err.retryAfter));
        setRateLimitHeaders(reply, err.limits);
      }
      if (err instanceof Suspended) reply.header('x-bbk-suspended', err.reason);
    });
    activityHook(ctx, app, ctx.config.basePath ? `/${ctx.config.basePath}` : '');

    app.get('/catalog', async (req: Req, reply) => {
      const a = await admit(req, reply);
      const page = await catalog.query(ctx, a, req.query);
      return served(req, recordItemsView(a.call.route, page), page.features);
    });
    app.get('/entity', async (req: Req, reply) => {
      const a = await admit(req, reply);
      return served(req, entityTypeItemsView(a.call.route, await catalog.entityTypes(ctx, a, req.query)));
    });
    app.get('/entity/:type', async (req: Req<'type'>, reply) => {
      const a = await admit(req, reply);
      return served(req, recordItemsView(a.call.route, await catalog.entities(ctx, a, lc(req.params.type), req.query)));
    });
    // On a store several processes share, a detail may be admitted on what this process remembers and
    // confirmed by its record read (auth/remembered.ts); when that state changed, it is admitted again.
    app.get('/entity/:type/:id', { config: { bbkWitnessed: true } }, async (req: Req<'type' | 'id'>, reply) => {
      const detail = async (witnessed: boolean) => {
        const a = await admit(req, reply, witnessed);
        const d = await catalog.entity(ctx, a, lc(req.params.type), lc(req.params.id));
        return served(req, recordDetailView(a.call.route, d));
      };
      if (!ctx.admissions) return detail(false);
      try {
        return await detail(true);
      } catch (err) {
        if (!(err instanceof AdmissionChanged)) throw err;
      }
      if (req.caller?.remembered) await authenticateFromDatabase(ctx, req, 'consumer');
      return detail(false);
    });
    app.get('/entity/:type/:id/timeseries/:tsid', async (req: Req<'type' | 'id' | 'tsid'>, reply) => {
      const { type, id, tsid } = req.params;
      const ids = { type: lc(type), id: lc(id), tsid: lc(tsid) };
      const { points, outcome } = await catalog.timeseries(ctx, await admit(req, reply), ids, req.query);
      // `x-bbk-webhook: ok|failed|none` tells a failed webhook from an empty series (the body is `[]` for both)
      reply.header('x-bbk-webhook', outcome);
      return served(req, points);
    });
  };
}
