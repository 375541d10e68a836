import type { UserDetail, UserUpdateInput } from '@bbk/sdk';
import type { CommandContext } from '../../lib/context.js';
import { done } from '../../lib/done.js';
import { UsageError } from '../../lib/exit-codes.js';
import { userId } from '../../lib/ids.js';
import { lazy, type Output } from '../../lib/output.js';
import { need } from '../../lib/prompt.js';
import { objectArg } from '../../lib/read-input.js';

export interface UserFields {
  name?: string;
  email?: string;
  organization?: string;
  /** JSON object, or `@file`. */
  addendum?: string;
}

/** `bbk user list` */
export async function userList(_options: unknown, ctx: CommandContext): Promise<Output> {
  const users = await ctx.coordinator().users.list();
  return {
    data: users,
    ids: users.map((u) => u.id),
    view: lazy(views, (v) => <v.UserTable users={users} width={ctx.columns} />),
  };
}

/** `bbk user add --name --email --organization [--addendum]`: prints the created user. */
export async function userAdd(options: UserFields, ctx: CommandContext): Promise<Output> {
  const name = await need(options.name, { flag: '--name', label: 'user name' }, ctx);
  const email = await need(options.email, { flag: '--email', label: 'email address', validate: emailish }, ctx);
  const organization = await need(options.organization, { flag: '--organization', label: 'organization' }, ctx);
  const addendum = options.addendum === undefined ? undefined : await objectArg(ctx.io, options.addendum, '--addendum');
  const user = await ctx
    .coordinator()
    .users.createAndGet({ name, email, organization, ...(addendum ? { addendum } : {}) });
  return detail(user, ctx);
}

/** `bbk user show <uid|email>` */
export async function userShow(options: { uid: string }, ctx: CommandContext): Promise<Output> {
  const users = ctx.coordinator().users;
  const user = options.uid.includes('@') ? await users.getByEmail(options.uid) : await users.get(userId(options.uid));
  return detail(user, ctx);
}

/** `bbk user update <uid> [--name] [--organization] [--addendum]`: unchanged fields keep their values. */
export async function userUpdate(options: UserFields & { uid: string }, ctx: CommandContext): Promise<Output> {
  const id = userId(options.uid);
  if (options.email !== undefined) throw new UsageError('--email cannot be changed: a user email is immutable');
  if (options.name === undefined && options.organization === undefined && options.addendum === undefined) {
    throw new UsageError('nothing to update: give --name, --organization or --addendum');
  }
  const users = ctx.coordinator().users;
  const current = await users.get(id);
  const input: UserUpdateInput = {
    name: options.name ?? current.name,
    organization: options.organization ?? current.organization,
    addendum:
      options.addendum === undefined ? current.addendum : await objectArg(ctx.io, options.addendum, '--addendum'),
  };
  await users.update(id, input);
  return detail(await users.get(id), ctx);
}

/** `bbk user rm <uid>`: also removes the user's accesses and revokes their tokens. */
export async function userRm(options: { uid: string }, ctx: CommandContext): Promise<Output> {
  const id = userId(options.uid);
  await ctx.coordinator().users.delete(id);
  return done({ id, deleted: true }, id, `User ${id} deleted; their accesses were removed and tokens revoked.`);
}

/** `bbk user promote <uid>`: prints the new coordinator token once. */
export async function userPromote(options: { uid: string }, ctx: CommandContext): Promise<Output> {
  const id = userId(options.uid);
  const token = await ctx.coordinator().users.promote(id);
  return {
    data: { id, token },
    ids: [token],
    view: lazy(views, (v) => <v.PromotedView id={id} token={token} />),
  };
}

/** `bbk user demote <uid>`: revokes the coordinator role and token. */
export async function userDemote(options: { uid: string }, ctx: CommandContext): Promise<Output> {
  const id = userId(options.uid);
  await ctx.coordinator().users.demote(id);
  return done(
    { id, coordinator: false },
    id,
    `User ${id} is no longer a coordinator; their coordinator token is revoked.`,
  );
}

function detail(user: UserDetail, ctx: CommandContext): Output {
  return { data: user, ids: [user.id], view: lazy(views, (v) => <v.UserView user={user} width={ctx.columns} />) };
}

const views = () => import('./views.js');

function emailish(value: string): true | string {
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value) || 'enter an email address like alice@example.com';
}
