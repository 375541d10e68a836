import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type ServerOptions, startServer } from '../src/index.js';
import { TEST_DATABASE_URL } from '../src/query/testing/postgres.js';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { createTestSchema } from '../src/storage/postgres/testing/pg-schema.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { Store } from '../src/storage/store.js';

/**
 * The engine test servers run on: `BBK_TEST_ENGINE=postgres` (with `BBK_TEST_DATABASE_URL`) gives
 * each server a fresh schema of that PostgreSQL database; anything else, a fresh SQLite file.
 */
export const TEST_ENGINE: 'sqlite' | 'postgres' =
  process.env.BBK_TEST_ENGINE === 'postgres' && TEST_DATABASE_URL ? 'postgres' : 'sqlite';

interface PgPlace {
  schema: string;
  drop(): Promise<void>;
}

/** A real server on ephemeral loopback ports with a fresh SQLite file (or PostgreSQL schema, see TEST_ENGINE). */
export interface TestServer extends RunningServer {
  /** Bootstrap coordinator token (production) or a placeholder (development). */
  adminToken: string;
  /** The engine under test. */
  engine: 'sqlite' | 'postgres';
  /** Where the PostgreSQL store lives (`issueBootstrapToken(dataDir, location)`); empty on SQLite. */
  location: { database?: string; databaseSchema?: string };
  /** A second store on the server's database (its own connections): sees what any reader would. */
  openReader(): Promise<Store>;
  /** Restarts on the same data directory. */
  restart(): Promise<TestServer>;
  /** Stops and removes the data directory. */
  destroy(): Promise<void>;
}

export async function startTestServer(
  options: ServerOptions = {},
  dataDir?: string,
  pgPlace?: PgPlace,
): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'bbk-test-'));
  const pg = pgPlace ?? (TEST_ENGINE === 'postgres' ? await createTestSchema(TEST_DATABASE_URL!) : undefined);
  const server = await startServer(
    {
      mode: 'development',
      dataDir: dir,
      ...(pg ? { database: TEST_DATABASE_URL, databaseSchema: pg.schema } : {}),
      host: '127.0.0.1',
      coordinatorPort: 0,
      contributorPort: 0,
      consumerPort: 0,
      ...options,
    },
    {},
  );
  const t: TestServer = {
    ...server,
    adminToken: server.bootstrapToken ?? 'abc123',
    engine: pg ? 'postgres' : 'sqlite',
    location: pg ? { database: TEST_DATABASE_URL!, databaseSchema: pg.schema } : {},
    async openReader() {
      return pg ? PostgresStore.open({ url: TEST_DATABASE_URL!, schema: pg.schema, max: 2 }) : SqliteStore.open(dir);
    },
    async restart() {
      await server.close();
      const next = await startTestServer(options, dir, pg);
      next.adminToken = t.adminToken;
      return next;
    },
    async destroy() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      await pg?.drop();
    },
  };
  return t;
}

/** A raw HTTP call for wire-level assertions (status, headers, exact bodies). */
export async function call(
  url: string,
  init: { method?: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; token?: string } = {},
): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers['x-bbk-auth-token'] = init.token;
  let body: string | undefined;
  if (init.rawBody !== undefined) body = init.rawBody;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
