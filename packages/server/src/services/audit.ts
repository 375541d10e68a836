import type { AuditEntry, AuditVerdict } from '@bbk/sdk/protocol';
import { ActivityAggregator, type ActivityMinute, MINUTE_MS } from '../audit/activity.js';
import type { AuditDraft } from '../audit/chain.js';
import type { Caller } from '../auth/caller.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { ConnectorValues, EntityTypeValues, PolicyValues, UserValues } from '../storage/types.js';
import { validateAuditParams } from '../validation/index.js';

/**
 * The audit trail's rules (docs/AUDIT.md): who an actor is, what of a resource an entry may show
 * (whitelists: never a token, token hash or webhook secret), the consumer activity summaries,
 * and the `GET /audit` reads. The chain itself is sealed by the store (audit/chain.ts).
 */

/**
 * The actor of a call: `coordinator:3`, `contributor:7`…; in development mode (no tokens) the
 * surface's kind alone.
 * @example actorOf({ kind: 'coordinator', subject: 3 }) // 'coordinator:3'
 */
export function actorOf(caller: Caller | null, kind = 'coordinator'): string {
  return caller ? `${caller.kind}:${caller.subject}` : kind;
}

/** An entry by a coordinator call. */
export function change(caller: Caller | null, action: string, target: string, detail: Record<string, unknown> = {}) {
  return { actor: actorOf(caller), action, target, detail } satisfies AuditDraft;
}

/** What of each resource an entry shows as `before` / `after`: its stored values, secrets left out. */
export const auditState = {
  user: (u: UserValues | Omit<UserValues, 'email'>) => ({
    name: u.name,
    ...('email' in u ? { email: u.email } : {}),
    organization: u.organization,
    addendum: u.addendum,
  }),
  entityType: (t: EntityTypeValues) => ({
    name: t.name,
    description: t.description,
    schema: t.schema,
    timeseries: t.timeseries,
    tags: t.tags,
    icon: t.icon,
    indexes: t.indexes,
  }),
  /** never the webhook secret */
  connector: (c: ConnectorValues) => ({ name: c.name, description: c.description, webhook: c.webhook, cache: c.cache }),
  policy: (p: PolicyValues) => ({ name: p.name, description: p.description, tags: p.tags, policy: p.policy }),
};

const MINUTE_KEY = /^(access|policy):(.+)$/;

/**
 * The target of an access's activity, `access:<uid>/<policy>`, looked up when the access is first counted in a
 * minute (once per access and minute, off the request path): by the time its minute is written the access may be
 * gone (revoked, its user or policy deleted), and the entry still names what it was. Each lookup is kept with the
 * minute it was made in, and dropped once that minute is written.
 */
class ActivityTargets {
  readonly #known = new Map<number, { minute: number; target: Promise<string | undefined> }>();

  constructor(private readonly store: ServerContext['store']) {}

  /** Starts the lookup of an access counted for the first time in `minute` (its number, `MINUTE_MS`). */
  note(accessId: number, minute: number): void {
    this.#known.set(accessId, { minute, target: this.#lookup(accessId) });
  }

  /** The target of the access, as noted (or as it is now when it was not), `access:#<id>` when unknown. */
  async of(accessId: number): Promise<string> {
    const known = this.#known.get(accessId);
    return (await known?.target) ?? (await this.#lookup(accessId)) ?? `access:#${accessId}`;
  }

  /** Drops the lookups made up to `minute` (its start, ISO-8601), whose activity is written. */
  written(minute: string): void {
    const end = Date.parse(minute) / MINUTE_MS;
    for (const [id, k] of this.#known) if (k.minute <= end) this.#known.delete(id);
  }

  async #lookup(accessId: number): Promise<string | undefined> {
    try {
      const access = await this.store.accesses.getById(accessId);
      return access && `access:${access.userId}/${access.policy}`;
    } catch {
      return undefined; // the database was busy: looked up again when the minute is written
    }
  }
}

/** One `consumer.activity` entry per key of a finished minute. */
async function activityDrafts(targets: ActivityTargets, minutes: ActivityMinute[]): Promise<AuditDraft[]> {
  const drafts: AuditDraft[] = [];
  for (const m of minutes) {
    const [, kind, id] = MINUTE_KEY.exec(m.key) ?? [];
    const detail = { minute: m.minute, calls: m.calls, records: m.records, limited: m.limited };
    if (kind === 'access') {
      const target = await targets.of(Number(id));
      drafts.push({ actor: `consumer:${id}`, action: 'consumer.activity', target, detail });
    } else {
      drafts.push({ actor: 'consumer', action: 'consumer.activity', target: `policy:${id}`, detail });
    }
  }
  return drafts;
}

const aggregators = new WeakMap<ServerContext, ActivityAggregator>();

function aggregatorOf(ctx: ServerContext): ActivityAggregator {
  let a = aggregators.get(ctx);
  if (!a) {
    const targets = new ActivityTargets(ctx.store);
    a = new ActivityAggregator({
      now: ctx.config.now,
      onKey: (key, minute) => {
        if (typeof key === 'number') targets.note(key, minute);
      },
      flush: async (minutes) => {
        await ctx.store.audit.append(await activityDrafts(targets, minutes));
        if (minutes[0]) targets.written(minutes[0].minute);
      },
      onError: (err) => ctx.observers.logger?.error({ err }, 'audit: consumer activity not recorded'),
    });
    aggregators.set(ctx, a);
  }
  return a;
}

/** The audit log of a server. */
export const audit = {
  /** `GET /audit`: filtered, paged by seq (400 on bad parameters). */
  async list(ctx: ServerContext, query: Record<string, unknown>): Promise<AuditEntry[]> {
    const { value, items } = validateAuditParams(query);
    if (items.length > 0) throw ApiError.validation(items);
    return ctx.store.audit.list(value.filter, value.page);
  },

  /** `GET /audit/verify`: the whole chain checked against the recorded head. */
  verify: (ctx: ServerContext): Promise<AuditVerdict> => ctx.store.audit.verify(),

  /** Appends entries of a change already committed by the catalog writer (not in its transaction). */
  async record(ctx: ServerContext, drafts: AuditDraft | AuditDraft[]): Promise<void> {
    await ctx.store.audit.append(drafts);
  },

  /**
   * The counter of answered consumer calls, in memory, per access (production: by access id) or policy
   * (development: `policy:<slug>`), per minute; nothing is written until the minute is over. Taken once
   * by the consumer surface, so a call costs no lookup of it.
   */
  consumerCalls(ctx: ServerContext): ActivityAggregator {
    return aggregatorOf(ctx);
  },

  /** Writes the minute in progress (server shutdown). */
  async close(ctx: ServerContext): Promise<void> {
    await aggregators.get(ctx)?.close();
  },
};
