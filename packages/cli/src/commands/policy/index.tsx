import type { PolicyDetail, PolicyInput } from '@bbk/sdk';
import type { CommandContext } from '../../lib/context.js';
import { done } from '../../lib/done.js';
import { lazy, type Output } from '../../lib/output.js';
import { missing } from '../../lib/prompt.js';
import { type InputIo, list, objectArg } from '../../lib/read-input.js';

export interface PolicyFields {
  pid: string;
  /** JSON or YAML file with `{ name, description, tags?, policy }`. */
  file?: string;
  name?: string;
  description?: string;
  tags?: string;
}

/** `bbk policy list` */
export async function policyList(_options: unknown, ctx: CommandContext): Promise<Output> {
  const policies = await ctx.coordinator().policies.list();
  return {
    data: policies,
    ids: policies.map((p) => p.id),
    view: lazy(views, (v) => <v.PolicyTable policies={policies} width={ctx.columns} />),
  };
}

/** `bbk policy add <pid> --file POLICY.json|yaml`, or a wizard on a terminal. Prints the created policy. */
export async function policyAdd(options: PolicyFields, ctx: CommandContext): Promise<Output> {
  const coordinator = ctx.coordinator();
  const input = options.file ? await fromFile(ctx.io, options) : await wizard(options, ctx, undefined);
  const { id } = await coordinator.policies.create(options.pid, input);
  return detail(await coordinator.policies.get(id), ctx);
}

/** `bbk policy show <pid>` */
export async function policyShow(options: { pid: string }, ctx: CommandContext): Promise<Output> {
  return detail(await ctx.coordinator().policies.get(options.pid), ctx);
}

/** `bbk policy update <pid> --file …` (or flags for name/description/tags, or the wizard pre-filled). */
export async function policyUpdate(options: PolicyFields, ctx: CommandContext): Promise<Output> {
  const api = ctx.coordinator().policies;
  const current = await api.get(options.pid);
  const { name, description, tags, policy } = current;
  let input: PolicyInput;
  if (options.file) input = await fromFile(ctx.io, options);
  else if (options.name !== undefined || options.description !== undefined || options.tags !== undefined) {
    input = overrides({ name, description, tags, policy }, options) as PolicyInput;
  } else input = await wizard(options, ctx, { name, description, tags, policy });
  await api.update(options.pid, input);
  return detail(await api.get(options.pid), ctx);
}

/** `bbk policy rm <pid>`: removes its accesses and revokes their tokens. */
export async function policyRm(options: { pid: string }, ctx: CommandContext): Promise<Output> {
  await ctx.coordinator().policies.delete(options.pid);
  const id = options.pid.toLowerCase();
  return done({ id, deleted: true }, id, `Policy ${id} deleted; its accesses were removed and their tokens revoked.`);
}

function detail(policy: PolicyDetail, ctx: CommandContext): Output {
  return {
    data: policy,
    ids: [policy.id],
    view: lazy(views, (v) => <v.PolicyView policy={policy} width={ctx.columns} />),
  };
}

const views = () => import('./views.js');

async function fromFile(io: InputIo, options: PolicyFields): Promise<PolicyInput> {
  // The server validates the body and reports every problem at once (exit 6).
  const body = await objectArg(io, options.file ?? '', '--file', true);
  return overrides(body as Partial<PolicyInput>, options) as PolicyInput;
}

async function wizard(
  options: PolicyFields,
  ctx: CommandContext,
  initial: PolicyInput | undefined,
): Promise<PolicyInput> {
  if (!ctx.interactive) throw missing({ flag: '--file', label: 'policy file (JSON or YAML)' });
  const { policyWizard } = await import('./wizard.js');
  return policyWizard({ pid: options.pid.toLowerCase(), initial: overrides(initial ?? {}, options), ctx });
}

function overrides(body: Partial<PolicyInput>, options: PolicyFields): Partial<PolicyInput> {
  const out = { ...body };
  if (options.name !== undefined) out.name = options.name;
  if (options.description !== undefined) out.description = options.description;
  if (options.tags !== undefined) out.tags = list(options.tags) ?? [];
  return out;
}
