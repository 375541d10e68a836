import type { Caller } from '../auth/caller.js';
import { issueToken, mintToken } from '../auth/tokens.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { AccessRow, UserRow } from '../storage/types.js';
import { change } from './audit.js';
import { parseUid } from './users.js';

/** Access routes: a malformed uid is simply an unknown user (spec §2.2 Fix). */
async function mustGetUser(ctx: ServerContext, uid: string): Promise<UserRow> {
  const user = await ctx.store.users.get(parseUid(uid));
  if (!user) throw new ApiError('NOT_FOUND');
  return user;
}

async function mustGetAccess(ctx: ServerContext, uid: string, pid: string): Promise<AccessRow> {
  const user = await mustGetUser(ctx, uid);
  const access = await ctx.store.accesses.get(user.id, pid);
  if (!access) throw new ApiError('NOT_FOUND');
  return access;
}

export const accesses = {
  async list(ctx: ServerContext, uid: string): Promise<AccessRow[]> {
    const user = await mustGetUser(ctx, uid);
    return ctx.store.accesses.list(user.id);
  },

  get: mustGetAccess,

  /** 404 policy → 404 user → 409 → token (spec §2.2). */
  async create(ctx: ServerContext, uid: string, pid: string, caller: Caller | null = null): Promise<string> {
    const policy = await ctx.store.policies.get(pid);
    if (!policy) throw new ApiError('NOT_FOUND');
    const user = await mustGetUser(ctx, uid);
    const token = mintToken('consumer');
    const target = `access:${user.id}/${policy.slug}`;
    const access = await ctx.store.accesses.create(user.id, policy.id, token, (id) =>
      id === undefined
        ? undefined
        : [
            change(caller, 'access.create', target, { access: id, user: user.id, policy: policy.slug }),
            change(caller, 'token.issue', target, { kind: 'consumer', access: id }),
          ],
    );
    if (!access) throw new ApiError('CONFLICT');
    return token.token;
  },

  /** Revokes the access's tokens and issues a new one. */
  async reissue(ctx: ServerContext, uid: string, pid: string, caller: Caller | null = null): Promise<string> {
    const access = await mustGetAccess(ctx, uid, pid);
    // revokes the old token in the same transaction
    return issueToken(ctx.store, 'consumer', access.id, (revoked) =>
      change(caller, 'token.reissue', `access:${access.userId}/${access.policy}`, {
        kind: 'consumer',
        access: access.id,
        rescinded: revoked,
      }),
    );
  },

  async delete(ctx: ServerContext, uid: string, pid: string, caller: Caller | null = null): Promise<void> {
    const access = await mustGetAccess(ctx, uid, pid);
    await ctx.store.accesses.delete(access.id, () =>
      change(caller, 'access.delete', `access:${access.userId}/${access.policy}`, { access: access.id }),
    );
  },
};
