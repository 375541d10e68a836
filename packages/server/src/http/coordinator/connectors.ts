import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.js';
import { connectors } from '../../services/connectors.js';
import { bodyOf, sendText } from '../app.js';
import { resourceUrl } from '../urls.js';
import { lc, type P, routeOf } from './params.js';
import { connectorView } from './views.js';

/** Connectors (spec §2.5), and their webhook health (bbk extension, docs/WEBHOOKS.md). */
export function connectorRoutes(ctx: ServerContext, app: FastifyInstance): void {
  app.get('/entity/:eid/connector', async (req: P<'eid'>) =>
    (await connectors.list(ctx, lc(req.params.eid))).map((c) => connectorView(routeOf(ctx, req), c)),
  );
  app.get('/entity/:eid/connector/:cid', async (req: P<'eid' | 'cid'>) =>
    connectorView(routeOf(ctx, req), await connectors.get(ctx, lc(req.params.eid), lc(req.params.cid)), true),
  );
  app.post('/entity/:eid/connector/:cid', async (req: P<'eid' | 'cid'>, reply) => {
    const created = await connectors.create(ctx, lc(req.params.eid), lc(req.params.cid), bodyOf(req), req.caller);
    return reply.code(201).header('location', resourceUrl(req)).send(created);
  });
  app.put('/entity/:eid/connector/:cid', async (req: P<'eid' | 'cid'>, reply) => {
    await connectors.update(ctx, lc(req.params.eid), lc(req.params.cid), bodyOf(req), req.caller);
    return reply.code(204).send();
  });
  app.delete('/entity/:eid/connector/:cid', async (req: P<'eid' | 'cid'>, reply) => {
    await connectors.delete(ctx, lc(req.params.eid), lc(req.params.cid), req.caller);
    return reply.code(204).send();
  });
  // bbk extension: a new contributor token (the old one is revoked), optional body { "expires": … }
  app.put('/entity/:eid/connector/:cid/token', async (req: P<'eid' | 'cid'>, reply) =>
    sendText(
      reply,
      200,
      await connectors.reissueToken(ctx, lc(req.params.eid), lc(req.params.cid), bodyOf(req), req.caller),
    ),
  );
  app.post('/entity/:eid/connector/:cid/live', async (req: P<'eid' | 'cid'>, reply) => {
    await connectors.setLive(ctx, lc(req.params.eid), lc(req.params.cid), true, req.caller);
    return reply.code(204).send();
  });
  app.delete('/entity/:eid/connector/:cid/live', async (req: P<'eid' | 'cid'>, reply) => {
    await connectors.setLive(ctx, lc(req.params.eid), lc(req.params.cid), false, req.caller);
    return reply.code(204).send();
  });
  // bbk extension (spec §9): webhook health figures of a connector, see docs/WEBHOOKS.md
  app.get('/entity/:eid/connector/:cid/health', async (req: P<'eid' | 'cid'>) => {
    const c = await connectors.get(ctx, lc(req.params.eid), lc(req.params.cid));
    return {
      id: c.slug,
      url: `${connectorView(routeOf(ctx, req), c).url}/health`,
      webhook: c.webhook,
      ...ctx.webhooks.health(c.id),
    };
  });
}
