import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.js';
import { search } from '../../services/search.js';

/** Prefix search (spec §2.8). */
export function searchRoutes(ctx: ServerContext, app: FastifyInstance): void {
  app.get('/search/user/organization', async (req: FastifyRequest<{ Querystring: { q?: string } }>) =>
    search.organizations(ctx, req.query.q),
  );
  app.get('/search/entity/tags', async (req: FastifyRequest<{ Querystring: { q?: string } }>) =>
    search.entityTags(ctx, req.query.q),
  );
  app.get('/search/policy/tags', async (req: FastifyRequest<{ Querystring: { q?: string } }>) =>
    search.policyTags(ctx, req.query.q),
  );
}
