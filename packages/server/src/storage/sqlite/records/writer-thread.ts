// The catalog writer thread (see writer-client.ts): contributor writes and catalog-wide
// deletes on a connection of their own, so the main thread keeps parsing and validating meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { idleCheckpoints } from '../checkpoints.js';
import { connect } from '../database.js';
import type { WriteRequest } from './writer-client.js';
import { catalogWrites } from './writes.js';

const db = connect((workerData as { file: string }).file);
const writes = catalogWrites(db);
const port = parentPort!;
// this thread copies the WAL into the database after write bursts (see database.ts, checkpoints.ts)
const checkpoints = idleCheckpoints(db);

port.on('message', (m: WriteRequest | { id: -1; op: 'close' }) => {
  checkpoints.touch();
  if (m.op === 'close') {
    checkpoints.stop();
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
