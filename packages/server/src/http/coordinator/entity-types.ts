import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.js';
import { entityTypes } from '../../services/entity-types.js';
import { bodyOf } from '../app.js';
import { resourceUrl } from '../urls.js';
import { lc, type P, routeOf } from './params.js';
import { entityTypeView } from './views.js';

/** Entity types (spec §2.4). */
export function entityTypeRoutes(ctx: ServerContext, app: FastifyInstance): void {
  app.get('/entity', async (req) => (await entityTypes.list(ctx)).map((e) => entityTypeView(routeOf(ctx, req), e)));
  app.get('/entity/:eid', async (req: P<'eid'>) =>
    entityTypeView(routeOf(ctx, req), await entityTypes.get(ctx, lc(req.params.eid)), true),
  );
  app.post('/entity/:eid', async (req: P<'eid'>, reply) => {
    await entityTypes.create(ctx, lc(req.params.eid), bodyOf(req), req.caller);
    return reply.code(201).header('location', resourceUrl(req)).send();
  });
  app.put('/entity/:eid', async (req: P<'eid'>, reply) => {
    await entityTypes.update(ctx, lc(req.params.eid), bodyOf(req), req.caller);
    return reply.code(204).send();
  });
  app.delete('/entity/:eid', async (req: P<'eid'>, reply) => {
    await entityTypes.delete(ctx, lc(req.params.eid), req.caller);
    return reply.code(204).send();
  });
}
