import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loggedUrl, type Metrics, type Observers, type RequestLog } from '../observability/index.js';
import { RateLimited } from '../services/consumer-scope.js';
import type { TokenKind } from '../storage/types.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The policy a consumer call was answered under (set by the Consumer API), for logs. */
    policySlug: string | null;
    /** The limit that refused a consumer call with 429. */
    limitedBy: 'rate' | 'quota' | null;
  }
}

/** Route config of the routes that need no token, even in production mode (probes, the API reference). */
export const PUBLIC_ROUTE = { bbkPublic: true } as const;

/** Route config of the health probes: no token needed, logged at `debug` only. */
export const PROBE_ROUTE = { bbkProbe: true, bbkPublic: true } as const;

/**
 * Route config of the web console's files (`http/console.ts`): no token, logged at `debug`, and not part of
 * any API, so outside the OpenAPI documents and their checks (docs/API-REFERENCE.md).
 */
export const STATIC_ROUTE = { bbkProbe: true, bbkPublic: true, bbkStatic: true } as const;

/** What bbk reads of a route's config (Fastify adds `url` and `method`; the flags are ours). */
export interface RouteConfig {
  url?: string;
  bbkPublic?: boolean;
  bbkProbe?: boolean;
  bbkStatic?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The matched route's config, read once (`routeConfig`). */
    bbkRoute: RouteConfig | null;
  }
}

const NO_ROUTE: RouteConfig = {};

/**
 * The matched route's config (its pattern in `url`, undefined when no route matched), read once per
 * request: Fastify's `req.routeOptions` builds a fresh object of a dozen fields at every read.
 */
export function routeConfig(req: FastifyRequest): RouteConfig {
  let config = req.bbkRoute;
  // null until read; undefined on a request the decorators never reached (the router's own errors)
  // or of an app without observeSurface
  if (config == null) {
    config = (req.routeOptions?.config as RouteConfig | undefined) ?? NO_ROUTE;
    req.bbkRoute = config;
  }
  return config;
}

/** Whether the request is for a static file route (the console), which no API document describes. */
export function isStatic(req: FastifyRequest): boolean {
  return routeConfig(req).bbkStatic === true;
}

/** Whether the request is for a route that needs no token. */
export function isPublic(req: FastifyRequest): boolean {
  return routeConfig(req).bbkPublic === true;
}

/** Whether the request is for a health probe route. */
export function isProbe(req: FastifyRequest): boolean {
  return routeConfig(req).bbkProbe === true;
}

/**
 * Adds the request id echo, the one log line per request and the metrics of one API surface
 * (docs/OPERATIONS.md). Nothing here logs a header or a body (the contributor count only takes
 * the length of an accepted body).
 */
export function observeSurface(app: FastifyInstance, surface: TokenKind, observers: Observers): void {
  app.decorateRequest('policySlug', null);
  app.decorateRequest('limitedBy', null);
  app.decorateRequest('bbkRoute', null);
  const { requestLog, metrics } = observers;

  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });

  app.addHook('onError', (req, _reply, err, done) => {
    if (err instanceof RateLimited) {
      req.limitedBy = err.limit;
      if (err.policy) req.policySlug = err.policy;
      metrics?.rateLimited(err.policy, err.limit);
    }
    done();
  });

  if (!requestLog && !metrics) return;
  const count = metrics && surface === 'contributor' ? contributionCounter(metrics) : undefined;
  const api = metrics?.api(surface);
  app.addHook('onResponse', (req, reply, done) => {
    const config = routeConfig(req);
    const route = config.url;
    const ms = reply.elapsedTime;
    if (api) {
      api.observe(req.method, route, reply.statusCode, ms / 1000);
      count?.(req, reply, route);
    }
    if (requestLog) logRequest(requestLog, req, reply.statusCode, config, ms);
    done();
  });
}

/** The one line per request, at `info` (`warn` for 5xx, `debug` for the probes and the console's files). */
function logRequest(log: RequestLog, req: FastifyRequest, status: number, config: RouteConfig, ms: number): void {
  const level = status >= 500 ? 'warn' : config.bbkProbe === true ? 'debug' : 'info';
  if (!log.enabled(level)) return;
  const caller = req.caller;
  log.write(level, {
    reqId: req.id,
    method: req.method,
    route: config.url,
    url: loggedUrl(req.url, req.params),
    status,
    durationMs: Math.round(ms * 100) / 100,
    callerKind: caller?.kind,
    callerId: caller?.subject,
    policy: req.policySlug,
    limitedBy: req.limitedBy,
  });
}

/** Counts accepted contributor calls (records per action, session events) by contribution id. */
function contributionCounter(metrics: Metrics) {
  return (req: FastifyRequest, reply: FastifyReply, route: string | undefined): void => {
    if (reply.statusCode !== 200 || route === undefined) return;
    const params = req.params as { cid?: string; action?: string; commit?: string };
    if (typeof params.cid !== 'string') return;
    if (route.endsWith('/session/open/:mode')) metrics.contribution(params.cid, 'open');
    else if (route.endsWith('/session/:sid/close/:commit'))
      metrics.contribution(params.cid, params.commit?.toLowerCase() === 'true' ? 'commit' : 'rollback');
    else if (route.endsWith('/session/:sid/:action')) {
      const action = params.action?.toLowerCase();
      const records = Array.isArray(req.body) ? req.body.length : 0;
      if (action === 'upsert' || action === 'delete') metrics.contribution(params.cid, action, records);
    }
  };
}
