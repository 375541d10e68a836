import type { AccessGuard, AccessTarget, ActivityStore, UsageDay, ViolationFlag } from '../storage/activity-store.js';
import type { AuditDraft } from '../storage/audit-store.js';
import { createDetectors, type DetectorThresholds } from './detectors/index.js';
import type { ActivityEvent, Detector } from './events.js';
import { UsageMeter } from './usage-meter.js';

export interface ActivityMonitorOptions {
  store: ActivityStore;
  /** Clock in ms (injected; tests move it). */
  now: () => number;
  thresholds: DetectorThresholds;
  /** How often counted usage and raised flags are written. Default 2000 ms. */
  flushIntervalMs?: number;
  /** Called when a background flush fails (what it held stays pending and is retried). */
  onError?: (err: unknown) => void;
  /**
   * The store is shared by several processes (PostgreSQL): guards are then read from the store,
   * never from memory, since another process may change them. Default false.
   */
  shared?: boolean;
}

/** The audit entry of a coordinator's guard change, given the access as stored and the guard before and after. */
export type GuardNote = (
  target: AccessTarget | undefined,
  before: AccessGuard,
  after: AccessGuard,
) => AuditDraft | undefined;

/** The audit entry of a suspension a detector's flag made (docs/AUDIT.md: `access.suspend`, by the system). */
function autoSuspension(accessId: number, target: AccessTarget | undefined, detector: string): AuditDraft {
  return {
    actor: 'system',
    action: 'access.suspend',
    target: target ? `access:${target.userId}/${target.policy}` : `access:#${accessId}`,
    detail: { detector, automatic: true },
  };
}

/**
 * Consumer activity per access (docs/USAGE.md): usage counted in memory and written in one
 * transaction per interval (and on close), the violation detectors fed with every answered call,
 * their flags stored in the same rhythm, and the per-access guards (auto-suspend, suspended) kept
 * in memory so that checking one costs no I/O. Recording a call is synchronous and does no I/O.
 * With `shared` (several processes on one database) no guard is kept in memory: the consumer
 * admission passes the stored suspension it read with the policy (`suspension(id, stored)`), and
 * the guard views and changes read and write the store.
 * @example
 * const monitor = new ActivityMonitor({ store: store.activity, now: Date.now, thresholds: DEFAULT_THRESHOLDS });
 * await monitor.start();
 * monitor.record({ accessId: 3, at: Date.now(), route: 'entity', status: 200, records: 1, limitedBy: null });
 */
