import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import {
  type CompiledPolicy,
  compilePolicy,
  type LegalNotice,
  maskRecord,
  rewriteLinks,
  seriesMasked,
} from '../policy/index.js';
import { compileQuery, QUERY_REASONS, validateQuery } from '../query/index.js';
import type { CatalogRecord, CatalogView } from '../storage/catalog-store.js';
import { validatePaging, validateTimeseriesParams } from '../validation/index.js';
import type { WebhookTarget } from '../webhooks/index.js';

/** What a consumer call brings, independent of the HTTP framework. */
export interface ConsumerCall {
  /** Production: the verified token's subject (accesses.id for consumers). */
  caller: { kind: string; subject: number } | null;
  /** Raw `x-bbk-audience` (read in development mode only). */
  audience: string | undefined;
  /** Raw `x-bbk-connectors`. */
  connectors: string | undefined;
  /** `{proto}://{host}/{base}` of this request (spec §1.2). */
  route: string;
}

/** A consumer call that passed rate and quota; `policy` is undefined when none applies (→ 403 later). */
export interface Admitted {
  call: ConsumerCall;
  policy: CompiledPolicy | undefined;
}

/** 429 with the seconds until the window that refused the call rolls over, the limit that refused it and the policy. */
export class RateLimited extends ApiError {
  constructor(
    readonly retryAfter: number,
    readonly limit: 'rate' | 'quota' = 'rate',
    readonly policy = '',
  ) {
    super('TOO_MANY_REQUESTS');
  }
}

/** The error name of a bad `q` (spec §1.8: the original's name, kept). */
export const QUERY_ERROR_NAME = 'policy.data_segment.segment_query';

/** At most this many `x-bbk-connectors` ids are honoured (spec §4.1). */
export const MAX_STAGED = 16;

/**
 * Splits `x-bbk-connectors`: on `,`, trimmed, empties dropped, first 16 kept.
 * @example stagedConnectors(' a, ,b ') // ['a', 'b']
 */
export function stagedConnectors(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .slice(0, MAX_STAGED);
}

/**
 * The policy scope of a call: the one thing every consumer read goes through.
 * Visibility (segment + live/staged connectors) is enforced by the store for
 * every list, detail and timeseries lookup; masks and legal notices ride along.
 */
export interface Scope {
  policy: CompiledPolicy;
  view: CatalogView;
  legal: LegalNotice[];
}

// SQLite failures a hostile-but-valid query can still provoke (expression
// depth, variable count, string size): the query is unusable → 400, not 500.
const QUERY_SQL_ERRORS = new Set(['SQLITE_ERROR', 'SQLITE_TOOBIG', 'SQLITE_RANGE']);

function unusableQuery(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && QUERY_SQL_ERRORS.has(code);
}

type Params = Record<string, unknown>;
const text = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.map(String).join(',') : '');

/**
 * The Consumer API's business rules (spec §4, §5, §9), one instance per
 * server: it caches compiled policies keyed by (policy id, version), so a
 * policy change applies on the next request and a re-created slug never reuses
 * an old compilation.
 */
