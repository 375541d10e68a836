// A catalog reader thread (see catalog-readers.ts): runs consumer list queries on a read-only
// connection of its own, so a query that has to look at many records never holds up the
// thread that serves requests.
import { parentPort, workerData } from 'node:worker_threads';
import Database, { type Statement } from 'better-sqlite3';
import { registerSqliteFunctions } from '../../query/index.js';
import { Lru } from '../../query/lru.js';
import { explainRun } from './explain.js';

const db = new Database((workerData as { file: string }).file, { readonly: true });
db.pragma('busy_timeout = 5000');
// 16 MB: scans read more than any cache holds; the pages index-served lists need fit (bench/README.md)
db.pragma('cache_size = -16384');
registerSqliteFunctions(db);
/** Statements by SQL text, each in raw mode with its column names. */
const statements = new Lru<string, { stmt: Statement; columns: string[] }>(256);
const port = parentPort!;
port.postMessage({ ready: true });

port.on('message', (m: { sql: string; params: unknown[]; explain?: true }) => {
  try {
    if (m.explain) {
      port.postMessage({ rows: [explainRun(db, m.sql, m.params)] });
      return;
    }
    let prepared = statements.get(m.sql);
    if (!prepared) {
      const stmt = db.prepare(m.sql).raw(true);
      prepared = { stmt, columns: stmt.columns().map((c) => c.name) };
      statements.set(m.sql, prepared);
    }
    // rows as arrays: the receiving thread deserialises an array of values in about 40% of the
    // time an object with named properties takes (bench/README.md, "Rows across the thread boundary")
    port.postMessage({ columns: prepared.columns, rows: prepared.stmt.all(...m.params) });
  } catch (err) {
    const e = err as Error & { code?: string };
    port.postMessage({ error: { name: e.name, message: e.message, code: e.code } });
  }
});
