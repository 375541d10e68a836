import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Reads a copy of the database file alone, without its WAL, as if the WAL were lost: what
 * `read` finds there is what checkpoints have copied into the database so far.
 */
export function inMainFile<T>(file: string, read: (db: Database.Database) => T): T {
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
