import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { idleCheckpoints } from './checkpoints.js';
import { inMainFile } from './testing/main-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A WAL database whose table is checkpointed but whose 500 rows, with auto-checkpoints off, are only in the WAL. */
function walOnly() {
  const dir = mkdtempSync(join(tmpdir(), 'bbk-ckpt-'));
  dirs.push(dir);
  const file = join(dir, 'db.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (x TEXT)');
  db.pragma('wal_checkpoint(TRUNCATE)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 500; i++) insert.run('x'.repeat(100));
  })();
  return { db, file };
}

/** Rows of `t` in the database file alone, as if the WAL were lost. */
const rowsInMainFile = (file: string) =>
  inMainFile(file, (db) => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('idleCheckpoints', () => {
  it('copies the WAL into the database once the connection has been idle', async () => {
    const { db, file } = walOnly();
    expect(rowsInMainFile(file)).toBe(0);
    const checkpoints = idleCheckpoints(db, { idleMs: 40 });
    try {
      await sleep(200);
      expect(rowsInMainFile(file)).toBe(500);
    } finally {
      checkpoints.stop();
      db.close();
    }
  });

  it('waits while the connection keeps being touched, and stops when told', async () => {
    const { db, file } = walOnly();
    // generous margins: a loaded CI machine may sleep much longer than asked
    const checkpoints = idleCheckpoints(db, { idleMs: 500 });
    try {
      for (let i = 0; i < 10; i++) {
        checkpoints.touch();
        await sleep(20);
      }
      expect(rowsInMainFile(file)).toBe(0);
      checkpoints.stop();
      await sleep(1100);
      expect(rowsInMainFile(file)).toBe(0);
    } finally {
      db.close();
    }
  });
});
