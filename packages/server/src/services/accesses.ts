import type { Caller } from '../auth/caller.js';
import { issueToken, mintToken } from '../auth/tokens.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { AccessRow, UserRow } from '../storage/types.js';
import { change } from './audit.js';
import { expiresOf, type WithToken, withToken, withTokens } from './token-facts.js';
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

/**
 * Accesses: consumer tokens (spec §2.7). Create and reissue take an optional body `{ "expires": … }`
 * (bbk extension: a duration such as `90d` or a future ISO-8601 time; absent = never), checked first (400).
 */
export const accesses = {
  /** The user's accesses, each with its token's expiry and last use. */
  async list(ctx: ServerContext, uid: string): Promise<WithToken<AccessRow>[]> {
    const user = await mustGetUser(ctx, uid);
    return withTokens(ctx, 'consumer', await ctx.store.accesses.list(user.id));
  },

  async get(ctx: ServerContext, uid: string, pid: string): Promise<WithToken<AccessRow>> {
    return withToken(ctx, 'consumer', await mustGetAccess(ctx, uid, pid));
  },

  /** 400 expires → 404 policy → 404 user → 409 → token (spec §2.2). */
  async create(
    ctx: ServerContext,
    uid: string,
    pid: string,
    body: unknown = {},
    caller: Caller | null = null,
  ): Promise<string> {
    const expires = expiresOf(ctx, body);
    const policy = await ctx.store.policies.get(pid);
    if (!policy) throw new ApiError('NOT_FOUND');
    const user = await mustGetUser(ctx, uid);
    const token = mintToken('consumer');
    const target = `access:${user.id}/${policy.slug}`;
    const access = await ctx.store.accesses.create(user.id, policy.id, { ...token, expires }, (id) =>
      id === undefined
        ? undefined
        : [
            change(caller, 'access.create', target, { access: id, user: user.id, policy: policy.slug }),
            change(caller, 'token.issue', target, { kind: 'consumer', access: id, expires }),
          ],
    );
    if (!access) throw new ApiError('CONFLICT');
    return token.token;
  },

  /** Revokes the access's tokens and issues a new one (400 expires → 404 user → 404 access). */
  async reissue(
    ctx: ServerContext,
    uid: string,
    pid: string,
    body: unknown = {},
    caller: Caller | null = null,
  ): Promise<string> {
    const expires = expiresOf(ctx, body);
    const access = await mustGetAccess(ctx, uid, pid);
    // revokes the old token in the same transaction
    return issueToken(ctx.store, 'consumer', access.id, {
      expires,
      audit: (revoked) =>
        change(caller, 'token.reissue', `access:${access.userId}/${access.policy}`, {
          kind: 'consumer',
          access: access.id,
          rescinded: revoked,
          expires,
        }),
    });
  },

  async delete(ctx: ServerContext, uid: string, pid: string, caller: Caller | null = null): Promise<void> {
    const access = await mustGetAccess(ctx, uid, pid);
    const deleted = await ctx.store.accesses.delete(access.id, (done) =>
      done
        ? change(caller, 'access.delete', `access:${access.userId}/${access.policy}`, {
            access: access.id,
            user: access.userId,
            policy: access.policy,
          })
        : undefined,
    );
    // of deletes at once, one removes the access; the others find it gone
    if (!deleted) throw new ApiError('NOT_FOUND');
  },
};
