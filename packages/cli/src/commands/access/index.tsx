import type { CommandContext } from '../../lib/context.js';
import { done } from '../../lib/done.js';
import { userId } from '../../lib/ids.js';
import { lifetime, until } from '../../lib/lifetime.js';
import { lazy, type Output } from '../../lib/output.js';

const views = () => import('./views.js');

interface Ids {
  uid: string;
  pid: string;
}

interface IssueOptions extends Ids {
  /** `--expires`: a duration such as `90d` or an ISO-8601 time, checked by the server. */
  expires?: string;
}

/** `bbk access list <uid>`: the policies a user holds a consumer token for. */
export async function accessList(options: { uid: string }, ctx: CommandContext): Promise<Output> {
  const accesses = await ctx.coordinator().accesses.list(userId(options.uid));
  return {
    data: accesses,
    ids: accesses.map((a) => a.id),
    view: lazy(views, (v) => <v.AccessTable accesses={accesses} width={ctx.columns} />),
  };
}

/** `bbk access grant <uid> <pid> [--expires WHEN]`: prints the new consumer token once. */
export async function accessGrant(options: IssueOptions, ctx: CommandContext): Promise<Output> {
  const token = await ctx.coordinator().accesses.grant(userId(options.uid), options.pid, lifetime(options));
  return issued(
    token,
    `User ${options.uid} can now read through policy ${options.pid.toLowerCase()}${until(options)}.`,
  );
}

/** `bbk access reissue <uid> <pid> [--expires WHEN]`: revokes the old consumer token and prints the new one once. */
export async function accessReissue(options: IssueOptions, ctx: CommandContext): Promise<Output> {
  const token = await ctx.coordinator().accesses.reissue(userId(options.uid), options.pid, lifetime(options));
  return issued(
    token,
    `The previous token of user ${options.uid} for ${options.pid.toLowerCase()} is revoked${until(options)}.`,
  );
}

/** `bbk access revoke <uid> <pid>`: removes the access and revokes its token. */
export async function accessRevoke(options: Ids, ctx: CommandContext): Promise<Output> {
  await ctx.coordinator().accesses.revoke(userId(options.uid), options.pid);
  const pid = options.pid.toLowerCase();
  return done({ id: pid, revoked: true }, pid, `Access of user ${options.uid} to ${pid} revoked, with its token.`);
}

function issued(token: string, message: string): Output {
  return {
    data: { token },
    ids: [token],
    view: lazy(views, (v) => <v.IssuedView message={message} token={token} />),
  };
}
