import { type QueryFeatures, queryFeatures } from '../activity/index.js';
import { AdmissionChanged, type RememberedAdmission } from '../auth/remembered.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import { type LegalNotice, maskRecord, seriesMasked } from '../policy/index.js';
import { compileQuery, INDEX_SEGMENT, QUERY_REASONS, validateQuery } from '../query/index.js';
import {
  type CatalogEntry,
  type CatalogRecord,
  type ListOptions,
  type RecordDocument,
  UnusableQueryError,
  type VisibleEntityType,
} from '../storage/catalog-store.js';
import { validateFields, validatePaging, validateTimeseriesParams } from '../validation/index.js';
import type { WebhookTarget } from '../webhooks/index.js';
import { type Admitted, accessOf, consumerScope, type Scope } from './consumer-scope.js';

/** The error name of a bad `q` (spec §1.8: the original's name, kept). */
export const QUERY_ERROR_NAME = 'policy.data_segment.segment_query';

type Params = Record<string, unknown>;
const text = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.map(String).join(',') : '');
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A list item; `fields` when the list asked for some (`?fields=`): path → value as the policy shows it. */
export type ListedRecord = CatalogEntry & { fields?: Record<string, unknown> };

/** Records of a list, with the legal notices every item carries. */
export interface RecordPage {
  rows: ListedRecord[];
  legal: LegalNotice[];
  /** `/catalog` of an access: the masked paths and geographic windows of its query (activity detectors). */
  features?: QueryFeatures;
}

/** A record's detail as the policy lets the consumer see it (before its wire view, http/consumer/views.ts). */
export interface RecordDetail {
  record: CatalogRecord;
  /** entity and instance, webhook extras merged, masks applied */
  entity: Record<string, unknown>;
  instance: Record<string, unknown>;
  /** the timeseries declarations the masks leave, each an object */
  timeseries: Record<string, Record<string, unknown>>;
  legal: LegalNotice[];
}

/** How a timeseries call went with the connector's webhook (`x-bbk-webhook`, bbk extension). */
export type WebhookOutcome = 'ok' | 'failed' | 'none';

function validation(items: { name: string; index: number | null; reason: string }[]): void {
  if (items.length > 0) throw ApiError.validation(items);
}

async function mustGetRecord(ctx: ServerContext, s: Scope, type: string, id: string): Promise<CatalogRecord> {
  const record = await ctx.store.catalog.record(s.view, type, id);
  if (!record) throw new ApiError('NOT_FOUND');
  return record;
}

/**
 * The record of a call admitted on remembered state, read with that state's witness; throws
 * AdmissionChanged (the call is admitted again from the database) when the witness differs.
 */
async function confirmedRecord(
  ctx: ServerContext,
  remembered: RememberedAdmission,
  s: Scope,
  type: string,
  id: string,
): Promise<CatalogRecord> {
  const read = await ctx.store.catalog.recordWitnessed(s.view, type, id, remembered.witness);
  if (!ctx.admissions?.confirm(remembered, read)) throw new AdmissionChanged();
  if ('keyId' in remembered.witness) ctx.auth.confirmed(remembered.witness.keyId);
  if (!read.record) throw new ApiError('NOT_FOUND');
  return read.record;
}

function webhookOf(record: CatalogRecord): WebhookTarget | undefined {
  const c = record.connector;
  if (!c.webhook) return undefined;
  return { connectorId: c.id, webhook: c.webhook, secret: c.webhookSecret, cacheSeconds: c.cache };
}

/**
 * A record as the scope's policy lets a consumer see it: the webhook's `extras` (when given)
 * merged into entity and instance, then the policy's masks applied. The one place masks meet a
 * record's detail: the consumer detail and the policy preview's sample both come from here.
 */
export function detailOf(
  s: Scope,
  record: CatalogRecord,
  extras?: { entity?: Record<string, unknown>; instance?: Record<string, unknown> },
): RecordDetail {
  const masked = maskedSections(s, record.type, record.doc, extras);
  const timeseries: Record<string, Record<string, unknown>> = {};
  for (const [tsid, decl] of Object.entries(masked.timeseries)) timeseries[tsid] = isObject(decl) ? decl : {};
  return { record, entity: masked.entity, instance: masked.instance, timeseries, legal: s.legal };
}

/** A stored document's sections, extras merged, then the policy's masks applied (the detail and `fields`). */
function maskedSections(
  s: Scope,
  type: string,
  doc: RecordDocument,
  extras?: { entity?: Record<string, unknown>; instance?: Record<string, unknown> },
) {
  let entity = isObject(doc.entity) ? doc.entity : {};
  let instance = isObject(doc.instance) ? doc.instance : {};
  if (extras?.entity) entity = { ...entity, ...extras.entity };
  if (extras?.instance) instance = { ...instance, ...extras.instance };
  const declared = isObject(doc.timeseries) ? doc.timeseries : {};
  return maskRecord(type, { entity, instance, timeseries: declared }, s.policy.masks);
}

