import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.js';
import { routeUrl } from '../urls.js';

/** A request with these path parameters. */
export type P<K extends string> = FastifyRequest<{ Params: Record<K, string> }>;

/** Path ids are lower-cased before use on the Coordinator API (spec §1.10). */
export const lc = (s: string): string => s.toLowerCase();

/** `{proto}://{host}/{base}` of this request (spec §1.2). */
export const routeOf = (ctx: ServerContext, req: FastifyRequest): string => routeUrl(req, ctx.config.basePath);
