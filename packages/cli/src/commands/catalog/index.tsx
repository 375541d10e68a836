import { type CatalogItem, type ConsumerEntityType, MAX_PAGE_SIZE, type Query } from '@bbk/sdk';
import { type ConsumerFlags, consumerFor, paging, retryFor } from '../../lib/consumer-options.js';
import type { CommandContext } from '../../lib/context.js';
import { UsageError } from '../../lib/exit-codes.js';
import { lazy, type Output, type PagedOutput } from '../../lib/output.js';
import { need } from '../../lib/prompt.js';
import { andQueries, parseQuery, queryProblem, whereCondition } from '../../lib/query.js';
import { integer } from '../../lib/read-input.js';
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
  let query = queryOf(options.query, options.type === undefined ? [] : [{ type: options.type }], options.where);
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
  if (all) return { data: undefined, pages: catalogPages(consumer.catalogPages(q, pageOptions(limit, ctx))) };
  const items = await consumer.catalog(q, { ...(limit ? { limit } : {}), ...(offset ? { offset } : {}) });
  const more = morePages(items.length, limit ?? MAX_PAGE_SIZE, offset ?? 0);
  return {
    data: items,
    ids: items.map((i) => i.id),
    view: lazy(views, (v) => <v.CatalogTable items={items} width={ctx.columns} {...(more ? { more } : {})} />),
  };
}

/** The JSON query, then `more` conditions, then the `--where` ones, ANDed; undefined when there are none. */
function queryOf(json: string | undefined, more: Record<string, unknown>[], where: string[] | undefined) {
  const parts: Record<string, unknown>[] = [];
  if (json !== undefined) parts.push(parseQuery(json, 'the query'));
  parts.push(...more);
  for (const condition of where ?? []) parts.push(whereCondition(condition));
  return andQueries(parts);
}

/** `--all`: page size and the 429 waits. */
export function pageOptions(limit: number | undefined, ctx: CommandContext) {
  return { ...(limit ? { pageSize: limit } : {}), retry: retryFor(ctx) };
}

/**
 * Catalog records printed page by page (`--all`), the policy's legal notices once at the end.
 * @example return { data: undefined, pages: catalogPages(consumer.catalogPages(q)) };
 */
export function catalogPages(source: AsyncIterable<CatalogItem[]>): PagedOutput {
  let legal: CatalogItem['legal'] = [];
  return {
    source: (async function* () {
      for await (const page of source) {
        legal = page[0]?.legal ?? legal;
        yield page;
      }
    })(),
    id: (item) => (item as CatalogItem).id,
    view: async (items, first, width) => {
      const v = await views();
      return <v.CatalogRows items={items as CatalogItem[]} width={width} header={first} />;
    },
    end: async (count, width) => {
      const v = await views();
      return count === 0 ? <v.CatalogRows items={[]} width={width} header /> : <v.Legal legal={legal} />;
    },
  };
}

/** `bbk catalog types`: entity types with records visible to the policy. */
export async function catalogTypes(options: ConsumerFlags, ctx: CommandContext): Promise<Output> {
  const { limit, offset, all } = paging(options, MAX_PAGE_SIZE);
  const consumer = consumerFor(options, ctx);
  if (all) {
    const source = consumer.entityTypesPages(pageOptions(limit, ctx));
    return {
      data: undefined,
      pages: {
        source,
        id: (item) => (item as ConsumerEntityType).id,
        view: async (items, first, width) => {
          const v = await views();
          return <v.ConsumerTypesTable types={items as ConsumerEntityType[]} width={width} header={first} />;
        },
        end: async (count, width) => {
          if (count > 0) return null;
          const v = await views();
          return <v.ConsumerTypesTable types={[]} width={width} />;
        },
      },
    };
  }
  const types = await consumer.entityTypes({ ...(limit ? { limit } : {}), ...(offset ? { offset } : {}) });
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

export interface CatalogExplainOptions {
  query?: string;
  where?: string[];
  type?: string;
  policy?: string;
  limit?: string;
  offset?: string;
}

/**
 * `bbk catalog explain '<json>' [--where …] [--type T] [--policy P]`: how that consumer list runs (Coordinator
 * API, bbk extension): the plan, the indexes it reads, the rows it looks at, and the automatic indexes.
 */
export async function catalogExplain(options: CatalogExplainOptions, ctx: CommandContext): Promise<Output> {
  const query = queryOf(options.query, [], options.where) as Query | undefined;
  if (!query && options.type === undefined) {
    throw new UsageError('give a query, --where conditions or --type: the list to explain');
  }
  const e = await ctx.coordinator().catalog.explain(query, {
    ...(options.type !== undefined ? { type: options.type } : {}),
    ...(options.policy !== undefined ? { policy: options.policy.toLowerCase() } : {}),
    ...(options.limit !== undefined ? { limit: integer(options.limit, '--limit', 1, MAX_PAGE_SIZE) } : {}),
    ...(options.offset !== undefined ? { offset: integer(options.offset, '--offset', 0) } : {}),
  });
  const lines = [
    e.sql === null ? 'Nothing can match: no query runs.' : 'Plan:',
    ...e.plan.map((step) => `  ${step}`),
    `Indexes: ${e.indexes.length > 0 ? e.indexes.join(', ') : 'none'}`,
    `Rows: ${e.rows_examined} looked at, ${e.rows_returned} returned, ${e.ms} ms`,
    ...(e.starts_at ? [`Starts at: the remembered row ${e.starts_at.seq}, skipping ${e.starts_at.skip}`] : []),
    `Automatic indexes:${e.automatic_indexes.length > 0 ? '' : ' none'}`,
    ...e.automatic_indexes.map((i) => `  ${i.kind} ${i.path} (${i.name}, last used ${i.last_used})`),
  ];
  return { data: e, view: lines.join('\n') };
}
