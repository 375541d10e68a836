import type { ConnectorDetail, ConnectorInput } from '@bbk/sdk';
import type { CommandContext } from '../../lib/context.js';
import { done } from '../../lib/done.js';
import { UsageError } from '../../lib/exit-codes.js';
import { lifetime, until } from '../../lib/lifetime.js';
import { lazy, type Output } from '../../lib/output.js';
import { need } from '../../lib/prompt.js';
import { integer } from '../../lib/read-input.js';
import type { ConnectorRow } from './views.js';

const views = () => import('./views.js');

interface Ids {
  eid: string;
  cid: string;
}

export interface ConnectorFields extends Ids {
  name?: string;
  description?: string;
  /** A URL, or false for `--no-webhook`. */
  webhook?: string | false;
  cache?: string;
  /** `--expires` (add only): when the contributor token stops working. */
  expires?: string;
}

/** `bbk connector list [eid]`: the connectors of one entity type, or of all. */
export async function connectorList(options: { eid?: string }, ctx: CommandContext): Promise<Output> {
  const coordinator = ctx.coordinator();
  const types = options.eid ? [options.eid.toLowerCase()] : (await coordinator.entityTypes.list()).map((t) => t.id);
  const rows: ConnectorRow[] = [];
  for (const entity of types) {
    for (const c of await coordinator.connectors.list(entity)) rows.push({ entity, ...c });
  }
  // One type: the server's own list items; all types: each item tagged with its type.
  const data = options.eid ? rows.map(({ entity: _entity, ...item }) => item) : rows;
  return {
    data,
    ids: rows.map((r) => r.id),
    view: lazy(views, (v) => <v.ConnectorTable connectors={rows} width={ctx.columns} />),
  };
}

/** `bbk connector add <eid> <cid> --name --description [--webhook] [--cache] [--expires]`: prints id and token once. */
export async function connectorAdd(options: ConnectorFields, ctx: CommandContext): Promise<Output> {
  const input: ConnectorInput = {
    name: await need(options.name, { flag: '--name', label: 'connector name' }, ctx),
    description: await need(options.description, { flag: '--description', label: 'connector description' }, ctx),
  };
  if (typeof options.webhook === 'string') input.webhook = options.webhook;
  const cache = integer(options.cache, '--cache', 0);
  if (cache !== undefined) input.cache = cache;
  if (options.expires !== undefined) input.expires = options.expires;
  const created = await ctx.coordinator().connectors.create(options.eid, options.cid, input);
  const [eid, cid] = [options.eid.toLowerCase(), options.cid.toLowerCase()];
  return {
    data: created,
    // --quiet: the contribution id, then the token (it cannot be read again).
    ids: [created.id, created.token],
    view: lazy(views, (v) => <v.ConnectorCreatedView eid={eid} cid={cid} created={created} width={ctx.columns} />),
  };
}

/** `bbk connector show <eid> <cid>` */
export async function connectorShow(options: Ids, ctx: CommandContext): Promise<Output> {
  return detail(await ctx.coordinator().connectors.get(options.eid, options.cid), ctx);
}

/** `bbk connector health <eid> <cid>`: webhook calls, failures, timeouts and latency since the server started. */
export async function connectorHealth(options: Ids, ctx: CommandContext): Promise<Output> {
  const health = await ctx.coordinator().connectors.health(options.eid, options.cid);
  return {
    data: health,
    ids: [health.id],
    view: lazy(views, (v) => <v.HealthView health={health} width={ctx.columns} />),
  };
}

/** `bbk connector reissue <eid> <cid> [--expires WHEN]`: revokes the contributor token and prints the new one once. */
export async function connectorReissue(options: Ids & { expires?: string }, ctx: CommandContext): Promise<Output> {
  const token = await ctx.coordinator().connectors.reissueToken(options.eid, options.cid, lifetime(options));
  const [eid, cid] = [options.eid.toLowerCase(), options.cid.toLowerCase()];
  const message = `The previous contributor token of ${eid}/${cid} is revoked${until(options)}.`;
  return {
    data: { id: cid, token },
    ids: [token],
    view: lazy(views, (v) => <v.TokenReissuedView message={message} token={token} />),
  };
}

/** `bbk connector update <eid> <cid> [flags]`: fields not given keep their values; `--no-webhook` removes it. */
export async function connectorUpdate(options: ConnectorFields, ctx: CommandContext): Promise<Output> {
  if ([options.name, options.description, options.webhook, options.cache].every((v) => v === undefined)) {
    throw new UsageError('nothing to update: give --name, --description, --webhook, --no-webhook or --cache');
  }
  const api = ctx.coordinator().connectors;
  const current = await api.get(options.eid, options.cid);
  const input: ConnectorInput = {
    name: options.name ?? current.name,
    description: options.description ?? current.description,
    webhook: options.webhook === false ? null : (options.webhook ?? current.webhook),
    cache: integer(options.cache, '--cache', 0) ?? current.cache,
  };
  await api.update(options.eid, options.cid, input);
  return detail(await api.get(options.eid, options.cid), ctx);
}

/** `bbk connector rm <eid> <cid>`: also deletes its records. */
export async function connectorRm(options: Ids, ctx: CommandContext): Promise<Output> {
  await ctx.coordinator().connectors.delete(options.eid, options.cid);
  const id = options.cid.toLowerCase();
  return done({ id, deleted: true }, id, `Connector ${options.eid.toLowerCase()}/${id} deleted, with its records.`);
}

/** `bbk connector live <eid> <cid>`: its records become visible to consumers. */
export async function connectorLive(options: Ids, ctx: CommandContext): Promise<Output> {
  await ctx.coordinator().connectors.promote(options.eid, options.cid);
  const id = options.cid.toLowerCase();
  return done(
    { id, is_live: true },
    id,
    `Connector ${options.eid.toLowerCase()}/${id} is live: consumers see its records.`,
  );
}

/** `bbk connector stage <eid> <cid>`: back to staged, hidden from consumers. */
export async function connectorStage(options: Ids, ctx: CommandContext): Promise<Output> {
  await ctx.coordinator().connectors.demote(options.eid, options.cid);
  const id = options.cid.toLowerCase();
  return done(
    { id, is_live: false },
    id,
    `Connector ${options.eid.toLowerCase()}/${id} is staged: only consumers naming it in x-bbk-connectors see its records.`,
  );
}

function detail(connector: ConnectorDetail, ctx: CommandContext): Output {
  return {
    data: connector,
    ids: [connector.id],
    view: lazy(views, (v) => <v.ConnectorView connector={connector} width={ctx.columns} />),
  };
}
