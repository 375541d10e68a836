import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../../threads/start-worker.js';
import { UnstorableRecordError } from '../../records-store.js';
import type { WriteGate } from '../write-gate.js';
import type { AsyncCatalogWrites, CatalogWrites } from './writes.js';

/** One call to the writer thread: a method of {@link CatalogWrites} and its arguments. */
export type WriteRequest = {
  [K in keyof CatalogWrites]: { id: number; op: K; args: Parameters<CatalogWrites[K]> };
}[keyof CatalogWrites];

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
 * The catalog writer thread, behind the same interface as writes on this thread: one worker
 * with its own SQLite connection, applying the writes one at a time in the order they are sent
 * (a MessagePort keeps order), each in its own transaction. Each call settles after its
 * transaction committed; every call takes its turn at the process's write gate.
 */
export class WriterThread implements AsyncCatalogWrites {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: never) => void; reject: (e: unknown) => void }>();
  #next = 0;
  #failed: Error | undefined;

  /** @param gate orders this thread's writes with the main connection's (write-gate.ts) */
  constructor(
    file: string,
    private readonly gate: WriteGate,
  ) {
    this.#worker = startWorker('./writer-thread', import.meta.url, { file });
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

  openSession = (...args: Parameters<CatalogWrites['openSession']>) => this.#call('openSession', args);
  upsert = (...args: Parameters<CatalogWrites['upsert']>) => this.#call('upsert', args);
  delete = (...args: Parameters<CatalogWrites['delete']>) => this.#call('delete', args);
  closeSession = (...args: Parameters<CatalogWrites['closeSession']>) => this.#call('closeSession', args);
  deleteConnector = (...args: Parameters<CatalogWrites['deleteConnector']>) => this.#call('deleteConnector', args);
  deleteEntityType = (...args: Parameters<CatalogWrites['deleteEntityType']>) => this.#call('deleteEntityType', args);
  buildIndex = (...args: Parameters<CatalogWrites['buildIndex']>) => this.#call('buildIndex', args);
  dropIndex = (...args: Parameters<CatalogWrites['dropIndex']>) => this.#call('dropIndex', args);

  #call<K extends keyof CatalogWrites>(
    op: K,
    args: Parameters<CatalogWrites[K]>,
  ): Promise<ReturnType<CatalogWrites[K]>> {
    return this.gate.shared(() => {
      if (this.#failed) return Promise.reject(this.#failed);
      const id = this.#next++;
      return new Promise<ReturnType<CatalogWrites[K]>>((resolve, reject) => {
        this.#pending.set(id, { resolve: resolve as (v: never) => void, reject });
        this.#worker.postMessage({ id, op, args } as WriteRequest);
      });
    });
  }

  /** Waits for the queued writes, then stops the thread (closing its connection). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#pending.keys()].map((id) => this.#settled(id)));
    this.#worker.postMessage({ id: -1, op: 'close' });
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
