// PostgreSQL going away under a running server (docs/POSTGRES.md, "When the database goes away"): the server reaches
// the database through a TCP relay this test cuts and restores. While it is cut, every API answers 503 in the
// standard body with Retry-After (never 500), /readyz says not ready, and /healthz stays up; once restored, the same
// process serves again without a restart, and nothing half-done was written.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { TEST_DATABASE_URL } from '../src/query/testing/postgres.js';
import { createTestSchema } from '../src/storage/postgres/testing/pg-schema.js';

/** A relay from a local port to the database's, whose connections can be cut and whose port can refuse. */
class Relay {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  constructor(
    private readonly host: string,
    private readonly target: number,
  ) {}

  /** Listens (on the same port as before, after a `cut`); nothing when already listening. */
  async open(): Promise<void> {
    if (this.#server) return;
    const server = createServer((client) => {
      const upstream = new Socket();
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {});
      }
      upstream.connect(this.target, this.host, () => {
        client.pipe(upstream);
        upstream.pipe(client);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  /** Stops listening (new connections are refused) and breaks every open one. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL outage', () => {
  let relay: Relay;
  let server: RunningServer;
  let drop: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    const place = await createTestSchema(TEST_DATABASE_URL!);
    drop = place.drop;
    const url = new URL(TEST_DATABASE_URL!);
    relay = new Relay(url.hostname, Number(url.port || 5432));
    await relay.open();
    url.hostname = '127.0.0.1';
    url.port = String(relay.port);
    dir = mkdtempSync(join(tmpdir(), 'bbk-outage-'));
    server = await startServer({
      mode: 'development',
      dataDir: dir,
      database: url.toString(),
      databaseSchema: place.schema,
      coordinatorPort: 0,
      contributorPort: 0,
      consumerPort: 0,
    });
  });

  afterAll(async () => {
    await server?.close();
    await drop?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const call = async (base: string, path: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const root = (base: string) => base.replace(/\/v1$/, '');

  it('answers 503 with Retry-After while the database is gone, and serves again once it is back', async () => {
    const { coordinator, consumer } = server.urls;
    const type = { name: 'Countries', description: 'all of them' };
    expect((await call(coordinator, '/entity/country', { method: 'POST', body: JSON.stringify(type) })).status).toBe(
      201,
    );

    await relay.cut();
    const unavailable = {
      error: { code: 503, status: 'Service Unavailable', message: '' },
    };
    const reads = await Promise.all([
      call(coordinator, '/entity'),
      call(coordinator, '/user'),
      call(consumer, '/entity', { headers: { 'x-bbk-audience': 'nobody' } }),
    ]);
    for (const r of reads) {
      expect(r.status).toBe(503);
      expect(r.body).toEqual(unavailable);
      expect(r.headers.get('retry-after')).toBe('1');
    }
    const write = await call(coordinator, '/entity/place', {
      method: 'POST',
      body: JSON.stringify({ name: 'Places', description: 'somewhere' }),
    });
    expect(write.status).toBe(503);
    expect(write.body).toEqual(unavailable);
    expect((await call(root(coordinator), '/healthz')).status).toBe(200);
    expect((await call(root(coordinator), '/readyz')).status).toBe(503);

    await relay.open();
    const back = await call(coordinator, '/entity');
    expect(back.status).toBe(200);
    // the write refused while the database was away left nothing behind
    expect((back.body as { id: string }[]).map((t) => t.id)).toEqual(['country']);
    expect((await call(root(coordinator), '/readyz')).status).toBe(200);
    expect((await call(coordinator, '/entity/place', { method: 'POST', body: JSON.stringify(type) })).status).toBe(201);
  });
});
