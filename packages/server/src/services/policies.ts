import type { Caller } from '../auth/caller.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { PolicyRow } from '../storage/types.js';
import { auditState, change } from './audit.js';
import { policyBody, slugParam } from './bodies.js';

export async function mustGetPolicy(ctx: ServerContext, slug: string): Promise<PolicyRow> {
  const row = await ctx.store.policies.get(slug);
  if (!row) throw new ApiError('NOT_FOUND');
  return row;
}

export const policies = {
  list: (ctx: ServerContext) => ctx.store.policies.list(),

  get: mustGetPolicy,

  async create(ctx: ServerContext, slug: string, body: unknown, caller: Caller | null = null): Promise<void> {
    const input = policyBody(body, slugParam(slug));
    const created = await ctx.store.policies.create(slug, input, (done) =>
      done ? change(caller, 'policy.create', `policy:${slug}`, { after: auditState.policy(input) }) : undefined,
    );
    if (!created) throw new ApiError('CONFLICT');
  },

  async update(ctx: ServerContext, slug: string, body: unknown, caller: Caller | null = null): Promise<void> {
    const input = policyBody(body);
    const before = await ctx.store.policies.get(slug);
    const updated = await ctx.store.policies.update(slug, input, (done) =>
      done && before
        ? change(caller, 'policy.update', `policy:${slug}`, {
            before: auditState.policy(before),
            after: auditState.policy(input),
          })
        : undefined,
    );
    if (!updated) throw new ApiError('NOT_FOUND');
  },

  async delete(ctx: ServerContext, slug: string, caller: Caller | null = null): Promise<void> {
    const before = await ctx.store.policies.get(slug);
    const deleted = await ctx.store.policies.delete(slug, (done) =>
      done && before
        ? change(caller, 'policy.delete', `policy:${slug}`, { before: auditState.policy(before) })
        : undefined,
    );
    if (!deleted) throw new ApiError('NOT_FOUND');
  },
};
