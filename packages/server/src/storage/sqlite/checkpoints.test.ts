import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Checkpointer } from './checkpointer.js';
import { type WalCheckpointsOptions, walCheckpoints } from './checkpoints.js';
import { inMainFile } from './testing/main-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A WAL database with a checkpointed table `t` and a writer connection that never checkpoints
 * itself, plus a second connection for the checkpoints under test (as the checkpointer thread has).
 * They look only when the test calls `tick()`, unless given a period (`everyMs`); `close` stops them too.
 */
function walPair(options?: WalCheckpointsOptions) {
  const dir = mkdtempSync(join(tmpdir(), 'bbk-ckpt-'));
  dirs.push(dir);
  const file = join(dir, 'db.sqlite');
  const writer = new Database(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('wal_autocheckpoint = 0');
  writer.exec('CREATE TABLE t (x TEXT)');
  writer.pragma('wal_checkpoint(TRUNCATE)');
  const insert = writer.prepare('INSERT INTO t VALUES (?)');
  const write = (rows: number) =>
    writer.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run('x'.repeat(100));
    })();
  const checkpointing = new Database(file);
  checkpointing.pragma('busy_timeout = 50');
  const checkpoints = walCheckpoints(checkpointing, { everyMs: 3_600_000, ...options });
  const close = () => {
    checkpoints.stop();
    checkpointing.close();
    writer.close();
  };
  return { file, writer, write, checkpoints, close };
}

/** Rows of `t` in the database file alone, as if the WAL were lost. */
const rowsInMainFile = (file: string) =>
  inMainFile(file, (db) => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n);

/** Frames in the WAL as the writer sees them (a PASSIVE checkpoint with nothing left to copy changes nothing). */
const walFrames = (writer: Database.Database) =>
  ((writer.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0] as { log: number }).log;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('walCheckpoints', () => {
  it("copies another connection's commits into the database, and looks no further until the next commit", () => {
    const { file, write, checkpoints, close } = walPair();
    try {
      write(500);
      expect(rowsInMainFile(file)).toBe(0);
      const run = checkpoints.tick();
      expect(run).toMatchObject({ mode: 'PASSIVE' });
      expect(run!.checkpointed).toBe(run!.log);
      expect(rowsInMainFile(file)).toBe(500);
      expect(checkpoints.tick()).toBeUndefined();
      write(10);
      expect(checkpoints.tick()).toMatchObject({ mode: 'PASSIVE' });
      expect(rowsInMainFile(file)).toBe(510);
    } finally {
      close();
    }
  });

  it('looks again while a reader keeps the last frames in use, and copies them once it has left', () => {
    const { file, writer, write, checkpoints, close } = walPair();
    const reader = new Database(file);
    try {
      write(100);
      // the reader's snapshot ends at the first 100 rows: what is written later cannot be copied yet
      reader.exec('BEGIN');
      expect((reader.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(100);
      write(400);
      const held = checkpoints.tick()!;
      expect(held.checkpointed).toBeLessThan(held.log);
      expect(rowsInMainFile(file)).toBeLessThan(500);
      reader.exec('COMMIT');
      // no commit since the last look, but the WAL was not all copied: it looks again
      const freed = checkpoints.tick()!;
      expect(freed.checkpointed).toBe(freed.log);
      expect(rowsInMainFile(file)).toBe(500);
      expect(walFrames(writer)).toBe(freed.log);
    } finally {
      reader.close();
      close();
    }
  });

  it('starts a long WAL over with a RESTART checkpoint, so the next write begins the file again', () => {
    const { file, writer, write, checkpoints, close } = walPair({ restartFrames: 20 });
    try {
      write(1000);
      const long = walFrames(writer);
      expect(long).toBeGreaterThanOrEqual(20);
      expect(checkpoints.tick()).toMatchObject({ mode: 'RESTART', log: long, checkpointed: long });
      expect(rowsInMainFile(file)).toBe(1000);
      write(1);
      expect(walFrames(writer)).toBeLessThan(5);
    } finally {
      close();
    }
  });

  it('after a RESTART that a reader kept waiting, waits longer and longer before the next one', () => {
    let clock = 0;
    const { file, writer, write, checkpoints, close } = walPair({
      restartFrames: 20,
      restartBackoffMs: 1000,
      restartBackoffMaxMs: 3000,
      now: () => clock,
    });
    const reader = new Database(file);
    try {
      write(100);
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM t').get();
      write(1000);
      // the reader keeps the WAL in use: the RESTART gives up after the busy timeout
      expect(checkpoints.tick()).toMatchObject({ mode: 'RESTART' });
      // holding writers back at every look would stall them for as long as the reader stays
      clock += 999;
      expect(checkpoints.tick()).toMatchObject({ mode: 'PASSIVE' });
      clock += 1;
      expect(checkpoints.tick()).toMatchObject({ mode: 'RESTART' });
      clock += 1999;
      expect(checkpoints.tick()).toMatchObject({ mode: 'PASSIVE' });
      clock += 1;
      expect(checkpoints.tick()).toMatchObject({ mode: 'RESTART' });
      // at most restartBackoffMaxMs
      clock += 3000;
      expect(checkpoints.tick()).toMatchObject({ mode: 'RESTART' });
      reader.exec('COMMIT');
      clock += 3000;
      const freed = checkpoints.tick()!;
      expect(freed).toMatchObject({ mode: 'RESTART' });
      expect(freed.checkpointed).toBe(freed.log);
      write(1);
      expect(walFrames(writer)).toBeLessThan(5);
      // a RESTART that succeeded ends the waiting: the next long WAL gets one at once
      write(1000);
      expect(checkpoints.tick()).toMatchObject({ mode: 'RESTART' });
    } finally {
      reader.close();
      close();
    }
  });

  it('leaves a short WAL to PASSIVE checkpoints', () => {
    const { write, checkpoints, close } = walPair({ restartFrames: 1_000_000 });
    try {
      write(1000);
      expect(checkpoints.tick()).toMatchObject({ mode: 'PASSIVE' });
    } finally {
      close();
    }
  });

  it('runs on its own timer until stopped', async () => {
    const { file, write, checkpoints, close } = walPair({ everyMs: 20 });
    try {
      write(300);
      // generous margins: a loaded CI machine may sleep much longer than asked
      for (let waited = 0; rowsInMainFile(file) < 300 && waited < 5000; waited += 50) await sleep(50);
      expect(rowsInMainFile(file)).toBe(300);
      checkpoints.stop();
      write(200);
      await sleep(300);
      expect(rowsInMainFile(file)).toBe(300);
    } finally {
      close();
    }
  });
});

describe('Checkpointer', () => {
  it('checkpoints from its own thread, and closes', async () => {
    const { file, write, close } = walPair();
    const checkpointer = new Checkpointer(file, { everyMs: 20 });
    try {
      write(400);
      for (let waited = 0; rowsInMainFile(file) < 400 && waited < 10_000; waited += 50) await sleep(50);
      expect(rowsInMainFile(file)).toBe(400);
    } finally {
      await checkpointer.close();
      close();
    }
    // closing twice is harmless
    await checkpointer.close();
  });
});
