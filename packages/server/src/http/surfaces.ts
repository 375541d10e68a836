import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { buildSurface, type Surface } from './app.js';
import { consumerRoutes } from './consumer/index.js';
import { contributorRoutes } from './contributor.js';
import { coordinatorRoutes } from './coordinator/index.js';

/** The routes of each API surface. */
export const SURFACE_ROUTES = {
  coordinator: coordinatorRoutes,
  contributor: contributorRoutes,
  consumer: consumerRoutes,
} as const satisfies Record<Surface, (ctx: ServerContext) => (app: FastifyInstance) => void>;

/** The three API surfaces of a server, built (not yet listening). */
export function buildSurfaces(ctx: ServerContext): Record<Surface, FastifyInstance> {
  return {
    coordinator: buildSurface('coordinator', ctx, SURFACE_ROUTES.coordinator(ctx)),
    contributor: buildSurface('contributor', ctx, SURFACE_ROUTES.contributor(ctx)),
    consumer: buildSurface('consumer', ctx, SURFACE_ROUTES.consumer(ctx)),
  };
}
