import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.js';
import { activity } from '../../services/activity.js';
import { bodyOf } from '../app.js';
import { guardView, usageView, violationView } from './activity-views.js';
import { lc, type P, routeOf } from './params.js';

type Q = FastifyRequest<{ Querystring: Record<string, unknown> }>;
type PQ<K extends string> = FastifyRequest<{ Params: Record<K, string>; Querystring: Record<string, unknown> }>;

/** Per-access usage, violation flags and guards (bbk extension, docs/USAGE.md). */
export function activityRoutes(ctx: ServerContext, app: FastifyInstance): void {
  app.get('/user/:uid/access/:pid/usage', async (req: PQ<'uid' | 'pid'>) =>
    usageView(routeOf(ctx, req), await activity.usage(ctx, lc(req.params.uid), lc(req.params.pid), req.query)),
  );
  app.get('/user/:uid/access/:pid/guard', async (req: P<'uid' | 'pid'>) =>
    guardView(await activity.guard(ctx, lc(req.params.uid), lc(req.params.pid))),
  );
  app.put('/user/:uid/access/:pid/guard', async (req: P<'uid' | 'pid'>, reply) => {
    await activity.setGuard(ctx, lc(req.params.uid), lc(req.params.pid), bodyOf(req), req.caller);
    return reply.code(204).send();
  });
  app.get('/violations', async (req: Q) =>
    (await activity.violations(ctx, req.query)).map((v) => violationView(routeOf(ctx, req), v)),
  );
  app.delete('/violations/:id', async (req: P<'id'>, reply) => {
    await activity.dismiss(ctx, req.params.id, req.caller);
    return reply.code(204).send();
  });
}
