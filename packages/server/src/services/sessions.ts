import { hash, randomUUID } from 'node:crypto';
import type { SessionReport, ValidationItem } from '@bbk/sdk/protocol';
import type { Caller } from '../auth/caller.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import {
  type ContributionTarget,
  MAX_SECTION_DEPTH,
  type PreparedRecord,
  preparedGeometries,
  UnstorableRecordError,
} from '../storage/records-store.js';
import {
  type RecordEntityValidator,
  validateDeleteBody,
  validateSessionParams,
  validateUpsertBody,
} from '../validation/index.js';
import { sessionAudit } from './session-audit.js';

/** A record body after the §3.2 rules passed. */
interface RecordBody {
  id: string;
  name: string;
  entity: Record<string, unknown>;
  instance?: Record<string, unknown>;
}

/** What one entity type version contributes to every record upserted under it. */
interface TypeRules {
  version: number;
  validate: RecordEntityValidator;
  /** The timeseries declaration, copied into each stored record at upsert (spec §3.4), as JSON text. */
  timeseriesJson: string;
}

function fail(items: ValidationItem[]): void {
  if (items.length > 0) throw ApiError.validation(items);
}

/** Nesting depth of a JSON value ({} and [] are 1), without recursion. */
function depth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > max) max = d;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** The 400 for a record the store could not take: only ever a too deeply nested section. */
function tooDeep(record: RecordBody, index: number): ApiError {
  const instanceOnly = depth(record.entity) <= MAX_SECTION_DEPTH && depth(record.instance) > MAX_SECTION_DEPTH;
  const name = instanceOnly ? 'records.instance' : 'records.entity';
  return ApiError.one(name, `is nested more than ${MAX_SECTION_DEPTH} levels deep`, index);
}

/**
 * Runs per-record work that recurses over the record (JSON.stringify, a recursive entity
 * schema): JSON.parse accepts any depth, so extreme nesting must become a 400, not a 500.
 */
function guarded<T>(record: RecordBody, index: number, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof RangeError) throw tooDeep(record, index);
    throw err;
  }
}

/** Longest a call's per-record work runs before it lets other requests in. */
const SLICE_MS = 10;

/**
 * `items.map(work)`, yielding to the event loop whenever it has run for more than
 * {@link SLICE_MS}: a call of 250 records of 400 KB each (100 MB) takes about half a second to
 * check and serialise, and other requests are served between its slices. An ordinary call
 * finishes within one slice and never yields.
 */
async function sliced<T, R>(items: readonly T[], work: (item: T, index: number) => R): Promise<R[]> {
  const out: R[] = [];
  let turn = performance.now();
  for (let i = 0; i < items.length; i++) {
    out.push(work(items[i] as T, i));
    if (performance.now() - turn > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      turn = performance.now();
    }
  }
  return out;
}

/** Runs tasks one after another per key, in the order they were queued. */
class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.#tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}

/** Mapping of each posted vendor id (once) to its public id (spec §3.3); safe for any key, `__proto__` included. */
function report(entries: Iterable<{ vendorId: string; publicId: string }>): SessionReport {
  const out: SessionReport = Object.create(null);
  for (const { vendorId, publicId } of entries) out[vendorId] ??= publicId;
  return out;
}

/** lower-case hex sha1 of "{contribution id}:{vendor id}" (spec §3.3); one-shot `hash` is ~4× `createHash`. */
export function publicId(contributionId: string, vendorId: string): string {
  return hash('sha1', `${contributionId}:${vendorId}`);
}

/** Per server: the order of calls per contribution id, and compiled type rules per entity type. */
interface SessionState {
  queue: KeyedQueue;
  rules: Map<number, TypeRules>;
}

const states = new WeakMap<ServerContext, SessionState>();

function stateOf(ctx: ServerContext): SessionState {
  let state = states.get(ctx);
  if (!state) {
    state = { queue: new KeyedQueue(), rules: new Map() };
    states.set(ctx, state);
  }
  return state;
}

async function find(ctx: ServerContext, caller: Caller | null, cid: string): Promise<ContributionTarget> {
  const target = await ctx.store.records.target(cid);
  if (!target) throw new ApiError('NOT_FOUND');
  // spec §9: a contributor token opens only its own connector's paths
  if (caller && caller.subject !== target.connectorId) throw new ApiError('FORBIDDEN');
  return target;
}

function requireOpen(target: ContributionTarget, sid: string): void {
  if (target.session?.id !== sid) throw new ApiError('UNAUTHORIZED');
}

/** The entity type's compiled schema and timeseries, cached per entity type version. */
async function typeRules(ctx: ServerContext, target: ContributionTarget): Promise<TypeRules> {
  const { rules } = stateOf(ctx);
  const hit = rules.get(target.entityTypeId);
  if (hit && hit.version === target.typeVersion) return hit;
  const type = await ctx.store.entityTypes.get(target.entityType);
  if (!type) throw new ApiError('NOT_FOUND');
  const fresh = {
    version: type.version,
    validate: await ctx.schemas.recordValidator(type.schema),
    timeseriesJson: JSON.stringify(type.timeseries),
  };
  rules.set(type.id, fresh);
  return fresh;
}

