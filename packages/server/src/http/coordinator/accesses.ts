import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.js';
import { accesses } from '../../services/accesses.js';
import { bodyOf, sendText } from '../app.js';
import { resourceUrl } from '../urls.js';
import { lc, type P, routeOf } from './params.js';
import { accessView } from './views.js';

/** Accesses: consumer tokens (spec §2.7); create and reissue take an optional `{ "expires": … }` (bbk). */
export function accessRoutes(ctx: ServerContext, app: FastifyInstance): void {
  app.get('/user/:uid/access', async (req: P<'uid'>) =>
    (await accesses.list(ctx, lc(req.params.uid))).map((a) => accessView(routeOf(ctx, req), a)),
  );
  app.get('/user/:uid/access/:pid', async (req: P<'uid' | 'pid'>) =>
    accessView(routeOf(ctx, req), await accesses.get(ctx, lc(req.params.uid), lc(req.params.pid))),
  );
  app.post('/user/:uid/access/:pid', async (req: P<'uid' | 'pid'>, reply) => {
    const token = await accesses.create(ctx, lc(req.params.uid), lc(req.params.pid), bodyOf(req), req.caller);
    reply.header('location', resourceUrl(req));
    return sendText(reply, 201, token);
  });
  app.put('/user/:uid/access/:pid', async (req: P<'uid' | 'pid'>, reply) =>
    sendText(reply, 200, await accesses.reissue(ctx, lc(req.params.uid), lc(req.params.pid), bodyOf(req), req.caller)),
  );
  app.delete('/user/:uid/access/:pid', async (req: P<'uid' | 'pid'>, reply) => {
    await accesses.delete(ctx, lc(req.params.uid), lc(req.params.pid), req.caller);
    return reply.code(204).send();
  });
}
