import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Caller } from '../auth/caller.js';
import type { TokenCheck } from '../auth/tokens.js';
import type { ServerContext } from '../context.js';
import { ApiError, errorBody, TOKEN_EXPIRED } from '../errors.js';
import { requestId } from '../observability/index.js';
import type { TokenKind } from '../storage/types.js';
import { MAX_BODY_DEPTH } from '../validation/index.js';
import { clientErrorHandler, refuseConnect } from './client-errors.js';
import { bodyParsers, errorHandlers, openCors, preflight, weakEtags } from './conventions.js';
import { healthRoutes } from './health.js';
import { Completions, completeOnSend, isPublic, observeSurface, routeConfig } from './observe.js';
import { recordResponses } from './openapi/record.js';
import { openApiRoutes } from './openapi/routes.js';
import { routeUrl } from './urls.js';

export type Surface = TokenKind;

export const ANNOUNCE_NAMES: Record<Surface, string> = {
  coordinator: 'bit-broker coordinator service',
  contributor: 'bit-broker contributor service',
  consumer: 'bit-broker consumer service',
};

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

/**
 * Open CORS on every answer (spec §1.1), and the response headers a browser client may read
 * besides the simple ones: request id, webhook outcome, 429 wait, ETag, Location, the RateLimit
 * fields and why an access is suspended.
 */
function corsHeaders(reply: FastifyReply): void {
  reply.header('access-control-allow-origin', '*');
  reply.header(
    'access-control-expose-headers',
    'x-request-id, x-bbk-webhook, retry-after, etag, location, ratelimit, ratelimit-policy, x-bbk-suspended',
  );
}

/** The error of a refused token: 403 revoked, 401 otherwise; an expired token is told so (docs/DECISIONS.md). */
function refusal(check: Extract<TokenCheck, { ok: false }>): ApiError {
  if (check.status === 403) return new ApiError('FORBIDDEN');
  return check.reason === 'expired' ? ApiError.text('UNAUTHORIZED', TOKEN_EXPIRED) : new ApiError('UNAUTHORIZED');
}

const tokenOf = (req: FastifyRequest): string | undefined => {
  const header = req.headers['x-bbk-auth-token'];
  return typeof header === 'string' ? header : undefined;
};

/**
 * Sets the caller of a production request from its token as the database has it now; throws the
 * refusal (401, 403) otherwise. The `onRequest` check, and a call whose remembered admission changed.
 */
export async function authenticateFromDatabase(
  ctx: ServerContext,
  req: FastifyRequest,
  surface: Surface,
): Promise<void> {
  const check = await ctx.auth.verify(tokenOf(req), surface);
  if (!check.ok) throw refusal(check);
  req.caller = { kind: check.kind, subject: check.subject, policy: check.policy };
}

/**
 * Answers the router's own errors (a path that cannot be percent-decoded): the token is checked
 * first, like on every route, so without one the answer is 401, not a hint about the path.
 */
function routerError(
  err: { code: string },
  req: FastifyRequest,
  reply: FastifyReply,
  authenticate: (req: FastifyRequest) => Promise<void>,
  completions: Completions,
): void {
  req.bbkStart = performance.now();
  reply.header('x-request-id', req.id);
  corsHeaders(reply);
  // Fastify answers these outside every route context, so no hook runs: the answer is counted here
  const answer = (status: number, body: unknown) => {
    reply.code(status);
    completions.complete(req, reply);
    reply.send(body);
  };
  // a preflight needs no token and names no route: answered on every path (spec §1.1), an undecodable one too
  if (req.method === 'OPTIONS' && err.code === 'FST_ERR_BAD_URL') {
    reply.code(204);
    completions.complete(req, reply);
    preflight(req, reply);
    return;
  }
  authenticate(req).then(
    () => {
      if (err.code === 'FST_ERR_BAD_URL') {
        answer(400, errorBody(400, [{ name: 'url', index: null, reason: 'is not a valid URL path' }]));
      } else answer(404, errorBody(404));
    },
    (authErr: unknown) => {
      const status = authErr instanceof ApiError ? authErr.status : 401;
      answer(status, errorBody(status, authErr instanceof ApiError ? (authErr.text ?? '') : ''));
    },
  );
}

/**
 * Builds one API surface: a Fastify instance with the conventions every
 * surface shares (spec §1): case-insensitive paths, optional trailing slash,
 * lenient content types, Node-16 style JSON syntax errors, 413 over the body
 * limit, the standard error body from every layer (HTTP parser, router, hooks,
 * handlers), open CORS, weak ETags, and token checks in production mode.
 */
