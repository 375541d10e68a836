import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.js';
import { users } from '../../services/users.js';
import { bodyOf, sendText } from '../app.js';
import { resourceUrl } from '../urls.js';
import { lc, type P, routeOf } from './params.js';
import { userView } from './views.js';

/** Users and the coordinator role (spec §2.3). */
export function userRoutes(ctx: ServerContext, app: FastifyInstance): void {
  app.get('/user', async (req) => (await users.list(ctx)).map((u) => userView(routeOf(ctx, req), u)));
  app.get('/user/email/:email', async (req: P<'email'>) =>
    userView(routeOf(ctx, req), await users.getByEmail(ctx, req.params.email), true),
  );
  app.get('/user/:uid', async (req: P<'uid'>) =>
    userView(routeOf(ctx, req), await users.get(ctx, lc(req.params.uid)), true),
  );
  app.post('/user', async (req, reply) => {
    const id = await users.create(ctx, bodyOf(req), req.caller);
    return reply
      .code(201)
      .header('location', `${resourceUrl(req)}/${id}`)
      .send();
  });
  app.put('/user/:uid', async (req: P<'uid'>, reply) => {
    await users.update(ctx, lc(req.params.uid), bodyOf(req), req.caller);
    return reply.code(204).send();
  });
  app.delete('/user/:uid', async (req: P<'uid'>, reply) => {
    await users.delete(ctx, lc(req.params.uid), req.caller);
    return reply.code(204).send();
  });
  app.post('/user/:uid/coordinator', async (req: P<'uid'>, reply) =>
    sendText(reply, 200, await users.promote(ctx, lc(req.params.uid), req.caller)),
  );
  app.delete('/user/:uid/coordinator', async (req: P<'uid'>, reply) => {
    await users.demote(ctx, lc(req.params.uid), req.caller);
    return reply.code(204).send();
  });
}
