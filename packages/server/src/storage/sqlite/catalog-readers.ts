import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../threads/start-worker.js';
import { StoreUnavailableError } from '../store.js';
import type { ExplainedRun } from './explain.js';

interface Job {
  sql: string;
  params: unknown[];
  explain?: true;
  resolve(rows: unknown[]): void;
  reject(err: unknown): void;
}

interface Reader {
  worker: Worker;
  /** the thread has opened its connection (queries are timed from then on) */
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** What a reader thread posts: it is ready, or a job's rows (as value arrays with their column names), or its error. */
interface ReaderMessage {
  ready?: true;
  columns?: string[];
  rows?: unknown[];
  error?: { name: string; message: string };
}

/** Rows as objects keyed by column name, as better-sqlite3 returns them. */
export function rowObjects(columns: readonly string[], rows: readonly unknown[][]): Record<string, unknown>[] {
  const out = new Array<Record<string, unknown>>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const values = rows[i]!;
    const row: Record<string, unknown> = {};
    for (let j = 0; j < columns.length; j++) row[columns[j]!] = values[j];
    out[i] = row;
  }
  return out;
}

/** Options of {@link CatalogReaders}. */
export interface CatalogReadersOptions {
  /** Reader threads (each runs one query at a time). Default 2. */
  threads?: number;
  /** Longest a query may run; past it the query is stopped and answers 503. Default 30 s. */
  timeoutMs?: number;
}

/**
 * Catalog list queries on reader threads, each with a read-only connection of its own (WAL:
 * they read committed data, as the main connection does). A consumer query that has to look at
 * every record (a regex, a deep page) then costs a reader thread's time, not the event loop's:
 * everyone else's requests are served meanwhile. Jobs wait in one queue, first come first
 * served, and each reader runs one at a time, so a query's time bound is its own: a query past
 * `timeoutMs` is stopped by replacing its thread, and only that query fails.
 */
export class CatalogReaders {
  readonly #file: string;
  readonly #timeoutMs: number;
  readonly #threads: number;
  readonly #readers: Reader[] = [];
  readonly #queue: Job[] = [];
  #closed = false;

  constructor(file: string, { threads = 2, timeoutMs = 30_000 }: CatalogReadersOptions = {}) {
    this.#file = file;
    this.#timeoutMs = timeoutMs;
    this.#threads = Math.max(1, threads);
  }

  /** Runs a SELECT with its parameters; resolves to every row. */
  all<T>(sql: string, params: unknown[]): Promise<T[]> {
    if (this.#closed) return Promise.reject(new StoreUnavailableError());
    return new Promise<T[]>((resolve, reject) => {
      this.#enqueue({ sql, params, resolve: resolve as (rows: unknown[]) => void, reject });
    });
  }

  /** Runs a list query for its plan and counts (explain.ts), on a reader thread like any list. */
  async explain(sql: string, params: unknown[]): Promise<ExplainedRun> {
    if (this.#closed) throw new StoreUnavailableError();
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      this.#enqueue({ sql, params, explain: true, resolve, reject });
    });
    return rows[0] as ExplainedRun;
  }

  #enqueue(job: Job): void {
    this.#queue.push(job);
    // threads start with the first queries, one more each time all are busy
    if (this.#readers.length < this.#threads && this.#readers.every((r) => r.job || !r.ready)) {
      this.#readers.push(this.#spawn());
    }
    this.#dispatch();
  }

  /** Stops the threads; queued queries fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new StoreUnavailableError());
    await Promise.allSettled(
      this.#readers.map((r) => {
        clearTimeout(r.timer);
        r.job?.reject(new StoreUnavailableError());
        return r.worker.terminate();
      }),
    );
  }

  #spawn(): Reader {
    const worker = startWorker('./catalog-reader', import.meta.url, { file: this.#file });
    const reader: Reader = { worker, ready: false, job: undefined, timer: undefined };
    worker.unref();
    worker.on('message', (m: ReaderMessage) => {
      if (m.ready) {
        reader.ready = true;
        this.#dispatch();
        return;
      }
      const job = this.#finish(reader);
      if (!job) return;
      if (m.error) job.reject(Object.assign(new Error(m.error.message), m.error));
      else job.resolve(m.columns ? rowObjects(m.columns, m.rows as unknown[][]) : (m.rows ?? []));
    });
    worker.on('error', (err) => {
      this.#finish(reader)?.reject(err);
      this.#replace(reader);
    });
    return reader;
  }

  #finish(reader: Reader): Job | undefined {
    clearTimeout(reader.timer);
    const job = reader.job;
    reader.job = undefined;
    reader.timer = undefined;
    queueMicrotask(() => this.#dispatch());
    return job;
  }

  #replace(reader: Reader): void {
    if (this.#closed) return;
    void reader.worker.terminate();
    const index = this.#readers.indexOf(reader);
    if (index >= 0) this.#readers[index] = this.#spawn();
  }

  #dispatch(): void {
    for (const reader of this.#readers) {
      if (this.#queue.length === 0) return;
      if (reader.job || !reader.ready) continue;
      const job = this.#queue.shift()!;
      reader.job = job;
      reader.timer = setTimeout(() => {
        // the query is still running: the only way to stop it is to stop its thread
        this.#finish(reader)?.reject(new StoreUnavailableError());
        this.#replace(reader);
      }, this.#timeoutMs);
      reader.worker.postMessage({ sql: job.sql, params: job.params, ...(job.explain ? { explain: true } : {}) });
    }
  }
}
