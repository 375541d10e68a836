import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loggedUrl, type Metrics, type Observers } from '../observability/index.js';
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

/** Whether the request is for a route that needs no token. */
export function isPublic(req: FastifyRequest): boolean {
  return (req.routeOptions?.config as { bbkPublic?: boolean } | undefined)?.bbkPublic === true;
}

/** Whether the request is for a health probe route. */
export function isProbe(req: FastifyRequest): boolean {
  return (req.routeOptions?.config as { bbkProbe?: boolean } | undefined)?.bbkProbe === true;
}

/**
 * Adds the request id echo, the one log line per request and the metrics of one API surface
 * (docs/OPERATIONS.md). Nothing here logs a header or a body (the contributor count only takes
 * the length of an accepted body).
 */
export function observeSurface(app: FastifyInstance, surface: TokenKind, observers: Observers): void {
  app.decorateRequest('policySlug', null);
  app.decorateRequest('limitedBy', null);
  const { logger, metrics } = observers;

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

  if (!logger && !metrics) return;
  const count = metrics && surface === 'contributor' ? contributionCounter(metrics) : undefined;
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url;
    if (metrics) {
      metrics.request(surface, req.method, route, reply.statusCode, reply.elapsedTime / 1000);
      count?.(req, reply, route);
    }
    if (logger) logRequest(req, reply, route);
    done();
  });
}

/** The one line per request, at `info` (`warn` for 5xx). */
function logRequest(req: FastifyRequest, reply: FastifyReply, route: string | undefined): void {
  const status = reply.statusCode;
  const line: Record<string, unknown> = {
    method: req.method,
    route: route ?? null,
    url: loggedUrl(req.url, req.params),
    status,
    durationMs: Math.round(reply.elapsedTime * 100) / 100,
  };
  if (req.caller) {
    line.callerKind = req.caller.kind;
    line.callerId = req.caller.subject;
  }
  if (req.policySlug) line.policy = req.policySlug;
  if (req.limitedBy) line.limitedBy = req.limitedBy;
  if (status >= 500) req.log.warn(line, 'request');
  else if (isProbe(req)) req.log.debug(line, 'request');
  else req.log.info(line, 'request');
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