/** The value at `path` (object keys; numeric segments also index arrays), or undefined. */
function valueAt(root: unknown, path: readonly string[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (Array.isArray(cur) && INDEX_SEGMENT.test(seg)) cur = cur[Number(seg)];
    else if (isObject(cur) && Object.hasOwn(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/**
 * `?fields=` of the consumer lists: each item with the values at `paths` of its stored document as the
 * detail would show them without the webhook (the same masks: a masked path is absent, a masked part of a
 * value is cut out of it). Paths the record lacks are absent.
 */
function withFields(s: Scope, rows: readonly CatalogEntry[], paths: readonly string[][]): ListedRecord[] {
  return rows.map(({ doc, ...row }) => {
    const fields: Record<string, unknown> = {};
    if (doc) {
      const masked = maskedSections(s, row.type, doc);
      for (const path of paths) {
        const v = valueAt(masked, path);
        if (v !== undefined) fields[path.join('.')] = v;
      }
    }
    return { ...row, fields };
  });
}

/** The page of a list, with `fields` when asked: the store reads the documents only then. */
async function listPage(
  ctx: ServerContext,
  s: Scope,
  options: ListOptions,
  paths: readonly string[][],
): Promise<ListedRecord[]> {
  const rows = await ctx.store.catalog.list(s.view, { ...options, ...(paths.length > 0 ? { withDoc: true } : {}) });
  return paths.length > 0 ? withFields(s, rows, paths) : rows;
}

/**
 * The Consumer API's reads (spec §4, §5, §9), each on an admitted call (consumer-scope.ts):
 * parameters are validated first (400), then the policy scope applies (403 without a policy,
 * 404 outside it); every read goes through the store with the scope's view.
 */
export const catalog = {
  /** `GET /catalog?q=` (spec §4.3). */
  async query(ctx: ServerContext, a: Admitted, params: Params): Promise<RecordPage> {
    const paging = validatePaging(params);
    const fields = validateFields(params);
    const v = validateQuery(text(params.q));
    const queryItems = v.ok ? [] : [{ name: QUERY_ERROR_NAME, index: null, reason: v.reason }];
    validation([...paging.items, ...fields.items, ...queryItems]);
    const s = consumerScope.of(a);
    if (!v.ok || v.query.root === null) return { rows: [], legal: s.legal };
    const features = accessOf(ctx, a.call) === undefined ? undefined : queryFeatures(v.query, s.policy.masks);
    const filter = compileQuery(v.query, { masks: s.policy.masks });
    try {
      const rows = await listPage(ctx, s, { filter, ...paging.value }, fields.value);
      return { rows, legal: s.legal, ...(features ? { features } : {}) };
    } catch (err) {
      // a hostile-but-valid query the database cannot run: unusable → 400, not 500
      if (err instanceof UnusableQueryError) throw ApiError.one(QUERY_ERROR_NAME, QUERY_REASONS.unparseable);
      throw err;
    }
  },

  /** `GET /entity` (spec §4.2): types with at least one visible record. */
  async entityTypes(ctx: ServerContext, a: Admitted, params: Params): Promise<VisibleEntityType[]> {
    const paging = validatePaging(params);
    validation(paging.items);
    return ctx.store.catalog.entityTypes(consumerScope.of(a).view, paging.value);
  },

  /** `GET /entity/:type` (spec §4.2); an unknown type lists `[]`. */
  async entities(ctx: ServerContext, a: Admitted, type: string, params: Params): Promise<RecordPage> {
    const paging = validatePaging(params);
    const fields = validateFields(params);
    validation([...paging.items, ...fields.items]);
    const s = consumerScope.of(a);
    return { rows: await listPage(ctx, s, { type, ...paging.value }, fields.value), legal: s.legal };
  },

  /** `GET /entity/:type/:id` (spec §4.4): webhook merge, then masks (bbk links are the view's). */
  async entity(ctx: ServerContext, a: Admitted, type: string, id: string): Promise<RecordDetail> {
    const s = consumerScope.of(a);
    const record = a.remembered
      ? await confirmedRecord(ctx, a.remembered, s, type, id)
      : await mustGetRecord(ctx, s, type, id);
    const hook = webhookOf(record);
    const extras = hook ? await ctx.webhooks.entity(hook, record.type, record.vendorId) : undefined;
    return detailOf(s, record, extras ?? undefined);
  },

  /**
   * `GET /entity/:type/:id/timeseries/:tsid` (spec §4.6): the webhook's array unchanged; any
   * failure gives `[]`, and `outcome` tells which it was.
   */
  async timeseries(
    ctx: ServerContext,
    a: Admitted,
    ids: { type: string; id: string; tsid: string },
    params: Params,
  ): Promise<{ points: unknown[]; outcome: WebhookOutcome }> {
    const window = validateTimeseriesParams(params);
    validation(window.items);
    const s = consumerScope.of(a);
    const record = await mustGetRecord(ctx, s, ids.type, ids.id);
    const declared = isObject(record.doc.timeseries) ? record.doc.timeseries : {};
    // a masked series is withheld like an undeclared one, and its webhook is never called (§9 masks)
    if (!Object.hasOwn(declared, ids.tsid) || seriesMasked(record.type, ids.tsid, s.policy.masks))
      throw new ApiError('NOT_FOUND');
    const hook = webhookOf(record);
    if (!hook) return { points: [], outcome: 'none' };
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
    return points ? { points, outcome: 'ok' } : { points: [], outcome: 'failed' };
  },
};
