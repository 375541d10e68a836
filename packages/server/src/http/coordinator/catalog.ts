import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.js';
import { catalogExplain } from '../../services/catalog-explain.js';
import type { CatalogExplain } from '../../storage/catalog-store.js';

/** The wire view of a list's explanation (snake_case, as the rest of the API). */
function explainView(e: CatalogExplain) {
  return {
    sql: e.sql,
    plan: e.plan,
    indexes: e.indexes,
    rows_examined: e.examined,
    rows_returned: e.returned,
    ms: Math.round(e.ms * 1000) / 1000,
    starts_at: e.startsAt,
    automatic_indexes: e.automaticIndexes.map((i) => ({
      kind: i.kind,
      path: i.path,
      name: i.name,
      last_used: i.lastUsed,
    })),
  };
}

/** `GET /catalog?explain=true` (bbk extension): how a consumer list runs (docs/OPERATIONS.md). */
export function catalogRoutes(ctx: ServerContext, app: FastifyInstance): void {
  app.get('/catalog', async (req: FastifyRequest<{ Querystring: Record<string, unknown> }>) =>
    explainView(await catalogExplain.explain(ctx, req.query)),
  );
}
