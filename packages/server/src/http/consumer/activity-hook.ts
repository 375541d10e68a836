import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ActivityEvent, ConsumerRoute, QueryFeatures } from '../../activity/index.js';
import type { ServerContext } from '../../context.js';
import { audit } from '../../services/audit.js';
import type { Answer } from '../observe.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Consumer calls: what the answer served, for usage and the violation detectors. */
    served: { records: number; features?: QueryFeatures } | null;
  }
}

const ROUTES: Record<string, ConsumerRoute> = {
  '/catalog': 'catalog',
  '/entity': 'entity-types',
  '/entity/:type': 'entities',
  '/entity/:type/:id': 'entity',
  '/entity/:type/:id/timeseries/:tsid': 'timeseries',
};

/** Notes what a consumer answer served (items; query features of `/catalog`) and returns the answer. */
export function served<T extends unknown[] | object>(req: FastifyRequest, answer: T, features?: QueryFeatures): T {
  req.served = { records: Array.isArray(answer) ? answer.length : 1, ...(features ? { features } : {}) };
  return answer;
}

/**
 * One completion (http/observe.ts `Completions`) for what is counted of every answered consumer call, after the answer is sent, in memory:
 * the calls of an access (production consumer token) feed the activity monitor (usage and the
 * violation detectors, docs/USAGE.md), and every consumer call, or in development every call under a
 * policy, the audit log's per-minute activity (docs/AUDIT.md). Nothing when `consumerAccounting` is off,
 * and no per-minute activity when `auditActivity` is (bench/overhead.mjs's references only).
 */
export function activityHook(ctx: ServerContext, app: FastifyInstance, prefix: string): void {
  app.decorateRequest('served', null);
  if (!ctx.config.consumerAccounting) return;
  const production = ctx.config.mode === 'production';
  const routes = new Map(Object.entries(ROUTES).map(([path, route]) => [`${prefix}${path}`, route]));
  const calls = ctx.config.auditActivity ? audit.consumerCalls(ctx) : undefined;
  // one clock read per call, shared by the monitor and the per-minute activity
  app.bbkCompletions.add((answer) => {
    const caller = answer.caller;
    const status = answer.status;
    const records = answer.served?.records ?? 0;
    const at = ctx.config.now();
    if (caller?.kind === 'consumer') {
      if (production) {
        const route = routes.get(answer.route.url ?? '');
        if (route) ctx.activity.record(activityEvent(answer, caller.subject, at, route));
      }
      calls?.count(caller.subject, records, status === 429, at);
    } else if (answer.policySlug && !production) {
      calls?.count(`policy:${answer.policySlug}`, records, status === 429, at);
    }
  });
}

/** The monitor's view of one answered call, built in one shape (no spreads on the request path). */
function activityEvent(answer: Answer, accessId: number, at: number, route: ConsumerRoute): ActivityEvent {
  const status = answer.status;
  const served = status === 200 ? answer.served : null;
  const e: ActivityEvent = {
    accessId,
    at,
    route,
    status,
    records: served ? served.records : 0,
    limitedBy: status === 429 ? (answer.limitedBy ?? null) : null,
  };
  const id = (answer.params as { id?: unknown }).id;
  if (typeof id === 'string') e.id = id; // as asked: the enumeration detector folds the case of the ids it keeps
  const features = served?.features;
  if (features?.maskedPaths) e.maskedPaths = features.maskedPaths;
  if (features?.geoWindows) e.geoWindows = features.geoWindows;
  return e;
}
