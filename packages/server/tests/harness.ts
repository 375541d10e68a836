import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type ServerOptions, startServer } from '../src/index.js';

/** A real server on ephemeral loopback ports with a fresh SQLite file. */
export interface TestServer extends RunningServer {
  /** Bootstrap coordinator token (production) or a placeholder (development). */
  adminToken: string;
  /** Restarts on the same data directory. */
  restart(): Promise<TestServer>;
  /** Stops and removes the data directory. */
  destroy(): Promise<void>;
}

export async function startTestServer(options: ServerOptions = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'bbk-test-'));
  const server = await startServer(
    {
      mode: 'development',
      dataDir: dir,
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
    async restart() {
      await server.close();
      const next = await startTestServer(options, dir);
      next.adminToken = t.adminToken;
      return next;
    },
    async destroy() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
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
