import { describe, expect, it } from 'vitest';
import type { AccessGuard, ActivityStore } from '../storage/activity-store.js';
import { ActivityMonitor } from './activity-monitor.js';
import { DEFAULT_THRESHOLDS } from './detectors/index.js';

// Several processes on one database (`shared`): an auto-suspension is decided by reading the stored guard, then
// written. A consumer admission waits for the one this process is deciding (`deciding`), so the call after the one
// that raised the flag is refused (services/consumer-scope.ts).

/** A store whose guard reads answer only when let go, and which remembers what was written. */
function slowStore(guard: AccessGuard) {
  const waiting: (() => void)[] = [];
  const written: unknown[] = [];
  const store = {
    guard: () => new Promise<AccessGuard>((resolve) => waiting.push(() => resolve({ ...guard }))),
    setGuard: async (_id: number, change: unknown) => {
      written.push(change);
    },
    addUsage: async () => {},
    raise: async () => {},
  } as unknown as ActivityStore;
  // the guard is read once the decisions before are done, a few microtasks later
  const release = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    for (const go of waiting.splice(0)) go();
  };
  return { store, written, release };
}

/** `count` entity details of ids never asked for before (from the `from`th on), each answered 404. */
function enumerate(monitor: ActivityMonitor, accessId: number, count: number, from = 0) {
  for (let i = from; i < from + count; i++)
    monitor.record({
      accessId,
      at: 1_000 + i,
      route: 'entity',
      status: 404,
      records: 0,
      limitedBy: null,
      id: `id${i}`,
    });
}

describe('ActivityMonitor, shared', () => {
  it('keeps the auto-suspension it is deciding until it is written, for an admission to wait for', async () => {
    const { store, written, release } = slowStore({ autoSuspend: true, suspended: null, reason: null });
    const monitor = new ActivityMonitor({ store, now: () => 2_000, thresholds: DEFAULT_THRESHOLDS, shared: true });
    enumerate(monitor, 7, DEFAULT_THRESHOLDS.enumeration!.count - 1);
    expect(monitor.deciding(7)).toBeUndefined();
    enumerate(monitor, 7, 1, DEFAULT_THRESHOLDS.enumeration!.count);
    const deciding = monitor.deciding(7);
    expect(deciding).toBeInstanceOf(Promise);
    expect(monitor.deciding(8)).toBeUndefined();
    expect(written).toEqual([]);
    await release();
    await deciding;
    expect(written).toEqual([{ suspended: expect.any(String), reason: 'enumeration' }]);
    expect(monitor.deciding(7)).toBeUndefined();
    await monitor.close();
  });

  it('decides nothing to write when the guard does not ask for it, and forgets the decision', async () => {
    const { store, written, release } = slowStore({ autoSuspend: false, suspended: null, reason: null });
    const monitor = new ActivityMonitor({ store, now: () => 2_000, thresholds: DEFAULT_THRESHOLDS, shared: true });
    enumerate(monitor, 3, DEFAULT_THRESHOLDS.enumeration!.count);
    const deciding = monitor.deciding(3);
    expect(deciding).toBeInstanceOf(Promise);
    await release();
    await deciding;
    expect(written).toEqual([]);
    expect(monitor.deciding(3)).toBeUndefined();
    await monitor.close();
  });
});
