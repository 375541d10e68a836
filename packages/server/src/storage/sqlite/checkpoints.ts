import type { Db } from './database.js';

/**
 * Checkpoints the WAL whenever the connection has been idle for `idleMs`, so the WAL a
 * burst of contributor writes left behind is copied into the database on the catalog
 * writer thread, in a quiet moment, instead of by whichever connection's commit next
 * crosses `wal_autocheckpoint` (possibly the main thread, serving requests). PASSIVE:
 * it never waits for readers or writers; on an already copied WAL it is a no-op.
 * `touch()` marks activity; `stop()` ends it.
 */
export function idleCheckpoints(db: Db, { idleMs = 1000 }: { idleMs?: number } = {}) {
  let last = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - last >= idleMs && db.open) db.pragma('wal_checkpoint(PASSIVE)');
  }, idleMs);
  timer.unref();
  return {
    touch(): void {
      last = Date.now();
    },
    stop(): void {
      clearInterval(timer);
    },
  };
}
