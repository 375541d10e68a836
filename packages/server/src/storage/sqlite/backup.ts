/**
 * Online backup of a data directory's database with SQLite's backup API, safe while a server runs on it
 * (WAL mode: the copy reads a snapshot and never blocks the server's writes).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE } from './database.js';

/** How far a backup is: pages of the source still to copy, of all. */
export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

/** Options of {@link backupDatabase}. */
export interface BackupOptions {
  /** The server's data directory (holds `bbk.sqlite`). */
  dataDir: string;
  /** The backup file to write. */
  to: string;
  /** Replace `to` if it exists (default: refuse, `BackupError` code `EXISTS`). */
  force?: boolean;
  /** Called after each step of the copy. */
  onProgress?: (progress: BackupProgress) => void;
}

/** What a backup wrote. */
export interface BackupResult {
  /** Absolute path of the backup file. */
  file: string;
  bytes: number;
  pages: number;
  pageSize: number;
  durationMs: number;
  /** Times the copy started over because the server wrote meanwhile (the last pass then copies all at once). */
  restarts: number;
  /** `PRAGMA quick_check` of the copy: always `ok` (anything else is an error). */
  check: 'ok';
}

/** Why a backup was refused. */
export type BackupErrorCode = 'NO_DATABASE' | 'EXISTS' | 'SAME_FILE' | 'NO_DIRECTORY' | 'CHECK_FAILED';

/** A backup refused or failed for a reason the caller can act on. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Most pages copied in one step while nothing forced a restart: about 50 steps, at least 256 pages each. */
const stepPages = (total: number) => Math.max(256, Math.ceil(total / 50));
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the database of `dataDir` to `to` with SQLite's online backup API, consistently, while a server may
 * be running on it: the copy goes to a temporary file next to `to`, is switched to rollback-journal mode (one
 * self-contained file), checked (`quick_check`), synced, then moved into place (never a partial `to`).
 * Copying goes in steps for progress; if the server writes meanwhile, SQLite restarts the copy, and the
 * next pass copies everything in one step (one read transaction), so a busy server cannot starve it.
 * @example const r = await backupDatabase({ dataDir: '.bbk', to: 'bbk-backup.sqlite' }); // r.bytes, r.pages
 */
export async function backupDatabase(options: BackupOptions): Promise<BackupResult> {
  const source = resolve(options.dataDir, DB_FILE);
  const file = resolve(options.to);
  if (!existsSync(source)) throw new BackupError('NO_DATABASE', `no bbk database in ${resolve(options.dataDir)}`);
  if (file === source) throw new BackupError('SAME_FILE', 'the backup file cannot be the database itself');
  if (!existsSync(dirname(file)) || !statSync(dirname(file)).isDirectory()) {
    throw new BackupError('NO_DIRECTORY', `directory ${dirname(file)} does not exist`);
  }
  // a directory is never replaced, --force or not: a bad path (exit 2 from the CLI)
  if (existsSync(file) && statSync(file).isDirectory()) throw new BackupError('NO_DIRECTORY', `${file} is a directory`);
  if (!options.force && existsSync(file)) throw new BackupError('EXISTS', `${file} exists (--force replaces it)`);
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.partial`);
  const started = performance.now();
  try {
    // the copy holds the instance's secrets (webhook secrets, token hashes): readable by its owner only, from its
    // first byte (SQLite writes into the file it finds and keeps its mode)
    closeSync(openSync(temp, 'wx', 0o600));
    const restarts = await copy(source, temp, options.onProgress);
    const { pages, pageSize } = seal(temp);
    place(temp, file, options.force === true);
    return {
      file,
      bytes: statSync(file).size,
      pages,
      pageSize,
      durationMs: Math.round(performance.now() - started),
      restarts,
      check: 'ok',
    };
  } finally {
    for (const leftover of [temp, `${temp}-journal`, `${temp}-wal`, `${temp}-shm`]) {
      if (existsSync(leftover)) unlinkSync(leftover);
    }
  }
}

/**
 * Runs the backup API from a connection of its own, which only reads; returns how many times the copy restarted.
 * It is opened read-write (never creating a file) only so that, when no server runs, closing it as the last
 * connection folds the WAL back and removes `-wal`/`-shm`, as any SQLite client would: a read-only connection would leave
 * them behind in the data directory.
 */
async function copy(source: string, temp: string, onProgress?: (p: BackupProgress) => void): Promise<number> {
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 60000');
    let restarts = 0;
    let copied = 0;
    let rate = 0;
    const done = await db.backup(temp, {
      progress({ totalPages, remainingPages }) {
        const now = totalPages - remainingPages;
        // fewer pages copied than asked for: the source changed and SQLite started over
        if (rate > 0 && now < Math.min(copied + rate, totalPages)) restarts++;
        copied = now;
        onProgress?.({ totalPages, remainingPages });
        rate = restarts > 0 ? ALL_PAGES : stepPages(totalPages);
        return rate;
      },
    });
    onProgress?.({ totalPages: done.totalPages, remainingPages: 0 });
    return restarts;
  } finally {
    db.close();
  }
}

/** Makes the copy one self-contained file, checks it and syncs it to disk. */
function seal(temp: string): { pages: number; pageSize: number } {
  const db = new Database(temp, { fileMustExist: true });
  let sealed: { pages: number; pageSize: number };
  try {
    db.pragma('journal_mode = DELETE');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError('CHECK_FAILED', `the copy failed its check: ${String(check)}`);
    sealed = {
      pages: db.pragma('page_count', { simple: true }) as number,
      pageSize: db.pragma('page_size', { simple: true }) as number,
    };
  } finally {
    db.close();
  }
  syncPath(temp);
  return sealed;
}

/** Moves the checked copy to its name: atomically replacing (force) or only if the name is still free. */
function place(temp: string, file: string, force: boolean): void {
  if (force) renameSync(temp, file);
  else {
    try {
      linkSync(temp, file); // fails if the file appeared meanwhile; never overwrites
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new BackupError('EXISTS', `${file} exists (--force replaces it)`);
      // a file system without hard links: check, then rename (a narrow race instead of none)
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
      if (existsSync(file)) throw new BackupError('EXISTS', `${file} exists (--force replaces it)`);
      renameSync(temp, file);
    }
  }
  try {
    syncPath(dirname(file));
  } catch {
    // not every platform can sync a directory; the file itself is synced
  }
}

/** fsync of a file or directory. */
function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
