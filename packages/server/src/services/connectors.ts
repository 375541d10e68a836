import type { Caller } from '../auth/caller.js';
import { issueToken, mintToken, randomToken, sha1Hex } from '../auth/tokens.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { ConnectorRow, ConnectorValues, EntityTypeRow } from '../storage/types.js';
import { checkExpires } from '../validation/index.js';
import { audit, auditState, change } from './audit.js';
import { connectorBody, slugParam } from './bodies.js';
import { mustGetEntityType } from './entity-types.js';
import { expiresOf, type WithToken, withToken, withTokens } from './token-facts.js';

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

/**
 * Connectors (spec §2.5). Create takes `expires` beside the connector fields and the token reissue
 * (bbk extension) an optional body `{ "expires": … }`: a duration such as `90d` or a future ISO-8601 time.
 */
export const connectors = {
  /** The entity type's connectors, each with its token's expiry and last use. */
  async list(ctx: ServerContext, eid: string): Promise<WithToken<ConnectorRow>[]> {
    const type = await mustGetEntityType(ctx, eid);
    return withTokens(ctx, 'contributor', await ctx.store.connectors.list(type.id));
  },

  async get(ctx: ServerContext, eid: string, cid: string): Promise<WithToken<ConnectorRow>> {
    return withToken(ctx, 'contributor', await mustGet(ctx, eid, cid));
  },

  async create(
    ctx: ServerContext,
    eid: string,
    cid: string,
    body: unknown,
    caller: Caller | null = null,
  ): Promise<{ id: string; token: string; webhook_secret: string }> {
    const expires = checkExpires(body, ctx.config.now());
    const input = connectorBody(body, slugParam(cid), expires.items);
    const type = await mustGetEntityType(ctx, eid);
    requireWebhook(type, input);
    const webhookSecret = randomToken(32);
    const token = mintToken('contributor');
    const row = await ctx.store.connectors.create(
      type.id,
      cid,
      { ...input, contributionId: contributionId(ctx, eid, cid), webhookSecret },
      { ...token, expires: expires.value },
      (id) =>
        id === undefined
          ? undefined
          : [
              change(caller, 'connector.create', `connector:${cid}`, {
                entity_type: type.slug,
                after: auditState.connector(input),
              }),
              change(caller, 'token.issue', `connector:${cid}`, { kind: 'contributor', expires: expires.value }),
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

  /**
   * Issues a new contributor token, revoking the old one in the same transaction (bbk extension):
   * 400 expires → 404 entity type → 404 connector → the token.
   */
  async reissueToken(
    ctx: ServerContext,
    eid: string,
    cid: string,
    body: unknown = {},
    caller: Caller | null = null,
  ): Promise<string> {
    const expires = expiresOf(ctx, body);
    const row = await mustGet(ctx, eid, cid);
    return issueToken(ctx.store, 'contributor', row.id, {
      expires,
      audit: (revoked) =>
        change(caller, 'token.reissue', `connector:${row.slug}`, { kind: 'contributor', rescinded: revoked, expires }),
    });
  },

  /** The cascade runs on the catalog writer: its entry is appended right after it commits. */
  async delete(ctx: ServerContext, eid: string, cid: string, caller: Caller | null = null): Promise<void> {
    const row = await mustGet(ctx, eid, cid);
    // of deletes at once, the one that removed it answers 204 and is recorded; the others find it gone
    if (!(await ctx.store.connectors.delete(row.id))) throw new ApiError('NOT_FOUND');
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