/** Checks each record's entity against the type's schema, then builds what the store keeps (spec §3.4). */
async function prepare(
  target: ContributionTarget,
  type: TypeRules,
  records: readonly RecordBody[],
): Promise<PreparedRecord[]> {
  fail((await sliced(records, (r, index) => guarded(r, index, () => type.validate(r.entity, index)))).flat());
  // the stored record's key order (spec §3.4); the parts every record shares are serialised once
  const tail = `,"type":${JSON.stringify(target.entityType)},"timeseries":${type.timeseriesJson}}`;
  return sliced(records, (r, index) => {
    const doc = guarded(r, index, () => {
      const head = `{"id":${JSON.stringify(r.id)},"name":${JSON.stringify(r.name)},"entity":${JSON.stringify(r.entity)}`;
      return r.instance === undefined ? head + tail : `${head},"instance":${JSON.stringify(r.instance)}${tail}`;
    });
    return {
      vendorId: r.id,
      publicId: publicId(target.contributionId, r.id),
      name: r.name,
      doc,
      ...preparedGeometries(r),
    };
  });
}

/**
 * The Contributor API's business rules (spec §3): sessions, record validation and the
 * catalog write path. Calls for one contribution id run strictly one after another in
 * arrival order, so no await between the checks and the write can reorder two calls;
 * each call's database work is then one transaction that re-checks the session id.
 *
 * Order of checks: 400 params (then body rules) → 404 unknown contribution id →
 * 403 production token of another connector → 401 not the open session →
 * 400 entity schema (upsert) → 400 nested too deeply to store → 200. See docs/CONTRIBUTOR.md.
 */
export const sessions = {
  /** `GET /connector/:cid/session/open/:mode` → the new session id. */
  open(ctx: ServerContext, caller: Caller | null, cid: string, rawMode: string): Promise<string> {
    return stateOf(ctx).queue.run(cid, async () => {
      const { value, items } = validateSessionParams({ cid, mode: rawMode });
      fail(items);
      const target = await find(ctx, caller, cid);
      const sid = randomUUID();
      await ctx.store.records.openSession(target.connectorId, sid, value.mode!);
      await sessionAudit.opened(ctx, target, sid, value.mode!);
      return sid;
    });
  },

  /** `POST /connector/:cid/session/:sid/:action` → the report. */
  action(
    ctx: ServerContext,
    caller: Caller | null,
    ids: { cid: string; sid: string },
    rawAction: string,
    body: unknown,
  ): Promise<SessionReport> {
    const { cid, sid } = ids;
    // The queue orders validation and the hand-over to the store; the write itself is
    // awaited outside it. The store applies writes in hand-over order (on the catalog
    // writer thread when there is one), so the next call is validated while this one is
    // written, and order within and across calls is kept.
    const queued = stateOf(ctx).queue.run(cid, async () => {
      const { value, items } = validateSessionParams({ cid, sid, action: rawAction });
      const action = value.action;
      // body rules apply only once the action is known
      if (action === 'upsert') items.push(...validateUpsertBody(body));
      else if (action === 'delete') items.push(...validateDeleteBody(body));
      fail(items);
      const target = await find(ctx, caller, cid);
      requireOpen(target, sid);
      if (action === 'upsert') {
        const records = body as RecordBody[];
        const prepared = await prepare(target, await typeRules(ctx, target), records);
        const write = ctx.store.records.upsert(target.connectorId, sid, target.entityType, prepared).catch((err) => {
          throw err instanceof UnstorableRecordError ? tooDeep(records[err.index]!, err.index) : err;
        });
        return { write, posted: prepared as Iterable<{ vendorId: string; publicId: string }>, target, action };
      }
      const keys = (body as string[]).map((id) => ({ vendorId: id, publicId: publicId(target.contributionId, id) }));
      return { write: ctx.store.records.delete(target.connectorId, sid, keys), posted: keys, target, action };
    });
    return queued.then(async ({ write, posted, target, action }) => {
      // the store re-checks the session inside the write's transaction: a stale id is 401 there too
      if (!(await write)) throw new ApiError('UNAUTHORIZED');
      const count = (body as unknown[]).length;
      sessionAudit.posted(ctx, target.connectorId, sid, action === 'upsert' ? 'upserts' : 'deletes', count);
      return report(posted);
    });
  },

  /** `GET /connector/:cid/session/:sid/close/:commit`. */
  close(
    ctx: ServerContext,
    caller: Caller | null,
    ids: { cid: string; sid: string },
    rawCommit: string,
  ): Promise<void> {
    const { cid, sid } = ids;
    return stateOf(ctx).queue.run(cid, async () => {
      const { value, items } = validateSessionParams({ cid, sid, commit: rawCommit });
      fail(items);
      const target = await find(ctx, caller, cid);
      requireOpen(target, sid);
      const closed = await ctx.store.records.closeSession(target.connectorId, sid, target.entityType, value.commit!);
      if (!closed) throw new ApiError('UNAUTHORIZED');
      await sessionAudit.closed(ctx, target, sid, value.commit!);
    });
  },
};
