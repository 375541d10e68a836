import { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Caller } from '../auth/caller.js';
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
  /** A consumer route that confirms a remembered admission with its own read (auth/remembered.ts). */
  bbkWitnessed?: boolean;
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
 * What the completions read of an answered request, taken when its answer is final (`Completions.complete`), so
 * that the request and the reply are let go once the answer is written, as they are when nothing is completed.
 * Queued themselves until the end of the turn, they were still alive at every scavenge in between, which then
 * copied about 4 KB of them per answer: the young generation's survivors grew sixfold, its scavenges took 60%
 * longer, and V8 doubled its size in answer (bench/README.md#observability-overhead, stop 33).
 */
export interface Answer {
  readonly id: string;
  readonly method: string;
  /** As asked (the request line scrubs it: `loggedUrl`). */
  readonly url: string;
  readonly params: unknown;
  readonly route: RouteConfig;
  readonly status: number;
  /** Milliseconds from the request's first hook to its answer being ready. */
  readonly ms: number;
  readonly caller: Caller | null;
  readonly policySlug: string | null;
  readonly limitedBy: 'rate' | 'quota' | null;
  readonly served: FastifyRequest['served'];
  /** How many items an array body held (a contribution's records); 0 for any other body. */
  readonly items: number;
}

/** Work done once an answer is final, its status and time known (the request line, metrics, consumer accounting). */
export type Completion = (answer: Answer) => void;

declare module 'fastify' {
  interface FastifyInstance {
    /** The surface's completions (`Completions`), for routes that add their own (the consumer's accounting). */
    bbkCompletions: Completions;
  }
  interface FastifyRequest {
    /** `performance.now()` when the request reached its first hook. */
    bbkStart: number;
  }
}

type Logger = NonNullable<Observers['logger']>;

/** Surfaces with answers whose completions have not run yet, run synchronously if the process exits first. */
const waiting = new Set<Completions>();
/** Whether the exit listener is in place (added once, ahead of the log's: the lines are made before it writes them). */
let drainsAtExit = false;

function drainAllAtExit(): void {
  for (const c of waiting) c.drain();
}

/**
 * A surface's work once each answer is final, and the logging of the few events Fastify reports itself.
 * An answer is handed over in the surface's last `onSend` hook (`completeOnSend`), after the ETag hook has
 * settled the status (304) and once Fastify has written the answer, with the time from the first hook to the
 * answer being ready. The work itself (the request line, the metrics, the accounting) runs for all the answers
 * of one turn of the event loop together, in its check phase (`setImmediate`): one answer's completions after
 * another's, while their code and data are still in the CPU's caches, which costs a few µs less per answer than
 * running them between the requests' own work (bench/README.md#observability-overhead). They still run before any
 * request of the next turn is read, when the surface closes, and when the process exits (a crash included).
 * Fastify then needs no `finish` and `error` listeners per response, which it adds only when it has a logger or
 * an `onResponse` hook, and which cost several µs per request together with the hook runner.
 * So Fastify runs without a logger, and this controller (its `logController`) writes the events it would
 * have logged (a failing serializer, a broken stream) to bbk's logger. A completion that throws is logged,
 * never rethrown: the answer is not changed by what is counted of it.
 */
export class Completions extends LogController {
  readonly #run: Completion[] = [];
  readonly #logger: Logger | undefined;
  /** The answers of this turn whose completions wait for `drain`, in order. */
  #answers: Answer[] = [];

  constructor(logger: Logger | undefined) {
    super({ disableRequestLogging: true });
    this.#logger = logger;
  }

  /** Adds work run once per answer of the surface, in the order added. */
  add(completion: Completion): void {
    this.#run.push(completion);
  }

  /** Milliseconds from the request's first hook until now (0 when no hook saw it: an answer Fastify gives before its hooks). */
  elapsed(req: FastifyRequest): number {
    return req.bbkStart > 0 ? performance.now() - req.bbkStart : 0;
  }

  /**
   * Queues the completions of an answer, ready `ms` after its request arrived (default: now): they run with the
   * other answers of this turn of the event loop (`drain`). What they read is taken now (`Answer`).
   */
  complete(req: FastifyRequest, reply: FastifyReply, ms = this.elapsed(req)): void {
    if (this.#run.length === 0) return;
    const body = req.body;
    this.#answers.push({
      id: req.id,
      method: req.method,
      url: req.url,
      params: req.params,
      route: routeConfig(req),
      status: reply.statusCode,
      ms,
      caller: req.caller,
      policySlug: req.policySlug,
      limitedBy: req.limitedBy,
      served: req.served ?? null,
      items: Array.isArray(body) ? body.length : 0,
    });
    if (this.#answers.length === 1) {
      setImmediate(this.drain);
      waiting.add(this);
      if (!drainsAtExit) {
        drainsAtExit = true;
        process.prependListener('exit', drainAllAtExit);
      }
    }
  }

  /** Runs the queued completions now, in the order their answers were ready. */
  readonly drain = (): void => {
    const answers = this.#answers;
    if (answers.length === 0) return;
    this.#answers = [];
    waiting.delete(this);
    for (const answer of answers) {
      for (const completion of this.#run) {
        try {
          completion(answer);
        } catch (err) {
          this.error(answer, err, 'accounting for an answer failed');
        }
      }
    }
  };

  /** Logs an error of a request, or of its answer's completions (the 500s of the error handler, the events below). */
  error(req: { readonly id: string }, err: unknown, message: string): void {
    this.#logger?.error({ err, reqId: req.id }, message);
  }

  override requestCompleted(): void {}
  override incomingRequest(): void {}
  override routeNotFound(): void {}
  override defaultErrorLog(err: Error, req: FastifyRequest): void {
    this.error(req, err, err.message);
  }
  override streamError(err: Error, req: FastifyRequest): void {
    this.error(req, err, 'response stream failed');
  }
  override writeHeadError(err: Error, req: FastifyRequest): void {
    this.error(req, err, 'writing the response head failed');
  }
  override serializerError(err: Error, req: FastifyRequest): void {
    this.error(req, err, 'the serializer failed');
  }
}

