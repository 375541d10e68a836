import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import { compilePolicy } from '../policy/index.js';
import { compileQuery, type Ir, QUERY_REASONS, validateQuery } from '../query/index.js';
import { type CatalogExplain, type CatalogView, UnusableQueryError } from '../storage/catalog-store.js';
import { validatePaging } from '../validation/index.js';
import { QUERY_ERROR_NAME } from './catalog.js';

type Params = Record<string, unknown>;
const text = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.map(String).join(',') : '');
const EVERYTHING: Ir = { kind: 'const', value: true };

/**
 * Coordinator diagnostics of consumer lists (bbk extension): how the store would run a catalog
 * query or an entity type list, under a policy's segment and masks or over the whole catalog.
 */
export const catalogExplain = {
  /**
   * `GET /catalog?explain=true[&q=…][&type=…][&policy=…][&limit=…][&offset=…]` on the Coordinator
   * API: the plan, the indexes used, and the rows looked at, of the list a consumer of `policy` (or,
   * without one, a reader of every live record) would get. Never returns records.
   */
  async explain(ctx: ServerContext, params: Params): Promise<CatalogExplain> {
    const paging = validatePaging(params);
    const items = [...paging.items];
    if (text(params.explain) !== 'true') items.push({ name: 'explain', index: null, reason: 'must be true' });
    const type = params.type === undefined ? undefined : text(params.type).toLowerCase();
    const q = params.q === undefined && type !== undefined ? undefined : validateQuery(text(params.q));
    if (q && !q.ok) items.push({ name: QUERY_ERROR_NAME, index: null, reason: q.reason });
    if (items.length > 0) throw ApiError.validation(items);
    let view: CatalogView = { segment: EVERYTHING, staged: [] };
    let masks: ReturnType<typeof compilePolicy>['masks'] = [];
    if (params.policy !== undefined) {
      const row = await ctx.store.policies.get(text(params.policy).toLowerCase());
      if (!row) throw new ApiError('NOT_FOUND');
      const policy = compilePolicy(row);
      view = { segment: policy.segment, staged: [] };
      masks = policy.masks;
    }
    const filter = q?.ok
      ? q.query.root === null
        ? ({ kind: 'const', value: false } as Ir)
        : compileQuery(q.query, { masks })
      : undefined;
    try {
      return await ctx.store.catalog.explain(view, {
        ...paging.value,
        ...(filter ? { filter } : {}),
        ...(type ? { type } : {}),
      });
    } catch (err) {
      if (err instanceof UnusableQueryError) throw ApiError.one(QUERY_ERROR_NAME, QUERY_REASONS.unparseable);
      throw err;
    }
  },
};