export class ActivityMonitor {
  readonly #store: ActivityStore;
  readonly #now: () => number;
  readonly #detectors: Detector[];
  readonly #meter = new UsageMeter();
  readonly #intervalMs: number;
  readonly #onError: (err: unknown) => void;
  #flags: ViolationFlag[] = [];
  readonly #guards = new Map<number, AccessGuard>();
  readonly #shared: boolean;
  /** Shared mode: auto-suspensions of this process not yet written (access id → detector). */
  readonly #suspending = new Map<number, string>();
  /** Shared mode: auto-suspensions being decided (the guard read, then the write), by access id, the last one of a chain. */
  readonly #deciding = new Map<number, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: ActivityMonitorOptions) {
    this.#store = options.store;
    this.#now = options.now;
    this.#detectors = createDetectors(options.thresholds);
    this.#intervalMs = options.flushIntervalMs ?? 2000;
    this.#onError = options.onError ?? (() => {});
    this.#shared = options.shared ?? false;
  }

  /** Loads the guards that were set (shared: none, they are read when needed). */
  async start(): Promise<void> {
    if (this.#shared) return;
    for (const g of await this.#store.guards()) this.#guards.set(g.accessId, g);
  }

  /** Counts one answered call and runs the detectors on it; a finding becomes a flag. */
  record(e: ActivityEvent): void {
    if (this.#closed) return;
    this.#meter.add(e);
    for (const d of this.#detectors) {
      const finding = d.observe(e);
      if (!finding) continue;
      const at = new Date(e.at).toISOString();
      this.#flags.push({ accessId: e.accessId, detector: d.name, ...finding, at });
      if (this.#shared) {
        this.#autoSuspendShared(e.accessId, d.name, at);
        continue;
      }
      const guard = this.#guards.get(e.accessId);
      if (guard?.autoSuspend && !guard.suspended) {
        guard.suspended = at;
        guard.reason = d.name;
        this.#persistGuard(e.accessId, { suspended: at, reason: d.name });
      }
    }
    this.#startTimer();
  }

  /**
   * Why the access is suspended (the detector), or null when it is not. Shared: `stored` is the
   * suspension read from the store for this call (an auto-suspension of this process still being
   * written counts too).
   */
  suspension(accessId: number, stored?: string | null): string | null {
    if (this.#shared) return this.#suspending.get(accessId) ?? stored ?? null;
    const g = this.#guards.get(accessId);
    return g?.suspended ? (g.reason ?? 'suspended') : null;
  }

  /** The access's guard (defaults when none was set). */
  async guard(accessId: number): Promise<AccessGuard> {
    if (this.#shared) return this.#store.guard(accessId);
    return this.#memoryGuard(accessId);
  }

  #memoryGuard(accessId: number): AccessGuard {
    return { ...(this.#guards.get(accessId) ?? { autoSuspend: false, suspended: null, reason: null }) };
  }

  /**
   * Changes the guard: `autoSuspend` on or off, `suspended: false` lifts a suspension, `true`
   * suspends by hand. Written at once.
   */
  async setGuard(
    accessId: number,
    change: { autoSuspend?: boolean; suspended?: boolean },
    audit?: GuardNote,
  ): Promise<AccessGuard> {
    const g = await this.guard(accessId);
    const before = { ...g };
    const write: { autoSuspend?: boolean; suspended?: string | null; reason?: string | null } = {};
    if (change.autoSuspend !== undefined) write.autoSuspend = change.autoSuspend;
    if (change.suspended === false) Object.assign(write, { suspended: null, reason: null });
    if (change.suspended === true && !g.suspended)
      Object.assign(write, { suspended: new Date(this.#now()).toISOString(), reason: 'coordinator' });
    Object.assign(g, write);
    // shared: only what changes is written, so a concurrent change of the other field is kept
    await this.#store.setGuard(accessId, this.#shared ? write : g, audit && ((target) => audit(target, before, g)));
    if (this.#shared) return this.#store.guard(accessId);
    this.#guards.set(accessId, g);
    return { ...g };
  }

  /** Stored days of an access, exact: what is counted but not yet written is written first. */
  async usage(accessId: number, range: { since?: string; until?: string } = {}): Promise<UsageDay[]> {
    await this.flush();
    return this.#store.usage(accessId, range);
  }

  /** Writes counted usage and raised flags now (serialised with the background flush). */
  flush(): Promise<void> {
    const next = this.#flushing.then(() => this.#write());
    this.#flushing = next.catch(() => {});
    return next;
  }

  /** Stops the background flush and writes what is pending. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  async #write(): Promise<void> {
    const usage = this.#meter.take();
    try {
      await this.#store.addUsage(usage);
    } catch (err) {
      this.#meter.restore(usage);
      throw err;
    }
    const flags = this.#flags;
    this.#flags = [];
    try {
      await this.#store.raise(flags);
    } catch (err) {
      this.#flags = [...flags, ...this.#flags];
      throw err;
    }
  }

  /**
   * Shared: suspends the access when its stored guard asks for it (read now: another process may
   * have changed it); from then on counted as suspended here until the write is done.
   */
  #autoSuspendShared(accessId: number, detector: string, at: string): void {
    // after the decisions already under way for the access: each sees what the one before wrote (and none is
    // still writing: a decision ends once its write does)
    const deciding = (this.#deciding.get(accessId) ?? Promise.resolve())
      .then(() => this.#store.guard(accessId))
      .then(async (g) => {
        if (!g.autoSuspend || g.suspended) return;
        this.#suspending.set(accessId, detector);
        try {
          await this.#store.setGuard(accessId, { suspended: at, reason: detector }, (target) =>
            autoSuspension(accessId, target, detector),
          );
        } finally {
          this.#suspending.delete(accessId);
        }
      })
      .catch(this.#onError)
      .finally(() => {
        if (this.#deciding.get(accessId) === deciding) this.#deciding.delete(accessId);
      });
    this.#deciding.set(accessId, deciding);
  }

  /**
   * Shared: the auto-suspensions of this access being decided by this process, if any (resolves once the last,
   * and so every one, is decided and written). A consumer admission waits for them before it reads the access, so
   * the call after the one that raised a flag sees the suspension.
   */
  deciding(accessId: number): Promise<void> | undefined {
    return this.#deciding.get(accessId);
  }

  #persistGuard(accessId: number, change: { suspended: string; reason: string }): void {
    this.#store
      .setGuard(accessId, change, (target) => autoSuspension(accessId, target, change.reason))
      .catch(this.#onError);
  }

  // Started on the first recorded call, so a server without consumer traffic runs no timer.
  #startTimer(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => {
      this.flush().catch(this.#onError);
      const now = this.#now();
      for (const d of this.#detectors) d.prune(now);
    }, this.#intervalMs);
    this.#timer.unref();
  }
}
