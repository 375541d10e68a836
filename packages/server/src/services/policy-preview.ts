import type { PolicyPreview, PreviewChange, PreviewRecord } from '@bbk/sdk/protocol';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import { type CompiledPolicy, compilePolicy } from '../policy/index.js';
import { QUERY_REASONS } from '../query/index.js';
import { type CatalogView, UnusableQueryError } from '../storage/catalog-store.js';
import { policyBody, slugParam } from './bodies.js';
import { detailOf, QUERY_ERROR_NAME } from './catalog.js';
import { consumerScope, type Scope } from './consumer-scope.js';

/** Records in a preview's sample. */
export const PREVIEW_SAMPLE = 10;
/** Records named in each of `added` and `removed`. */
export const PREVIEW_CHANGES = 100;

/** Everything of the preview that reads the catalog, with a query the database cannot run answered 400. */
async function readable<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof UnusableQueryError) throw ApiError.one(QUERY_ERROR_NAME, QUERY_REASONS.unparseable);
    throw err;
  }
}

async function sampleOf(ctx: ServerContext, s: Scope): Promise<PreviewRecord[]> {
  const rows = await ctx.store.catalog.list(s.view, { limit: PREVIEW_SAMPLE, offset: 0 });
  const sample: PreviewRecord[] = [];
  for (const row of rows) {
    const record = await ctx.store.catalog.record(s.view, row.type, row.publicId);
    if (!record) continue; // gone since the list was read
    // no webhook call: a preview must stay cheap and have no effect outside the server
    const d = detailOf(s, record);
    sample.push({
      id: record.publicId,
      type: record.type,
      name: record.name,
      entity: d.entity as PreviewRecord['entity'],
      instance: d.instance as PreviewRecord['instance'],
      timeseries: d.timeseries as unknown as PreviewRecord['timeseries'],
      legal: d.legal as PreviewRecord['legal'],
    });
  }
  return sample;
}

/** Records visible in `view` that `other` does not let in. */
async function changeOf(ctx: ServerContext, view: CatalogView, other: CompiledPolicy): Promise<PreviewChange> {
  const filter = { kind: 'not', item: other.segment } as const;
  const counts = await ctx.store.catalog.countByType(view, { filter });
  const rows = await ctx.store.catalog.list(view, { filter, limit: PREVIEW_CHANGES, offset: 0 });
  const records = counts.reduce((n, c) => n + c.records, 0);
  return {
    records,
    items: rows.map((r) => ({ id: r.publicId, type: r.type, name: r.name })),
    truncated: records > rows.length,
  };
}

/**
 * The policy impact preview (bbk extension, docs/CONSOLE.md): what a consumer of a candidate
 * policy would see, computed by the consumer's own scope and store reads, never stored.
 */
export const policyPreview = {
  /**
   * `POST /policy/:pid/preview`: the body is validated as policy create (for a new `pid`) or update
   * (for an existing one) would; the candidate's scope is the one a consumer holding it gets, without
   * staged connectors. `added`/`removed` compare it with the stored policy `pid` when there is one.
   */
  async preview(ctx: ServerContext, slug: string, body: unknown): Promise<PolicyPreview> {
    const stored = await ctx.store.policies.get(slug);
    const input = policyBody(body, stored ? [] : slugParam(slug));
    const candidate = compilePolicy({ ...input, id: stored?.id ?? 0, slug, version: -1 });
    const scope = consumerScope.forPolicy(candidate);
    return readable(
      (async () => {
        const types = await ctx.store.catalog.countByType(scope.view);
        const sample = await sampleOf(ctx, scope);
        let added: PreviewChange | null = null;
        let removed: PreviewChange | null = null;
        if (stored) {
          const current = consumerScope.forPolicy(compilePolicy(stored));
          added = await changeOf(ctx, scope.view, current.policy);
          removed = await changeOf(ctx, current.view, candidate);
        }
        return { records: types.reduce((n, t) => n + t.records, 0), types, sample, added, removed };
      })(),
    );
  },
};
