// The catalog writer thread (see writer-client.ts): contributor writes and catalog-wide
// deletes on a connection of their own, so the main thread keeps parsing and validating meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '../database.js';
import type { WriteRequest } from './writer-client.js';
import { catalogWrites } from './writes.js';

const db = connect((workerData as { file: string }).file);
const writes = catalogWrites(db);
// The checkpointer thread copies the WAL (checkpointer.ts); this thread's commits would copy
// it only as a backstop, when that thread has fallen far behind (400 MB of WAL).
db.pragma('wal_autocheckpoint = 100000');
const port = parentPort!;

port.on('message', (m: WriteRequest | { id: -1; op: 'close' }) => {
  if (m.op === 'close') {
    db.close();
    port.close();
    return;
  }
  try {
    const value = (writes[m.op] as (...args: unknown[]) => unknown)(...m.args);
    port.postMessage({ id: m.id, ok: true, value });
  } catch (err) {
    const e = err as Error & { index?: number; code?: string };
    port.postMessage({
      id: m.id,
      ok: false,
      error: { name: e.name, message: e.message, index: e.index, code: e.code },
    });
  }
});
