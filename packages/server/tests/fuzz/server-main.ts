// The server under fuzz in its own process: `node --import tsx server-main.ts <mode> <dataDir>`.
// Prints one JSON line `{ urls, bootstrapToken }` once listening; stops when stdin ends.
// Its own process, so a request that blocks the server's event loop cannot stall the fuzzer's
// clock, and a run can always be ended.
import { register } from 'node:module';

// Resolve the SDK's protocol subpath to its TypeScript source, as vitest's alias does (no build needed).
const protocol = new URL('../../../sdk/src/protocol/index.ts', import.meta.url).href;
const hooks = `export async function resolve(specifier, context, next) {
  return next(specifier === '@bbk/sdk/protocol' ? ${JSON.stringify(protocol)} : specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

const { startServer } = await import('../../src/index.js');
const [mode, dataDir] = process.argv.slice(2);
if ((mode !== 'production' && mode !== 'development') || !dataDir) {
  throw new Error('usage: server-main.ts production|development <dataDir>');
}
const server = await startServer(
  { mode, dataDir, host: '127.0.0.1', coordinatorPort: 0, contributorPort: 0, consumerPort: 0 },
  // the PostgreSQL engine when the parent names a database (BBK_TEST_ENGINE=postgres); nothing else from the environment
  { BBK_DATABASE_URL: process.env.BBK_DATABASE_URL, BBK_DATABASE_SCHEMA: process.env.BBK_DATABASE_SCHEMA },
);
process.stdout.write(`${JSON.stringify({ urls: server.urls, bootstrapToken: server.bootstrapToken })}\n`);
process.stdin.resume();
process.stdin.on('end', () => server.close().then(() => process.exit(0)));
