import { MAX_PAGE_SIZE } from '@bbk/sdk';
import { type ConsumerFlags, consumerFor, paging } from '../../lib/consumer-options.js';
import type { CommandContext } from '../../lib/context.js';
import { lazy, type Output } from '../../lib/output.js';
import { catalogPages, pageOptions } from './index.js';
import { morePages } from './more-pages.js';

const views = () => import('./views.js');

export interface EntityGetOptions extends ConsumerFlags {
  type: string;
  id?: string;
}

/**
 * `bbk entity get TYPE [ID]`: one record in full (webhook data merged, masks applied), or the records of a type
 * (one page, or all with `--all`).
 */
export async function entityGet(options: EntityGetOptions, ctx: CommandContext): Promise<Output> {
  const consumer = consumerFor(options, ctx);
  if (options.id !== undefined) {
    const entity = await consumer.entity(options.type, options.id);
    return {
      data: entity,
      ids: [entity.id],
      view: lazy(views, (v) => <v.EntityView entity={entity} width={ctx.columns} />),
    };
  }
  const { limit, offset, all } = paging(options, MAX_PAGE_SIZE);
  if (all)
    return { data: undefined, pages: catalogPages(consumer.entitiesPages(options.type, pageOptions(limit, ctx))) };
  const items = await consumer.entities(options.type, { ...(limit ? { limit } : {}), ...(offset ? { offset } : {}) });
  const more = morePages(items.length, limit ?? MAX_PAGE_SIZE, offset ?? 0);
  return {
    data: items,
    ids: items.map((i) => i.id),
    view: lazy(views, (v) => <v.CatalogTable items={items} width={ctx.columns} {...(more ? { more } : {})} />),
  };
}
