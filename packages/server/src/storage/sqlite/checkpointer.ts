import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../threads/start-worker.js';
import type { WalCheckpointsOptions } from './checkpoints.js';

/**
 * The thread that checkpoints a file-backed store's WAL (checkpoints.ts): started with the
 * store, closed after its writer thread. If it ever exits early, the connections' own
 * `wal_autocheckpoint` backstops still bound the WAL.
 */
export class Checkpointer {
  readonly #worker: Worker;
  #exited = false;
  #closing = false;

  constructor(file: string, options: WalCheckpointsOptions = {}) {
    this.#worker = startWorker('./checkpointer-thread', import.meta.url, { file, options });
    this.#worker.on('exit', (code) => {
      this.#exited = true;
      if (!this.#closing) process.emitWarning(`bbk: the WAL checkpointer thread exited (${code})`, 'BbkStoreWarning');
    });
    // the store goes on without it (the warning above says so)
    this.#worker.on('error', (err) => {
      process.emitWarning(`bbk: the WAL checkpointer thread failed: ${err.message}`, 'BbkStoreWarning');
    });
  }

  /** Stops the thread and closes its connection. */
  async close(): Promise<void> {
    if (this.#exited) return;
    this.#closing = true;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.postMessage('close');
    await exited;
  }
}
