import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.js';
import { accessRoutes } from './accesses.js';
import { activityRoutes } from './activity.js';
import { auditRoutes } from './audit.js';
import { catalogRoutes } from './catalog.js';
import { connectorRoutes } from './connectors.js';
import { entityTypeRoutes } from './entity-types.js';
import { policyRoutes } from './policies.js';
import { searchRoutes } from './search.js';
import { userRoutes } from './users.js';

/** The Coordinator API (spec §2), one file per area. Handlers parse, call a service, respond. */
export function coordinatorRoutes(ctx: ServerContext) {
  return (app: FastifyInstance): void => {
    entityTypeRoutes(ctx, app);
    connectorRoutes(ctx, app);
    policyRoutes(ctx, app);
    userRoutes(ctx, app);
    accessRoutes(ctx, app);
    activityRoutes(ctx, app);
    searchRoutes(ctx, app);
    auditRoutes(ctx, app);
    catalogRoutes(ctx, app);
  };
}
