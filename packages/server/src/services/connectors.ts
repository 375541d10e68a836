import type { Caller } from '../auth/caller.js';
import { mintToken, randomToken, sha1Hex } from '../auth/tokens.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { ConnectorRow, ConnectorValues, EntityTypeRow } from '../storage/types.js';
import { audit, auditState, change } from './audit.js';
import { connectorBody, slugParam } from './bodies.js';
import { mustGetEntityType } from './entity-types.js';

/** The original's rule: a webhook is required when the entity type declares timeseries (spec §2.5). */
function requireWebhook(type: EntityTypeRow, input: ConnectorValues): void {
  if (Object.keys(type.timeseries).length > 0 && !input.webhook) {
    throw ApiError.one('webhook', 'You must supply a webhook when entity types contain timeseries');
  }
}

async function mustGet(ctx: ServerContext, eid: string, cid: string): Promise<ConnectorRow> {
  const type = await mustGetEntityType(ctx, eid);
  const row = await ctx.store.connectors.get(type.id, cid);
  if (!row) throw new ApiError('NOT_FOUND');
  return row;
}

/** lower-case hex sha1 of "{entity}:{connector}:{secret}" (spec §2.5). */
export function contributionId(ctx: ServerContext, eid: string, cid: string): string {
  return sha1Hex(`${eid}:${cid}:${ctx.secret}`);
}

export const connectors = {
  async list(ctx: ServerContext, eid: string): Promise<ConnectorRow[]> {
    const type = await mustGetEntityType(ctx, eid);
    return ctx.store.connectors.list(type.id);
  },

  get: mustGet,

  async create(
    ctx: ServerContext,
    eid: string,
    cid: string,
    body: unknown,
    caller: Caller | null = null,
  ): Promise<{ id: string; token: string; webhook_secret: string }> {
    const input = connectorBody(body, slugParam(cid));
    const type = await mustGetEntityType(ctx, eid);
    requireWebhook(type, input);
    const webhookSecret = randomToken(32);
    const token = mintToken('contributor');
    const row = await ctx.store.connectors.create(
      type.id,
      cid,
      { ...input, contributionId: contributionId(ctx, eid, cid), webhookSecret },
      token,
      (id) =>
        id === undefined
          ? undefined
          : [
              change(caller, 'connector.create', `connector:${cid}`, {
                entity_type: type.slug,
                after: auditState.connector(input),
              }),
              change(caller, 'token.issue', `connector:${cid}`, { kind: 'contributor' }),
            ],
    );
    if (!row) throw new ApiError('CONFLICT');
    return { id: row.contributionId, token: token.token, webhook_secret: webhookSecret };
  },

  async update(
    ctx: ServerContext,
    eid: string,
    cid: string,
    body: unknown,
    caller: Caller | null = null,
  ): Promise<void> {
    const input = connectorBody(body);
    const type = await mustGetEntityType(ctx, eid);
    requireWebhook(type, input);
    const row = await ctx.store.connectors.get(type.id, cid);
    if (!row) throw new ApiError('NOT_FOUND');
    await ctx.store.connectors.update(row.id, input, () =>
      change(caller, 'connector.update', `connector:${row.slug}`, {
        before: auditState.connector(row),
        after: auditState.connector(input),
      }),
    );
  },

  /** The cascade runs on the catalog writer: its entry is appended right after it commits. */
  async delete(ctx: ServerContext, eid: string, cid: string, caller: Caller | null = null): Promise<void> {
    const row = await mustGet(ctx, eid, cid);
    await ctx.store.connectors.delete(row.id);
    await audit.record(
      ctx,
      change(caller, 'connector.delete', `connector:${row.slug}`, {
        entity_type: row.entityType,
        before: { ...auditState.connector(row), live: row.isLive },
      }),
    );
  },

  async setLive(
    ctx: ServerContext,
    eid: string,
    cid: string,
    live: boolean,
    caller: Caller | null = null,
  ): Promise<void> {
    const row = await mustGet(ctx, eid, cid);
    if (row.isLive === live) return;
    await ctx.store.connectors.setLive(row.id, live, () =>
      change(caller, 'connector.live', `connector:${row.slug}`, { before: { live: row.isLive }, after: { live } }),
    );
  },
};