/**
 * The surface's last `onSend` hook (added after every other `onSend` hook, so after the ETag's 304): the
 * answer is final. Its time is taken, Fastify is let write it (the last hook's `done` writes the answer to the
 * socket at once), and then its completions are queued for the end of this turn of the event loop: the request
 * line, the metrics and the accounting do not hold the answer back, and are done before any other request is
 * read. Queued completions also run when the surface closes.
 */
export function completeOnSend(app: FastifyInstance): void {
  const completions = app.bbkCompletions;
  app.addHook('onClose', (_app, done) => {
    completions.drain();
    done();
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    const ms = completions.elapsed(req);
    try {
      done(null, payload);
    } finally {
      completions.complete(req, reply, ms);
    }
  });
}

/**
 * Adds the request id echo, the one log line per request and the metrics of one API surface
 * (docs/OPERATIONS.md), the latter two as completions (`Completions`, run by the last `onSend` hook). Nothing here
 * logs a header or a body (the contributor count only takes the length of an accepted body).
 */
export function observeSurface(
  app: FastifyInstance,
  completions: Completions,
  surface: TokenKind,
  observers: Observers,
): void {
  app.decorateRequest('policySlug', null);
  app.decorateRequest('limitedBy', null);
  app.decorateRequest('bbkRoute', null);
  app.decorateRequest('bbkStart', 0);
  app.decorate('bbkCompletions', completions);
  const { requestLog, metrics } = observers;

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
  completions.add((answer) => {
    const route = answer.route.url;
    if (api) {
      api.observe(answer.method, route, answer.status, answer.ms / 1000);
      count?.(answer);
    }
    if (requestLog) logRequest(requestLog, answer);
  });
}

/** The one line per request, at `info` (`warn` for 5xx, `debug` for the probes and the console's files). */
function logRequest(log: RequestLog, answer: Answer): void {
  const status = answer.status;
  const level = status >= 500 ? 'warn' : answer.route.bbkProbe === true ? 'debug' : 'info';
  if (!log.enabled(level)) return;
  const caller = answer.caller;
  log.write(level, {
    reqId: answer.id,
    method: answer.method,
    route: answer.route.url,
    url: loggedUrl(answer.url, answer.params),
    status,
    durationMs: Math.round(answer.ms * 100) / 100,
    callerKind: caller?.kind,
    callerId: caller?.subject,
    policy: answer.policySlug,
    limitedBy: answer.limitedBy,
  });
}

/** Counts accepted contributor calls (records per action, session events) by contribution id. */
function contributionCounter(metrics: Metrics) {
  return (answer: Answer): void => {
    const route = answer.route.url;
    if (answer.status !== 200 || route === undefined) return;
    const params = answer.params as { cid?: string; action?: string; commit?: string };
    if (typeof params.cid !== 'string') return;
    if (route.endsWith('/session/open/:mode')) metrics.contribution(params.cid, 'open');
    else if (route.endsWith('/session/:sid/close/:commit'))
      metrics.contribution(params.cid, params.commit?.toLowerCase() === 'true' ? 'commit' : 'rollback');
    else if (route.endsWith('/session/:sid/:action')) {
      const action = params.action?.toLowerCase();
      if (action === 'upsert' || action === 'delete') metrics.contribution(params.cid, action, answer.items);
    }
  };
}
