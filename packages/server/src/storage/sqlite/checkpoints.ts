import type { Db } from './database.js';

/** What one look at the WAL did (`PRAGMA wal_checkpoint`'s row), or `undefined` when nothing was committed since. */
export interface CheckpointRun {
  mode: 'PASSIVE' | 'RESTART';
  /** frames in the WAL */
  log: number;
  /** frames of it now copied into the database */
  checkpointed: number;
}

export interface WalCheckpointsOptions {
  /** how often to look for commits of other connections (ms) */
  everyMs?: number;
  /**
   * A WAL still this many frames long after a PASSIVE checkpoint is started over with a RESTART
   * checkpoint, which waits for the writer's transaction and holds the next one back briefly.
   */
  restartFrames?: number;
  /** After a RESTART that found a reader still in the WAL, the wait before the next (ms); it doubles on each such RESTART. */
  restartBackoffMs?: number;
  /** The longest such wait (ms). */
  restartBackoffMaxMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * Copies the WAL into the database on a connection that does nothing else (the checkpointer
 * thread, checkpointer.ts), so no commit pays for it: before, the commit that crossed
 * `wal_autocheckpoint` copied the WAL on the catalog writer thread before its reply (a replace
 * commit of 100,000 records: about 0.8 s of its 2.1 s), and every write queued behind it.
 *
 * Every `everyMs` it asks whether another connection committed since it last looked
 * (`PRAGMA data_version`, which reads no page) and, if so, runs a PASSIVE checkpoint: it
 * never waits for readers or writers and copies what it can. Once a checkpoint has reached the
 * end of the WAL, the next writer starts the file over. Writes that never pause leave it no
 * such moment; a WAL still `restartFrames` long afterwards gets a RESTART checkpoint, which
 * copies the few frames written since and holds the next writer back until readers have left
 * the WAL, so the file starts over. A RESTART that cannot get its locks within the
 * connection's busy timeout (a long read, such as `bbk backup`, keeps the WAL in use) leaves
 * everything as it was, and the next RESTART waits `restartBackoffMs`, doubling up to
 * `restartBackoffMaxMs`: writers are held back only while a RESTART waits, so a reader that
 * stays must not make every look hold them back. PASSIVE checkpoints go on meanwhile.
 *
 * `tick()` is one look (what the timer calls); `stop()` ends the timer.
 */
export function walCheckpoints(
  db: Db,
  {
    everyMs = 250,
    restartFrames = 40_000,
    restartBackoffMs = 1000,
    restartBackoffMaxMs = 60_000,
    now = Date.now,
  }: WalCheckpointsOptions = {},
) {
  let done: number | undefined;
  let backoff = 0;
  let restartAfter = 0;
  const checkpoint = (mode: CheckpointRun['mode']): CheckpointRun & { busy: boolean } => {
    const row = (db.pragma(`wal_checkpoint(${mode})`) as unknown[])[0] as {
      busy: number;
      log: number;
      checkpointed: number;
    };
    return { mode, busy: row.busy !== 0, log: row.log, checkpointed: row.checkpointed };
  };
  const tick = (): CheckpointRun | undefined => {
    if (!db.open) return undefined;
    const version = db.pragma('data_version', { simple: true }) as number;
    if (version === done) return undefined;
    let run = checkpoint('PASSIVE');
    if (run.log >= restartFrames && now() >= restartAfter) {
      let busy: boolean;
      try {
        run = checkpoint('RESTART');
        busy = run.busy;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
        busy = true;
      }
      backoff = busy ? Math.min(Math.max(backoff * 2, restartBackoffMs), restartBackoffMaxMs) : 0;
      restartAfter = busy ? now() + backoff : 0;
    }
    // looks again at the next tick until a checkpoint has copied everything committed so far
    // (a reader may have kept the last frames in use)
    if (!run.busy && run.checkpointed === run.log) done = version;
    return { mode: run.mode, log: run.log, checkpointed: run.checkpointed };
  };
  const timer = setInterval(() => {
    try {
      tick();
    } catch {
      // a failed look changes nothing: the next one tries again, and the connections' own
      // wal_autocheckpoint backstop bounds the WAL meanwhile
    }
  }, everyMs);
  timer.unref();
  return {
    tick,
    stop(): void {
      clearInterval(timer);
    },
  };
}
