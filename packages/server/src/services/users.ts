import type { Caller } from '../auth/caller.js';
import { issueToken } from '../auth/tokens.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { UserRow } from '../storage/types.js';
import { auditState, change } from './audit.js';
import { userBody } from './bodies.js';

const UID = /^\d{1,8}$/;

/** Parses `:uid`; anything but 1–8 decimal digits is 404 (spec §2.2). */
export function parseUid(raw: string): number {
  if (!UID.test(raw)) throw new ApiError('NOT_FOUND');
  return Number(raw);
}

async function mustGet(ctx: ServerContext, id: number): Promise<UserRow> {
  const user = await ctx.store.users.get(id);
  if (!user) throw new ApiError('NOT_FOUND');
  return user;
}

/** Production mode forbids acting on yourself where it could drop the last coordinator (spec §9). */
function refuseSelf(ctx: ServerContext, caller: Caller | null, id: number): void {
  if (ctx.config.mode === 'production' && caller?.kind === 'coordinator' && caller.subject === id) {
    throw new ApiError('METHOD_NOT_ALLOWED');
  }
}

export const users = {
  list: (ctx: ServerContext) => ctx.store.users.list(),

  get: (ctx: ServerContext, uid: string) => mustGet(ctx, parseUid(uid)),

  async getByEmail(ctx: ServerContext, email: string): Promise<UserRow> {
    const user = await ctx.store.users.getByEmail(email.toLowerCase());
    if (!user) throw new ApiError('NOT_FOUND');
    return user;
  },

  async create(ctx: ServerContext, body: unknown, caller: Caller | null = null): Promise<number> {
    const input = userBody(body, 'create');
    const id = await ctx.store.users.create(input, (id) =>
      id === undefined ? undefined : change(caller, 'user.create', `user:${id}`, { after: auditState.user(input) }),
    );
    if (id === undefined) throw new ApiError('CONFLICT');
    return id;
  },

  async update(ctx: ServerContext, uid: string, body: unknown, caller: Caller | null = null): Promise<void> {
    const id = parseUid(uid);
    const { name, organization, addendum } = userBody(body, 'update');
    const before = await ctx.store.users.get(id);
    const after = { name, organization, addendum };
    const updated = await ctx.store.users.update(id, after, (done) =>
      done && before
        ? change(caller, 'user.update', `user:${id}`, {
            before: auditState.user(before),
            after: auditState.user(after),
          })
        : undefined,
    );
    if (!updated) throw new ApiError('NOT_FOUND');
  },

  async delete(ctx: ServerContext, uid: string, caller: Caller | null): Promise<void> {
    const id = parseUid(uid);
    const before = await mustGet(ctx, id);
    refuseSelf(ctx, caller, id);
    const deleted = await ctx.store.users.delete(id, (done) =>
      done ? change(caller, 'user.delete', `user:${id}`, { before: auditState.user(before) }) : undefined,
    );
    // of deletes at once, one removes the user; the others find it gone
    if (!deleted) throw new ApiError('NOT_FOUND');
  },

  async promote(ctx: ServerContext, uid: string, caller: Caller | null = null): Promise<string> {
    const user = await mustGet(ctx, parseUid(uid));
    if (user.coordinator) throw new ApiError('CONFLICT');
    // checked again with the write (`once`): of promotions at once, one wins and the others get 409
    return issueToken(ctx.store, 'coordinator', user.id, {
      once: true,
      audit: () => change(caller, 'token.issue', `user:${user.id}`, { kind: 'coordinator' }),
    });
  },

  async demote(ctx: ServerContext, uid: string, caller: Caller | null): Promise<void> {
    const user = await mustGet(ctx, parseUid(uid));
    if (!user.coordinator) throw new ApiError('CONFLICT');
    refuseSelf(ctx, caller, user.id);
    const revoked = await ctx.store.tokens.revokeSubject('coordinator', user.id, (n) =>
      n > 0 ? change(caller, 'token.rescind', `user:${user.id}`, { kind: 'coordinator', tokens: n }) : undefined,
    );
    // of demotions at once, one revokes the token; the others find the user no coordinator by then
    if (revoked === 0) throw new ApiError('CONFLICT');
  },
};
