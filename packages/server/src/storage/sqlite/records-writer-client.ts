import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../threads/start-worker.js';
import { UnstorableRecordError } from '../records-store.js';
import type { WriteGate } from './write-gate.js';

/** The write methods of `SqliteRecords`, and the purges, that run on the writer thread. */
export type WriteOp =
  | 'openSession'
  | 'upsertColumns'
  | 'delete'
  | 'closeSession'
  | 'deleteConnector'
  | 'deleteEntityType';

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string; index?: number; code?: string };
}

function revive(e: NonNullable<Reply['error']>): Error {
  if (e.name === 'UnstorableRecordError' && typeof e.index === 'number') return new UnstorableRecordError(e.index);
  return Object.assign(new Error(e.message), { name: e.name, code: e.code });
}

/**
 * The catalog writer thread: one worker with its own SQLite connection, applying
 * contributor writes one at a time in the order they are sent (a MessagePort keeps
 * order), each in its own transaction, as on the main thread. Each call's promise
 * settles after its transaction committed.
 */
export class RecordWriter {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: never) => void; reject: (e: unknown) => void }>();
  #next = 0;
  #failed: Error | undefined;

  /** @param gate orders this thread's writes with the main connection's (write-gate.ts) */
  constructor(
    file: string,
    private readonly gate: WriteGate,
  ) {
    this.#worker = startWorker('./records-writer', import.meta.url, { file });
    this.#worker.on('message', (reply: Reply) => {
      const p = this.#pending.get(reply.id);
      if (!p) return;
      this.#pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value as never);
      else p.reject(revive(reply.error!));
    });
    const fail = (err: Error) => {
      this.#failed = err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`catalog writer thread exited (${code})`)));
  }

  call<T>(op: WriteOp, args: unknown[]): Promise<T> {
    return this.gate.shared(() => {
      if (this.#failed) return Promise.reject(this.#failed);
      const id = this.#next++;
      return new Promise<T>((resolve, reject) => {
        this.#pending.set(id, { resolve: resolve as (v: never) => void, reject });
        this.#worker.postMessage({ id, op, args });
      });
    });
  }

  /** Waits for the queued writes, then stops the thread (closing its connection). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#pending.keys()].map((id) => this.#settled(id)));
    this.#worker.postMessage({ id: -1, op: 'close', args: [] });
    await new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
    });
  }

  #settled(id: number): Promise<void> {
    return new Promise((resolve) => {
      const p = this.#pending.get(id);
      if (!p) return resolve();
      this.#pending.set(id, {
        resolve: (v) => {
          p.resolve(v);
          resolve();
        },
        reject: (e) => {
          p.reject(e);
          resolve();
        },
      });
    });
  }
}
