// The catalog writer thread (see records-writer-client.ts): contributor writes on a
// connection of their own, so the main thread keeps parsing and validating meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { idleCheckpoints } from './checkpoints.js';
import { connect } from './database.js';
import { purgeTransactions } from './purges.js';
import { SqliteRecords } from './records.js';

const db = connect((workerData as { file: string }).file);
const records = new SqliteRecords(db);
const purges = purgeTransactions(db);
const ops: Record<string, (...args: never[]) => unknown> = {
  openSession: (...a: Parameters<SqliteRecords['openSession']>) => records.openSession(...a),
  upsertColumns: (...a: Parameters<SqliteRecords['upsertColumns']>) => records.upsertColumns(...a),
  delete: (...a: Parameters<SqliteRecords['delete']>) => records.delete(...a),
  closeSession: (...a: Parameters<SqliteRecords['closeSession']>) => records.closeSession(...a),
  deleteConnector: (id: number) => purges.deleteConnector.immediate(id),
  deleteEntityType: (slug: string) => purges.deleteEntityType.immediate(slug),
};
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
    const value = await (ops[m.op] as (...a: unknown[]) => unknown)(...m.args);
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
