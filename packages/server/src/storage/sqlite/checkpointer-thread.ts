// The checkpointer thread (see checkpointer.ts): copies the WAL into the database on a
// connection of its own, so neither the catalog writer nor the main thread pays for it.
import { parentPort, workerData } from 'node:worker_threads';
import { type WalCheckpointsOptions, walCheckpoints } from './checkpoints.js';
import { connect } from './database.js';

const { file, options } = workerData as { file: string; options: WalCheckpointsOptions };
const db = connect(file);
// this connection only checkpoints; a RESTART waits this long at most for the writer and readers
db.pragma('busy_timeout = 250');
const checkpoints = walCheckpoints(db, options);
const port = parentPort!;

port.on('message', (m: 'close') => {
  if (m !== 'close') return;
  checkpoints.stop();
  db.close();
  port.close();
});
