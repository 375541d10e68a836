import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { PolicyRow } from '../storage/types.js';
import { policyBody, slugParam } from './bodies.js';

export async function mustGetPolicy(ctx: ServerContext, slug: string): Promise<PolicyRow> {
  const row = await ctx.store.policies.get(slug);
  if (!row) throw new ApiError('NOT_FOUND');
  return row;
}

export const policies = {
  list: (ctx: ServerContext) => ctx.store.policies.list(),

  get: mustGetPolicy,

  async create(ctx: ServerContext, slug: string, body: unknown): Promise<void> {
    const input = policyBody(body, slugParam(slug));
    if (!(await ctx.store.policies.create(slug, input))) throw new ApiError('CONFLICT');
  },

  async update(ctx: ServerContext, slug: string, body: unknown): Promise<void> {
    const input = policyBody(body);
    if (!(await ctx.store.policies.update(slug, input))) throw new ApiError('NOT_FOUND');
  },

  async delete(ctx: ServerContext, slug: string): Promise<void> {
    if (!(await ctx.store.policies.delete(slug))) throw new ApiError('NOT_FOUND');
  },
};
