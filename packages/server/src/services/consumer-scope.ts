import { AdmissionChanged, type RememberedAdmission } from '../auth/remembered.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { LimitStatus } from '../limits/index.js';
import { type CompiledPolicy, compilePolicy, type LegalNotice } from '../policy/index.js';
import type { CatalogView, PolicyHead } from '../storage/catalog-store.js';
import type { TokenRow } from '../storage/types.js';

/** What a consumer call brings, independent of the HTTP framework. */
export interface ConsumerCall {
  /** Production: the verified token's subject (accesses.id for consumers). */
  caller: { kind: string; subject: number; policy?: PolicyHead | null; remembered?: TokenRow } | null;
  /** Raw `x-bbk-audience` (read in development mode only). */
  audience: string | undefined;
  /** Raw `x-bbk-connectors`. */
  connectors: string | undefined;
  /** `{proto}://{host}/{base}` of this request (spec §1.2). */
  route: string;
  /**
   * The route confirms a remembered admission with its own read (the entity detail): development calls
   * may then be admitted on the policy head this process remembers (auth/remembered.ts).
   */
  witnessed?: boolean;
}

/** A consumer call that passed rate and quota; `policy` is undefined when none applies (→ 403 later). */
export interface Admitted {
  call: ConsumerCall;
  policy: CompiledPolicy | undefined;
  /** What is left of the policy's limits after this call (`RateLimit` headers); null when it sets none. */
  limits: LimitStatus | null;
  /** Set when the call was admitted on remembered state, which the call's read must confirm. */
  remembered?: RememberedAdmission;
}

/** 429 with the seconds until the window that refused the call rolls over, the limit that refused it and the policy. */
export class RateLimited extends ApiError {
  constructor(
    readonly retryAfter: number,
    readonly limit: 'rate' | 'quota' = 'rate',
    readonly policy = '',
    readonly limits: LimitStatus | null = null,
  ) {
    super('TOO_MANY_REQUESTS');
  }
}

/** 403 for an access a coordinator (or a detector, with auto-suspend on) suspended; `reason` names which. */
export class Suspended extends ApiError {
  constructor(readonly reason: string) {
    super('FORBIDDEN');
  }
}

/** The access a production consumer call is made with (its token's subject), else undefined. */
export function accessOf(ctx: ServerContext, call: ConsumerCall): number | undefined {
  return ctx.config.mode === 'production' && call.caller?.kind === 'consumer' ? call.caller.subject : undefined;
}

/**
 * The policy scope of a call: the one thing every consumer read goes through.
 * Visibility (segment + live/staged connectors) is enforced by the store for
 * every list, detail and timeseries lookup; masks and legal notices ride along.
 */
export interface Scope {
  policy: CompiledPolicy;
  view: CatalogView;
  legal: LegalNotice[];
}

/** At most this many `x-bbk-connectors` ids are honoured (spec §4.1). */
export const MAX_STAGED = 16;

/**
 * Splits `x-bbk-connectors`: on `,`, trimmed, empties dropped, first 16 kept.
 * @example stagedConnectors(' a, ,b ') // ['a', 'b']
 */
export function stagedConnectors(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .slice(0, MAX_STAGED);
}

/**
 * Compiled policies per server, keyed by (policy id, version): a policy change applies on the
 * next request, and a re-created slug never reuses an old compilation.
 */
const compiledPolicies = new WeakMap<ServerContext, Map<number, CompiledPolicy>>();

/** The head of the call's policy (production: through its access, with the access's stored suspension). */
async function headOf(ctx: ServerContext, call: ConsumerCall, fresh = false): Promise<PolicyHead | undefined> {
  if (ctx.config.mode === 'production') {
    if (call.caller?.kind !== 'consumer') return undefined;
    // read with the token in the same statement (TokenRow.policy); looked up when a caller came without it,
    // or when it may have changed since (`fresh`)
    const { policy } = call.caller;
    if (policy !== undefined && !fresh) return policy ?? undefined;
    return ctx.store.catalog.policyByAccess(call.caller.subject);
  }
  const slug = audienceOf(call);
  if (!slug) return undefined;
  const head = await ctx.store.catalog.policyBySlug(slug);
  ctx.admissions?.rememberPolicy(slug, head);
  return head;
}

const audienceOf = (call: ConsumerCall): string | undefined => call.audience?.trim().toLowerCase() || undefined;

