import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.js';
import { audit } from '../../services/audit.js';

/** The audit trail (bbk extension, docs/AUDIT.md): entries, and the check of their hash chain. */
export function auditRoutes(ctx: ServerContext, app: FastifyInstance): void {
  app.get('/audit', async (req: FastifyRequest<{ Querystring: Record<string, unknown> }>) =>
    audit.list(ctx, req.query),
  );
  app.get('/audit/verify', async () => audit.verify(ctx));
}
