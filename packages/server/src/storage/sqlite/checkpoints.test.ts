import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { idleCheckpoints } from './checkpoints.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A WAL database with 500 rows committed but, with auto-checkpoints off, only in the WAL. */
function walOnly() {
  const dir = mkdtempSync(join(tmpdir(), 'bbk-ckpt-'));
  dirs.push(dir);
  const file = join(dir, 'db.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (x TEXT)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 500; i++) insert.run('x'.repeat(100));
  })();
  return { db, dir, file };
}

/** Rows found in the database file alone, as if the WAL were lost. */
function rowsInMainFile(dir: string, file: string): number {
  const copy = join(dir, 'copy.sqlite');
  copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 't'").get() as { n: number }).n === 0
      ? 0
      : (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('idleCheckpoints', () => {
  it('copies the WAL into the database once the connection has been idle', async () => {
    const { db, dir, file } = walOnly();
    expect(rowsInMainFile(dir, file)).toBe(0);
    const checkpoints = idleCheckpoints(db, { idleMs: 40 });
    try {
      await sleep(200);
      expect(rowsInMainFile(dir, file)).toBe(500);
    } finally {
      checkpoints.stop();
      db.close();
    }
  });

  it('waits while the connection keeps being touched, and stops when told', async () => {
    const { db, dir, file } = walOnly();
    // generous margins: a loaded CI machine may sleep much longer than asked
    const checkpoints = idleCheckpoints(db, { idleMs: 500 });
    try {
      for (let i = 0; i < 10; i++) {
        checkpoints.touch();
        await sleep(20);
      }
      expect(rowsInMainFile(dir, file)).toBe(0);
      checkpoints.stop();
      await sleep(1100);
      expect(rowsInMainFile(dir, file)).toBe(0);
    } finally {
      db.close();
    }
  });
});