/**
 * The remembered state a call may be admitted on (auth/remembered.ts), with the policy head it names: a
 * production caller whose token was checked against the remembered row, or a development call of a
 * witnessed route whose policy is remembered.
 */
function rememberedOf(
  ctx: ServerContext,
  call: ConsumerCall,
): { admission: RememberedAdmission; head: PolicyHead | undefined } | undefined {
  if (ctx.config.mode === 'production') {
    const row = call.caller?.remembered;
    return row && { admission: { witness: { keyId: row.keyId }, expected: row }, head: row.policy ?? undefined };
  }
  const slug = call.witnessed ? audienceOf(call) : undefined;
  const head = slug && ctx.admissions?.policy(slug);
  return head ? { admission: { witness: { policySlug: slug }, expected: head }, head } : undefined;
}

/** Whether the policy's access control counts calls (rate or quota). */
const counted = (p: CompiledPolicy) =>
  p.accessControl.enabled && (p.accessControl.rate !== undefined || p.accessControl.quota !== undefined);

/** The compiled policy of a head: remembered per (id, version), so a change is seen on the next call. */
async function compiledOf(ctx: ServerContext, head: PolicyHead | undefined): Promise<CompiledPolicy | undefined> {
  if (!head) return undefined;
  let compiled = compiledPolicies.get(ctx);
  if (!compiled) {
    compiled = new Map();
    compiledPolicies.set(ctx, compiled);
  }
  const hit = compiled.get(head.id);
  if (hit && hit.version === head.version) return hit;
  const row = await ctx.store.policies.getById(head.id);
  if (!row) return undefined;
  const fresh = compilePolicy(row);
  compiled.set(row.id, fresh);
  return fresh;
}

/** Admission and scope of consumer calls (spec §4.1, §4.7). */
export const consumerScope = {
  /**
   * Resolves the call's policy and applies rate and quota before anything else (like the
   * original's gateway); throws RateLimited (429).
   */
  async admit(ctx: ServerContext, call: ConsumerCall): Promise<Admitted> {
    const accessId = accessOf(ctx, call);
    // one process: the suspension is known in memory and checked before any I/O
    if (accessId !== undefined && !ctx.store.shared) {
      const suspended = ctx.activity.suspension(accessId);
      if (suspended) throw new Suspended(suspended);
    }
    // several processes: an auto-suspension this process is deciding for the access is written first, and the
    // access is then read again (what the token's check read, or this process remembers, may be from before it)
    const deciding = accessId !== undefined && ctx.store.shared ? ctx.activity.deciding(accessId) : undefined;
    if (deciding) await deciding;
    const known = deciding ? undefined : rememberedOf(ctx, call);
    const remembered = known?.admission;
    const head = known ? known.head : await headOf(ctx, call, deciding !== undefined);
    // several processes: read with the policy, so a change made through another is seen at once
    if (accessId !== undefined && ctx.store.shared) {
      const suspended = ctx.activity.suspension(accessId, head?.suspension ?? null);
      if (suspended) throw new Suspended(suspended);
    }
    const policy = await compiledOf(ctx, head);
    // a remembered admission is confirmed by the call's read, after its effects: so only a call that
    // has none before its read (no rate or quota to count) may be admitted on one
    if (remembered && (!policy || counted(policy))) throw new AdmissionChanged();
    let limits: LimitStatus | null = null;
    if (policy) {
      const key = ctx.config.mode === 'production' ? `access:${call.caller?.subject}` : `policy:${policy.slug}`;
      const admission = await ctx.limits.admitWithStatus(key, policy.accessControl);
      const verdict = admission.verdict;
      limits = admission.status;
      if (!verdict.ok) throw new RateLimited(verdict.retryAfter, verdict.limit, policy.slug, limits);
    }
    return remembered ? { call, policy, limits, remembered } : { call, policy, limits };
  },

  /** The scope an admitted call reads in; 403 without a policy (checked after parameter validation). */
  of(a: Admitted): Scope {
    if (!a.policy) throw new ApiError('FORBIDDEN');
    return consumerScope.forPolicy(a.policy, stagedConnectors(a.call.connectors));
  },

  /**
   * The scope a consumer of `policy` reads in, naming `staged` connectors (none: live ones only).
   * The policy preview builds its scopes here too, so it sees exactly what a consumer would.
   */
  forPolicy(policy: CompiledPolicy, staged: readonly string[] = []): Scope {
    return { policy, view: { segment: policy.segment, staged }, legal: policy.legal };
  },
};
