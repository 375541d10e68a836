import type { Caller } from '../auth/caller.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { EntityTypeRow } from '../storage/types.js';
import { audit, auditState, change } from './audit.js';
import { entityTypeBody, slugParam } from './bodies.js';

export async function mustGetEntityType(ctx: ServerContext, slug: string): Promise<EntityTypeRow> {
  const row = await ctx.store.entityTypes.get(slug);
  if (!row) throw new ApiError('NOT_FOUND');
  return row;
}

export const entityTypes = {
  list: (ctx: ServerContext) => ctx.store.entityTypes.list(),

  get: mustGetEntityType,

  async create(ctx: ServerContext, slug: string, body: unknown, caller: Caller | null = null): Promise<void> {
    const input = await entityTypeBody(ctx, body, slugParam(slug));
    const created = await ctx.store.entityTypes.create(slug, input, (done) =>
      done
        ? change(caller, 'entity-type.create', `entity-type:${slug}`, { after: auditState.entityType(input) })
        : undefined,
    );
    if (!created) throw new ApiError('CONFLICT');
  },

  async update(ctx: ServerContext, slug: string, body: unknown, caller: Caller | null = null): Promise<void> {
    const input = await entityTypeBody(ctx, body);
    const before = await ctx.store.entityTypes.get(slug);
    const updated = await ctx.store.entityTypes.update(slug, input, (done) =>
      done && before
        ? change(caller, 'entity-type.update', `entity-type:${slug}`, {
            before: auditState.entityType(before),
            after: auditState.entityType(input),
          })
        : undefined,
    );
    if (!updated) throw new ApiError('NOT_FOUND');
  },

  /** The cascade runs on the catalog writer: its entry is appended right after it commits. */
  async delete(ctx: ServerContext, slug: string, caller: Caller | null = null): Promise<void> {
    const before = await ctx.store.entityTypes.get(slug);
    if (!before || !(await ctx.store.entityTypes.delete(slug))) throw new ApiError('NOT_FOUND');
    await audit.record(
      ctx,
      change(caller, 'entity-type.delete', `entity-type:${slug}`, { before: auditState.entityType(before) }),
    );
  },
};
