import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.js';
import { policies } from '../../services/policies.js';
import { policyPreview } from '../../services/policy-preview.js';
import { bodyOf } from '../app.js';
import { resourceUrl } from '../urls.js';
import { lc, type P, routeOf } from './params.js';
import { policyView } from './views.js';

/** Policies (spec §2.6). */
export function policyRoutes(ctx: ServerContext, app: FastifyInstance): void {
  app.get('/policy', async (req) => (await policies.list(ctx)).map((p) => policyView(routeOf(ctx, req), p)));
  app.get('/policy/:pid', async (req: P<'pid'>) =>
    policyView(routeOf(ctx, req), await policies.get(ctx, lc(req.params.pid)), true),
  );
  app.get(
    '/policy/:pid/access-control',
    async (req: P<'pid'>) => (await policies.get(ctx, lc(req.params.pid))).policy.access_control,
  );
  app.post('/policy/:pid', async (req: P<'pid'>, reply) => {
    await policies.create(ctx, lc(req.params.pid), bodyOf(req), req.caller);
    return reply.code(201).header('location', resourceUrl(req)).send();
  });
  // bbk extension: what a consumer of the posted policy would see; stores nothing (docs/CONSOLE.md)
  app.post('/policy/:pid/preview', async (req: P<'pid'>) =>
    policyPreview.preview(ctx, lc(req.params.pid), bodyOf(req)),
  );
  app.put('/policy/:pid', async (req: P<'pid'>, reply) => {
    await policies.update(ctx, lc(req.params.pid), bodyOf(req), req.caller);
    return reply.code(204).send();
  });
  app.delete('/policy/:pid', async (req: P<'pid'>, reply) => {
    await policies.delete(ctx, lc(req.params.pid), req.caller);
    return reply.code(204).send();
  });
}
