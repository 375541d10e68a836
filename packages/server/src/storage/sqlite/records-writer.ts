// The catalog writer thread (see records-writer-client.ts): contributor writes on a
// connection of their own, so the main thread keeps parsing and validating meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { idleCheckpoints } from './checkpoints.js';
import { connect } from './database.js';
import { SqliteRecords } from './records.js';

const db = connect((workerData as { file: string }).file);
const records = new SqliteRecords(db);
const port = parentPort!;
// this thread copies the WAL into the database after write bursts (see database.ts, checkpoints.ts)
const checkpoints = idleCheckpoints(db);

port.on('message', async (m: { id: number; op: string; args: unknown[] }) => {
  checkpoints.touch();
  if (m.op === 'close') {
    checkpoints.stop();
    db.close();
    port.close();
    return;
  }
  try {
    const method = (records as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[m.op]!;
    const value = await method.apply(records, m.args);
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
