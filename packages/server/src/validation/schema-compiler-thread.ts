// The schema compiler thread (see schema-compiler.ts): checks and compiles entity type schemas
// to standalone code, so that no schema, however costly, runs on the thread that serves requests.
import { parentPort } from 'node:worker_threads';
import { recordValidatorSource } from './entity-schema.js';

const port = parentPort!;
port.on('message', (m: { id: number; schema: unknown }) => {
  port.postMessage({ id: m.id, source: recordValidatorSource(m.schema) });
});
// the compiler's time bound starts from here: loading this thread, and ajv's first compile (cold code,
// its formats), are not a schema's cost
recordValidatorSource({ type: 'object', properties: { warm: { type: 'string', format: 'date-time' } } });
port.postMessage({ ready: true });