export function buildSurface(
  surface: Surface,
  ctx: ServerContext,
  routes: (app: FastifyInstance) => void | Promise<void>,
): FastifyInstance {
  const { config } = ctx;

  /** Production mode: the caller's token must be live and of this surface's kind (spec §9). */
  const authenticate = async (req: FastifyRequest): Promise<void> => {
    if (config.mode !== 'production' || req.method === 'OPTIONS' || isPublic(req)) return;
    const token = tokenOf(req);
    // a route that confirms it with its own read may admit the call on the token row this process remembers
    const remembered =
      ctx.admissions && routeConfig(req).bbkWitnessed ? ctx.auth.remembered(token, surface) : undefined;
    if (remembered) {
      const { kind, subject, policy, row } = remembered;
      req.caller = { kind, subject, policy, remembered: row };
      return;
    }
    await authenticateFromDatabase(ctx, req, surface);
  };

  const completions = new Completions(ctx.observers.logger);
  const app = Fastify({
    // Fastify holds no logger, so it adds no `finish` listeners to each response and makes no child logger
    // per request (`req.log` is Fastify's silent one): the one request line is observe.ts's, and the errors
    // (a 500, the few events Fastify would log) reach bbk's logger with their `reqId` through the log
    // controller.
    logger: false,
    logController: completions,
    genReqId: requestId,
    bodyLimit: config.bodyLimit,
    // Node's parser caps the request line and headers at 16 KB, so no path segment can be
    // longer than this: a long id reaches its route and gets the route's answer (404, 400).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    return503OnClosing: false,
    forceCloseConnections: true,
    clientErrorHandler,
    // A request without Host, or with an expectation other than 100-continue, goes through the
    // routes like any other (Node would answer 400 / 417 itself, with an empty body); a missing
    // Host is then refused in the standard body (onRequest below).
    http: { requireHostHeader: false },
    // The router's own errors (a path that cannot be percent-decoded) still check the token
    // first, like every route: without one, 401, not a hint about the path.
    frameworkErrors: (err, req, reply) =>
      routerError(err, req, reply as unknown as FastifyReply, authenticate, completions),
  });
  app.decorateRequest('caller', null);
  const registered: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registered.push({ method, url: route.url });
  });
  ROUTES.set(app, registered);
  observeSurface(app, completions, surface, ctx.observers);
  healthRoutes(app, ctx.store, config.basePath);

  bodyParsers(app, surface === 'coordinator' ? MAX_BODY_DEPTH : undefined);
  app.server.on('checkExpectation', (req, res) => app.server.emit('request', req, res));
  app.server.on('connect', refuseConnect);
  app.addHook('onRequest', async (req, reply) => {
    req.bbkStart = performance.now();
    reply.header('x-request-id', req.id);
    corsHeaders(reply);
    // HTTP/1.1 requires Host, and every URL the API writes is built from it (spec §1.2)
    if (!req.headers.host) throw ApiError.one('host', 'requires a Host header');
    await authenticate(req);
  });
  weakEtags(app);
  errorHandlers(app, config.mode, completions);
  openCors(app);
  recordResponses(app, surface, config.basePath);
  completeOnSend(app);

  const prefix = config.basePath ? `/${config.basePath}` : '';
  app.register(
    async (api) => {
      api.get('/', async (req) => ({
        now: new Date(config.now()).toISOString(),
        name: ANNOUNCE_NAMES[surface],
        base: routeUrl(req, config.basePath),
        status: config.mode,
      }));
      api.get('/error/test', async () => {
        if (config.mode === 'production') throw new ApiError('NOT_FOUND');
        throw new Error('test error message - please ignore');
      });
      openApiRoutes(api, surface, config.basePath);
      await routes(api);
    },
    { prefix },
  );
  return app;
}

/** A route as Fastify registered it: method and full URL pattern (`/v1/entity/:eid`). */
export interface RegisteredRoute {
  method: string;
  url: string;
}

const ROUTES = new WeakMap<FastifyInstance, readonly RegisteredRoute[]>();

/**
 * Every route a surface registers (HEAD twins and the CORS preflight included), once it is ready;
 * the OpenAPI coverage test compares them with the documents.
 */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return ROUTES.get(app) ?? [];
}

/** Sends a bare token as `text/html` (spec §1.5). */
export function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(text);
}

/** Request body, or `{}` when none was parsed (spec §1.5). */
export function bodyOf(req: FastifyRequest): unknown {
  return req.body ?? {};
}
