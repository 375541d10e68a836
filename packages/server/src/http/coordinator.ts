import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { accesses } from '../services/accesses.js';
import { connectors } from '../services/connectors.js';
import { entityTypes } from '../services/entity-types.js';
import { policies } from '../services/policies.js';
import { search } from '../services/search.js';
import { users } from '../services/users.js';
import { bodyOf, sendText } from './app.js';
import { accessView, connectorView, entityTypeView, policyView, userView } from './coordinator-views.js';
import { resourceUrl, routeUrl } from './urls.js';

type P<K extends string> = FastifyRequest<{ Params: Record<K, string> }>;

/** Path ids are lower-cased before use on the Coordinator API (spec §1.10). */
const lc = (s: string) => s.toLowerCase();

/** The Coordinator API (spec §2). Handlers parse, call a service, respond. */
export function coordinatorRoutes(ctx: ServerContext) {
  return (app: FastifyInstance) => {
    const route = (req: FastifyRequest) => routeUrl(req, ctx.config.basePath);

    // ---- entity types
    app.get('/entity', async (req) => (await entityTypes.list(ctx)).map((e) => entityTypeView(route(req), e)));
    app.get('/entity/:eid', async (req: P<'eid'>) =>
      entityTypeView(route(req), await entityTypes.get(ctx, lc(req.params.eid)), true),
    );
    app.post('/entity/:eid', async (req: P<'eid'>, reply) => {
      await entityTypes.create(ctx, lc(req.params.eid), bodyOf(req));
      return reply.code(201).header('location', resourceUrl(req)).send();
    });
    app.put('/entity/:eid', async (req: P<'eid'>, reply) => {
      await entityTypes.update(ctx, lc(req.params.eid), bodyOf(req));
      return reply.code(204).send();
    });
    app.delete('/entity/:eid', async (req: P<'eid'>, reply) => {
      await entityTypes.delete(ctx, lc(req.params.eid));
      return reply.code(204).send();
    });

    // ---- connectors
    app.get('/entity/:eid/connector', async (req: P<'eid'>) =>
      (await connectors.list(ctx, lc(req.params.eid))).map((c) => connectorView(route(req), c)),
    );
    app.get('/entity/:eid/connector/:cid', async (req: P<'eid' | 'cid'>) =>
      connectorView(route(req), await connectors.get(ctx, lc(req.params.eid), lc(req.params.cid)), true),
    );
    app.post('/entity/:eid/connector/:cid', async (req: P<'eid' | 'cid'>, reply) => {
      const created = await connectors.create(ctx, lc(req.params.eid), lc(req.params.cid), bodyOf(req));
      return reply.code(201).header('location', resourceUrl(req)).send(created);
    });
    app.put('/entity/:eid/connector/:cid', async (req: P<'eid' | 'cid'>, reply) => {
      await connectors.update(ctx, lc(req.params.eid), lc(req.params.cid), bodyOf(req));
      return reply.code(204).send();
    });
    app.delete('/entity/:eid/connector/:cid', async (req: P<'eid' | 'cid'>, reply) => {
      await connectors.delete(ctx, lc(req.params.eid), lc(req.params.cid));
      return reply.code(204).send();
    });
    app.post('/entity/:eid/connector/:cid/live', async (req: P<'eid' | 'cid'>, reply) => {
      await connectors.setLive(ctx, lc(req.params.eid), lc(req.params.cid), true);
      return reply.code(204).send();
    });
    app.delete('/entity/:eid/connector/:cid/live', async (req: P<'eid' | 'cid'>, reply) => {
      await connectors.setLive(ctx, lc(req.params.eid), lc(req.params.cid), false);
      return reply.code(204).send();
    });
    // bbk extension (spec §9): webhook health figures of a connector, see docs/WEBHOOKS.md
    app.get('/entity/:eid/connector/:cid/health', async (req: P<'eid' | 'cid'>) => {
      const c = await connectors.get(ctx, lc(req.params.eid), lc(req.params.cid));
      return {
        id: c.slug,
        url: `${connectorView(route(req), c).url}/health`,
        webhook: c.webhook,
        ...ctx.webhooks.health(c.id),
      };
    });

    // ---- policies
    app.get('/policy', async (req) => (await policies.list(ctx)).map((p) => policyView(route(req), p)));
    app.get('/policy/:pid', async (req: P<'pid'>) =>
      policyView(route(req), await policies.get(ctx, lc(req.params.pid)), true),
    );
    app.get(
      '/policy/:pid/access-control',
      async (req: P<'pid'>) => (await policies.get(ctx, lc(req.params.pid))).policy.access_control,
    );
    app.post('/policy/:pid', async (req: P<'pid'>, reply) => {
      await policies.create(ctx, lc(req.params.pid), bodyOf(req));
      return reply.code(201).header('location', resourceUrl(req)).send();
    });
    app.put('/policy/:pid', async (req: P<'pid'>, reply) => {
      await policies.update(ctx, lc(req.params.pid), bodyOf(req));
      return reply.code(204).send();
    });
    app.delete('/policy/:pid', async (req: P<'pid'>, reply) => {
      await policies.delete(ctx, lc(req.params.pid));
      return reply.code(204).send();
    });

    // ---- users
    app.get('/user', async (req) => (await users.list(ctx)).map((u) => userView(route(req), u)));
    app.get('/user/email/:email', async (req: P<'email'>) =>
      userView(route(req), await users.getByEmail(ctx, req.params.email), true),
    );
    app.get('/user/:uid', async (req: P<'uid'>) =>
      userView(route(req), await users.get(ctx, lc(req.params.uid)), true),
    );
    app.post('/user', async (req, reply) => {
      const id = await users.create(ctx, bodyOf(req));
      return reply
        .code(201)
        .header('location', `${resourceUrl(req)}/${id}`)
        .send();
    });
    app.put('/user/:uid', async (req: P<'uid'>, reply) => {
      await users.update(ctx, lc(req.params.uid), bodyOf(req));
      return reply.code(204).send();
    });
    app.delete('/user/:uid', async (req: P<'uid'>, reply) => {
      await users.delete(ctx, lc(req.params.uid), req.caller);
      return reply.code(204).send();
    });
    app.post('/user/:uid/coordinator', async (req: P<'uid'>, reply) =>
      sendText(reply, 200, await users.promote(ctx, lc(req.params.uid))),
    );
    app.delete('/user/:uid/coordinator', async (req: P<'uid'>, reply) => {
      await users.demote(ctx, lc(req.params.uid), req.caller);
      return reply.code(204).send();
    });

    // ---- accesses
    app.get('/user/:uid/access', async (req: P<'uid'>) =>
      (await accesses.list(ctx, lc(req.params.uid))).map((a) => accessView(route(req), a)),
    );
    app.get('/user/:uid/access/:pid', async (req: P<'uid' | 'pid'>) =>
      accessView(route(req), await accesses.get(ctx, lc(req.params.uid), lc(req.params.pid))),
    );
    app.post('/user/:uid/access/:pid', async (req: P<'uid' | 'pid'>, reply) => {
      const token = await accesses.create(ctx, lc(req.params.uid), lc(req.params.pid));
      reply.header('location', resourceUrl(req));
      return sendText(reply, 201, token);
    });
    app.put('/user/:uid/access/:pid', async (req: P<'uid' | 'pid'>, reply) =>
      sendText(reply, 200, await accesses.reissue(ctx, lc(req.params.uid), lc(req.params.pid))),
    );
    app.delete('/user/:uid/access/:pid', async (req: P<'uid' | 'pid'>, reply) => {
      await accesses.delete(ctx, lc(req.params.uid), lc(req.params.pid));
      return reply.code(204).send();
    });

    // ---- search
    app.get('/search/user/organization', async (req: FastifyRequest<{ Querystring: { q?: string } }>) =>
      search.organizations(ctx, req.query.q),
    );
    app.get('/search/entity/tags', async (req: FastifyRequest<{ Querystring: { q?: string } }>) =>
      search.entityTags(ctx, req.query.q),
    );
    app.get('/search/policy/tags', async (req: FastifyRequest<{ Querystring: { q?: string } }>) =>
      search.policyTags(ctx, req.query.q),
    );
  };
}
