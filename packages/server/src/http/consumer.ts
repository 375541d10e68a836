import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { type ConsumerCall, createCatalogService, RateLimited } from '../services/catalog.js';
import { routeUrl } from './urls.js';

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
  const catalog = createCatalogService(ctx);
  return (app: FastifyInstance) => {
    const call = (req: FastifyRequest): ConsumerCall => ({
      caller: req.caller,
      audience: header(req, 'x-bbk-audience'),
      connectors: header(req, 'x-bbk-connectors'),
      route: routeUrl(req, ctx.config.basePath),
    });
    const admit = async (req: FastifyRequest) => {
      const admitted = await catalog.admit(call(req));
      req.policySlug = admitted.policy?.slug ?? null; // for the request log
      return admitted;
    };

    app.addHook('onError', async (_req, reply, err) => {
      if (err instanceof RateLimited) reply.header('retry-after', String(err.retryAfter));
    });

    app.get('/catalog', async (req: Req) => catalog.catalog(await admit(req), req.query));
    app.get('/entity', async (req: Req) => catalog.entityTypes(await admit(req), req.query));
    app.get('/entity/:type', async (req: Req<'type'>) =>
      catalog.entities(await admit(req), lc(req.params.type), req.query),
    );
    app.get('/entity/:type/:id', async (req: Req<'type' | 'id'>) =>
      catalog.entity(await admit(req), lc(req.params.type), lc(req.params.id)),
    );
    app.get('/entity/:type/:id/timeseries/:tsid', async (req: Req<'type' | 'id' | 'tsid'>) => {
      const { type, id, tsid } = req.params;
      return catalog.timeseries(await admit(req), { type: lc(type), id: lc(id), tsid: lc(tsid) }, req.query);
    });
  };
}
