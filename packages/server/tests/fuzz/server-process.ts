import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TEST_DATABASE_URL } from '../../src/query/testing/postgres.js';
import { createTestSchema } from '../../src/storage/postgres/testing/pg-schema.js';
import { TEST_ENGINE } from '../harness.js';
import type { Urls } from './world.js';

/** The child's environment: the test database's schema on PostgreSQL, no database at all on SQLite. */
function childEnv(schema: string | undefined): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.BBK_DATABASE_URL;
  delete env.BBK_DATABASE_SCHEMA;
  return schema ? { ...env, BBK_DATABASE_URL: TEST_DATABASE_URL, BBK_DATABASE_SCHEMA: schema } : env;
}

/** A server under fuzz, running from source in a child process on a fresh data directory. */
export interface ServerProcess {
  urls: Urls;
  bootstrapToken?: string;
  pid: number;
  /** Asks the server to stop, kills it after `graceMs`, removes the data directory. */
  stop(graceMs?: number): Promise<void>;
}

const entry = fileURLToPath(new URL('./server-main.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Starts `server-main.ts` through tsx (a dev dependency of the workspace root).
 * `nodeArgs`: extra Node options for the child, e.g. `--cpu-prof`.
 */
export async function spawnServer(options: {
  mode: 'production' | 'development';
  nodeArgs?: string[];
}): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'bbk-fuzz-'));
  const pg = TEST_ENGINE === 'postgres' ? await createTestSchema(TEST_DATABASE_URL!) : undefined;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', entry, options.mode, dir], {
    cwd: root,
    env: childEnv(pg?.schema),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr = (stderr + String(d)).slice(-4000);
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fuzz server exited with ${code}: ${stderr}`)));
  });
  const started = JSON.parse(line) as { urls: Urls; bootstrapToken?: string };
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    ...started,
    pid: child.pid!,
    async stop(graceMs = 3000) {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      await pg?.drop();
    },
  };
}
