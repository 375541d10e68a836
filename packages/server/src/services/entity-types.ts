import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { EntityTypeRow } from '../storage/types.js';
import { entityTypeBody, slugParam } from './bodies.js';

export async function mustGetEntityType(ctx: ServerContext, slug: string): Promise<EntityTypeRow> {
  const row = await ctx.store.entityTypes.get(slug);
  if (!row) throw new ApiError('NOT_FOUND');
  return row;
}

export const entityTypes = {
  list: (ctx: ServerContext) => ctx.store.entityTypes.list(),

  get: mustGetEntityType,

  async create(ctx: ServerContext, slug: string, body: unknown): Promise<void> {
    const input = await entityTypeBody(ctx, body, slugParam(slug));
    if (!(await ctx.store.entityTypes.create(slug, input))) throw new ApiError('CONFLICT');
  },

  async update(ctx: ServerContext, slug: string, body: unknown): Promise<void> {
    const input = await entityTypeBody(ctx, body);
    if (!(await ctx.store.entityTypes.update(slug, input))) throw new ApiError('NOT_FOUND');
  },

  async delete(ctx: ServerContext, slug: string): Promise<void> {
    if (!(await ctx.store.entityTypes.delete(slug))) throw new ApiError('NOT_FOUND');
  },
};
