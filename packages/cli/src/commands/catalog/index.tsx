import { MAX_PAGE_SIZE, offsetPages, type Query } from '@bbk/sdk';
import { type ConsumerFlags, collect, consumerFor, paging } from '../../lib/consumer-options.js';
import type { CommandContext } from '../../lib/context.js';
import { lazy, type Output } from '../../lib/output.js';
import { need } from '../../lib/prompt.js';
import { andQueries, parseQuery, queryProblem, whereCondition } from '../../lib/query.js';
import { morePages } from './more-pages.js';

const views = () => import('./views.js');

export interface CatalogQueryOptions extends ConsumerFlags {
  /** The query as JSON text. */
  query?: string;
  /** `PATH OP VALUE` conditions, ANDed with the query. */
  where?: string[];
  /** Shorthand for a `type` condition. */
  type?: string;
}

/**
 * `bbk catalog query '<json>'` (or `--where`, `--type`): records matching the query within the policy.
 * One page by default (`--limit`, `--offset`); `--all` pages through everything.
 */
export async function catalogQuery(options: CatalogQueryOptions, ctx: CommandContext): Promise<Output> {
  const parts: Record<string, unknown>[] = [];
  if (options.query !== undefined) parts.push(parseQuery(options.query, 'the query'));
  if (options.type !== undefined) parts.push({ type: options.type });
  for (const condition of options.where ?? []) parts.push(whereCondition(condition));
  let query = andQueries(parts);
  if (!query) {
    const text = await need(
      undefined,
      { flag: '<query>', label: 'query as JSON, e.g. {"type":"country"}', validate: jsonQuery },
      ctx,
    );
    query = parseQuery(text, 'the query');
  }
  const { limit, offset, all } = paging(options, MAX_PAGE_SIZE);
  const consumer = consumerFor(options, ctx);
  const q = query as Query;
  const items = all
    ? await collect(consumer.catalogAll(q, limit ? { pageSize: limit } : {}))
    : await consumer.catalog(q, { ...(limit ? { limit } : {}), ...(offset ? { offset } : {}) });
  const more = all ? undefined : morePages(items.length, limit ?? MAX_PAGE_SIZE, offset ?? 0);
  return {
    data: items,
    ids: items.map((i) => i.id),
    view: lazy(views, (v) => <v.CatalogTable items={items} width={ctx.columns} {...(more ? { more } : {})} />),
  };
}

/** `bbk catalog types`: entity types with records visible to the policy. */
export async function catalogTypes(options: ConsumerFlags, ctx: CommandContext): Promise<Output> {
  const { limit, offset, all } = paging(options, MAX_PAGE_SIZE);
  const consumer = consumerFor(options, ctx);
  const types = all
    ? await collect(
        offsetPages((size, from) => consumer.entityTypes({ limit: size, offset: from }), limit ?? MAX_PAGE_SIZE),
      )
    : await consumer.entityTypes({ ...(limit ? { limit } : {}), ...(offset ? { offset } : {}) });
  return {
    data: types,
    ids: types.map((t) => t.id),
    view: lazy(views, (v) => <v.ConsumerTypesTable types={types} width={ctx.columns} />),
  };
}

function jsonQuery(text: string): true | string {
  try {
    return queryProblem(JSON.parse(text)) ?? true;
  } catch (error) {
    return `not valid JSON: ${(error as Error).message}`;
  }
}