export function createCatalogService(ctx: ServerContext) {
  const compiled = new Map<number, CompiledPolicy>();
  const production = ctx.config.mode === 'production';

  async function policyOf(call: ConsumerCall): Promise<CompiledPolicy | undefined> {
    let head: { id: number; version: number } | undefined;
    if (production) {
      if (call.caller?.kind !== 'consumer') return undefined;
      head = await ctx.store.catalog.policyByAccess(call.caller.subject);
    } else {
      const slug = call.audience?.trim().toLowerCase();
      if (!slug) return undefined;
      head = await ctx.store.catalog.policyBySlug(slug);
    }
    if (!head) return undefined;
    const hit = compiled.get(head.id);
    if (hit && hit.version === head.version) return hit;
    const row = await ctx.store.policies.getById(head.id);
    if (!row) return undefined;
    const fresh = compilePolicy(row);
    compiled.set(row.id, fresh);
    return fresh;
  }

  function scope(a: Admitted): Scope {
    if (!a.policy) throw new ApiError('FORBIDDEN');
    return {
      policy: a.policy,
      view: { segment: a.policy.segment, staged: stagedConnectors(a.call.connectors) },
      legal: a.policy.legal,
    };
  }

  function validation(items: { name: string; index: number | null; reason: string }[]): void {
    if (items.length > 0) throw ApiError.validation(items);
  }

  const recordUrl = (route: string, type: string, id: string) => `${route}/entity/${type}/${id}`;

  async function mustGetRecord(s: Scope, type: string, id: string): Promise<CatalogRecord> {
    const record = await ctx.store.catalog.record(s.view, type, id);
    if (!record) throw new ApiError('NOT_FOUND');
    return record;
  }

  function target(record: CatalogRecord): WebhookTarget | undefined {
    const c = record.connector;
    if (!c.webhook) return undefined;
    return { connectorId: c.id, webhook: c.webhook, secret: c.webhookSecret, cacheSeconds: c.cache };
  }

  return {
    /**
     * Resolves the call's policy and applies rate and quota before anything
     * else (like the original's gateway); throws RateLimited (429).
     */
    async admit(call: ConsumerCall): Promise<Admitted> {
      const policy = await policyOf(call);
      if (policy) {
        const key = production ? `access:${call.caller?.subject}` : `policy:${policy.slug}`;
        const verdict = await ctx.limits.admit(key, policy.accessControl);
        if (!verdict.ok) throw new RateLimited(verdict.retryAfter, verdict.limit, policy.slug);
      }
      return { call, policy };
    },

    /** `GET /catalog?q=` (spec §4.3). */
    async catalog(a: Admitted, params: Params) {
      const paging = validatePaging(params);
      const v = validateQuery(text(params.q));
      validation([...paging.items, ...(v.ok ? [] : [{ name: QUERY_ERROR_NAME, index: null, reason: v.reason }])]);
      const s = scope(a);
      if (!v.ok || v.query.root === null) return [];
      const filter = compileQuery(v.query, { masks: s.policy.masks });
      let rows: Awaited<ReturnType<typeof ctx.store.catalog.list>>;
      try {
        rows = await ctx.store.catalog.list(s.view, { filter, ...paging.value });
      } catch (err) {
        if (unusableQuery(err)) throw ApiError.one(QUERY_ERROR_NAME, QUERY_REASONS.unparseable);
        throw err;
      }
      return rows.map((r) => ({
        id: r.publicId,
        url: recordUrl(a.call.route, r.type, r.publicId),
        type: r.type,
        name: r.name,
        legal: s.legal,
      }));
    },

    /** `GET /entity` (spec §4.2): types with at least one visible record. */
    async entityTypes(a: Admitted, params: Params) {
      const paging = validatePaging(params);
      validation(paging.items);
      const s = scope(a);
      const rows = await ctx.store.catalog.entityTypes(s.view, paging.value);
      return rows.map((e) => ({
        id: e.slug,
        url: `${a.call.route}/entity/${e.slug}`,
        name: e.name,
        description: e.description,
      }));
    },

    /** `GET /entity/:type` (spec §4.2); an unknown type lists `[]`. */
    async entities(a: Admitted, type: string, params: Params) {
      const paging = validatePaging(params);
      validation(paging.items);
      const s = scope(a);
      const rows = await ctx.store.catalog.list(s.view, { type, ...paging.value });
      return rows.map((r) => ({
        id: r.publicId,
        url: recordUrl(a.call.route, r.type, r.publicId),
        type: r.type,
        name: r.name,
        legal: s.legal,
      }));
    },

    /** `GET /entity/:type/:id` (spec §4.4): webhook merge, then masks, then bbk links. */
    async entity(a: Admitted, type: string, id: string) {
      const s = scope(a);
      const record = await mustGetRecord(s, type, id);
      const { doc } = record;
      let entity = isObject(doc.entity) ? doc.entity : {};
      let instance = isObject(doc.instance) ? doc.instance : {};
      const hook = target(record);
      if (hook) {
        const extras = await ctx.webhooks.entity(hook, record.type, record.vendorId);
        if (extras?.entity) entity = { ...entity, ...extras.entity };
        if (extras?.instance) instance = { ...instance, ...extras.instance };
      }
      const declared = isObject(doc.timeseries) ? doc.timeseries : {};
      const masked = maskRecord(record.type, { entity, instance, timeseries: declared }, s.policy.masks);
      const url = recordUrl(a.call.route, record.type, record.publicId);
      const timeseries: Record<string, unknown> = {};
      for (const [tsid, decl] of Object.entries(masked.timeseries)) {
        timeseries[tsid] = { ...(isObject(decl) ? decl : {}), url: `${url}/timeseries/${tsid}` };
      }
      return {
        id: record.publicId,
        url,
        type: record.type,
        name: record.name,
        entity: rewriteLinks(masked.entity, a.call.route),
        instance: rewriteLinks(masked.instance, a.call.route),
        timeseries,
        legal: s.legal,
      };
    },

    /** `GET /entity/:type/:id/timeseries/:tsid` (spec §4.6): the webhook's array unchanged; any failure gives `[]`. */
    async timeseries(a: Admitted, ids: { type: string; id: string; tsid: string }, params: Params) {
      const window = validateTimeseriesParams(params);
      validation(window.items);
      const s = scope(a);
      const record = await mustGetRecord(s, ids.type, ids.id);
      const declared = isObject(record.doc.timeseries) ? record.doc.timeseries : {};
      // a masked series is withheld like an undeclared one, and its webhook is never called (§9 masks)
      if (!Object.hasOwn(declared, ids.tsid) || seriesMasked(record.type, ids.tsid, s.policy.masks))
        throw new ApiError('NOT_FOUND');
      const hook = target(record);
      if (!hook) return [];
      const w = window.value;
      const points = await ctx.webhooks.timeseries(
        hook,
        { type: record.type, vendorId: record.vendorId, tsid: ids.tsid },
        {
          ...(w.start ? { start: w.start.toISOString() } : {}),
          ...(w.end ? { end: w.end.toISOString() } : {}),
          limit: w.limit,
        },
      );
      // the webhook's array as it sent it: no re-ordering, no cut to `limit` (spec §4.6; docs/CONSUMER.md)
      return points ?? [];
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
