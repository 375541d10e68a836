import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** How often a torn copy is taken again, and how long apart (ms). */
const TRIES = 20;
const PAUSE_MS = 25;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Reads a copy of the database file alone, without its WAL, as if the WAL were lost: what
 * `read` finds there is what checkpoints have copied into the database so far. The file is copied
 * while the server runs, so a checkpoint may be writing its pages in the middle of the copy: a copy
 * SQLite finds malformed is such a torn copy, and is taken again.
 */
export function inMainFile<T>(file: string, read: (db: Database.Database) => T): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return readCopy(file, read);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= TRIES || (code !== 'SQLITE_CORRUPT' && code !== 'SQLITE_NOTADB')) throw err;
      Atomics.wait(sleeper, 0, 0, PAUSE_MS);
    }
  }
}

function readCopy<T>(file: string, read: (db: Database.Database) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'bbk-main-file-'));
  try {
    copyFileSync(file, join(dir, 'copy.sqlite'));
    const db = new Database(join(dir, 'copy.sqlite'), { readonly: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
