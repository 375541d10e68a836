import { setTimeout as sleep } from 'node:timers/promises';
import { StoreUnavailableError } from '../store.js';
import type { Db } from './database.js';

/** SQLite's "another connection holds the lock" errors (`SQLITE_BUSY`, `SQLITE_LOCKED` and their extended codes). */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

interface Turn {
  exclusive: boolean;
  start(): void;
}

/** Options of {@link WriteGate}. */
export interface WriteGateOptions {
  /** How long a write waits for another process's lock before giving up (StoreUnavailableError). */
  maxWaitMs?: number;
}

/**
 * Orders every write this process makes to the database file, so that no write ever meets
 * another one's lock and none fails with `database is locked`.
 *
 * Two connections write: the catalog writer thread (contributor sessions, on its own
 * connection) and the main connection (everything else). Writer-thread calls are *shared*:
 * several may be in flight, since that thread applies them one at a time in order. A write on
 * the main connection is *exclusive*: it waits for the writer-thread calls sent before it, and
 * calls queued after it wait for it, first come first served, so neither side can starve the
 * other. Waiting is asynchronous: the event loop keeps serving reads meanwhile, and a busy
 * contributor never holds a coordinator's write for longer than the calls already in flight.
 *
 * Main-connection writes run in an IMMEDIATE transaction (the write lock is taken before any
 * read, so a snapshot can never go stale between a check and its write). Should another
 * process hold the lock (`bbk token bootstrap`, a backup tool), the write retries with backoff,
 * off the event loop, for up to `maxWaitMs`.
 */
export class WriteGate {
  readonly #queue: Turn[] = [];
  readonly #maxWaitMs: number;
  #shared = 0;
  #exclusive = false;
  #catalogWrites = 0;

  constructor(
    private readonly db: Db,
    { maxWaitMs = 30_000 }: WriteGateOptions = {},
  ) {
    this.#maxWaitMs = maxWaitMs;
  }

  /** A call to the catalog writer thread; `send` posts it and settles when its transaction committed. */
  shared<T>(send: () => Promise<T>): Promise<T> {
    if (!this.#exclusive && this.#queue.length === 0) return this.#runShared(send);
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ exclusive: false, start: () => this.#runShared(send).then(resolve, reject) });
    });
  }

  /**
   * Main-connection writes that may change what a catalog list shows, so far: a count that
   * grows in each such transaction. Together with `PRAGMA data_version` (commits of other connections)
   * it tells whether anything a list reads may have changed (storage/sqlite/page-marks.ts).
   */
  get catalogWrites(): number {
    return this.#catalogWrites;
  }

  /**
   * Runs `fn` in an IMMEDIATE transaction on the main connection, alone. `catalog: false` declares
   * a write that changes nothing a catalog list reads (usage counters), so it keeps remembered pages.
   * @example await gate.write(() => insert.run(name))
   */
  write<T>(fn: () => T, { catalog = true }: { catalog?: boolean } = {}): Promise<T> {
    // counted inside the transaction: better-sqlite3 commits in the same synchronous turn
    const counted = catalog
      ? () => {
          this.#catalogWrites++;
          return fn();
        }
      : fn;
    const run = () => this.#runExclusive(counted);
    if (!this.#exclusive && this.#shared === 0 && this.#queue.length === 0) return run();
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ exclusive: true, start: () => run().then(resolve, reject) });
    });
  }

  /**
   * Runs async `fn` alone: no other write of this process starts until it settles. `fn` runs its
   * own transaction on the main connection across awaits (`Store.load` streaming a bundle in).
   */
  alone<T>(fn: () => Promise<T>): Promise<T> {
    const run = async () => {
      this.#exclusive = true;
      try {
        return await fn();
      } finally {
        this.#exclusive = false;
        this.#drain();
      }
    };
    if (!this.#exclusive && this.#shared === 0 && this.#queue.length === 0) return run();
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ exclusive: true, start: () => run().then(resolve, reject) });
    });
  }

  #runShared<T>(send: () => Promise<T>): Promise<T> {
    this.#shared++;
    return send().finally(() => {
      this.#shared--;
      this.#drain();
    });
  }

  async #runExclusive<T>(fn: () => T): Promise<T> {
    this.#exclusive = true;
    try {
      return await this.#attempt(fn);
    } finally {
      this.#exclusive = false;
      this.#drain();
    }
  }

  async #attempt<T>(fn: () => T): Promise<T> {
    const tx = this.db.transaction(fn);
    const deadline = Date.now() + this.#maxWaitMs;
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      try {
        return tx.immediate();
      } catch (err) {
        if (!isBusy(err)) throw err;
        if (Date.now() >= deadline) throw new StoreUnavailableError();
      }
      await sleep(delay);
    }
  }

  #drain(): void {
    while (!this.#exclusive) {
      const next = this.#queue[0];
      if (!next || (next.exclusive && this.#shared > 0)) return;
      this.#queue.shift();
      next.start();
    }
  }
}
