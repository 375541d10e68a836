import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityMonitor } from '../src/activity/index.js';
import { resolveConfig } from '../src/config.js';
import type { ServerContext } from '../src/context.js';
import { Limits } from '../src/limits/index.js';
import { sessions } from '../src/services/sessions.js';
import { DB_FILE } from '../src/storage/sqlite/database.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { SchemaCompiler } from '../src/validation/schema-compiler.js';
import { WebhookClient } from '../src/webhooks/index.js';
import { type ContributorEnv, contributorEnv, countryLike, ids, makeConnector } from './contributor-setup.js';

let env: ContributorEnv;

/** The same poll on PostgreSQL: its own connection, one snapshot per statement (READ COMMITTED). */
function startPgReader(connectorId: number): { stop(): Promise<number[]> } {
  const client = new pg.Client({
    connectionString: env.server.location.database,
    options: `-c search_path=${env.server.location.databaseSchema}`,
  });
  const seen = new Set<number>();
  let stop = false;
  const done = (async () => {
    await client.connect();
    while (!stop) {
      const r = await client.query<{ n: string }>('SELECT count(*) AS n FROM records WHERE connector_id = $1', [
        connectorId,
      ]);
      seen.add(Number(r.rows[0]!.n));
    }
    await client.end();
    return [...seen];
  })();
  return {
    stop: () => {
      stop = true;
      return done;
    },
  };
}

beforeAll(async () => {
  env = await contributorEnv();
});
afterAll(() => env.close());

const batchesOf = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Polls the record count of one connector from another thread (its own SQLite connection, WAL
 * snapshot reads) while the server writes, and returns every distinct count it saw.
 */
function startReader(connectorId: number): { stop(): Promise<number[]> } {
  if (env.server.engine === 'postgres') return startPgReader(connectorId);
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.sqlite);
    const db = new Database(workerData.file, { readonly: true });
    db.pragma('busy_timeout = 5000');
    const q = db.prepare('SELECT count(*) AS n FROM records WHERE connector_id = ?');
    const seen = new Set();
    let stop = false;
    parentPort.on('message', () => { stop = true; });
    (function poll() {
      for (let i = 0; i < 50; i++) seen.add(q.get(workerData.connectorId).n);
      if (stop) { db.close(); parentPort.postMessage([...seen]); } else setImmediate(poll);
    })();
    `,
    { eval: true, workerData: { sqlite, file: join(env.server.dataDir, DB_FILE), connectorId } },
  );
  return {
    stop: () =>
      new Promise((resolve, reject) => {
        worker.once('message', (seen: number[]) => {
          void worker.terminate();
          resolve(seen);
        });
        worker.once('error', reject);
        worker.postMessage('stop');
      }),
  };
}

describe('concurrency', () => {
  it('applies many batches posted in parallel to one accrue session: none lost', async () => {
    const c = await makeConnector(env, 'country', 'parallel-accrue');
    const records = countryLike(5000);
    const sid = await env.contrib.openSession(c.cid, 'accrue');
    const reports = await Promise.all(batchesOf(records, 250).map((b) => env.contrib.upsert(c.cid, sid, b)));
    expect(reports.reduce((n, r) => n + Object.keys(r).length, 0)).toBe(5000);
    expect(await env.reader.records.pendingCount(c.id)).toBe(5000);
    expect(await env.reader.records.count(c.id)).toBe(0);
    await env.contrib.closeSession(c.cid, sid, true);
    expect(new Set(await ids(env, c))).toEqual(new Set(records.map((r) => r.id)));
  });

  it('readers never see a half-applied call while parallel stream batches land', async () => {
    const c = await makeConnector(env, 'country', 'parallel-stream');
    const reader = startReader(c.id);
    const sid = await env.contrib.openSession(c.cid, 'stream');
    await Promise.all(batchesOf(countryLike(10_000), 250).map((b) => env.contrib.upsert(c.cid, sid, b)));
    const seen = await reader.stop();
    expect(seen.length).toBeGreaterThan(1);
    for (const n of seen) expect(n % 250).toBe(0);
    expect(await env.reader.records.count(c.id)).toBe(10_000);
  });

  it('a replace commit is seen all at once: the old set or the new one', async () => {
    const c = await makeConnector(env, 'country', 'replace-atomic');
    await env.contrib.contribute(c.cid, 'stream', countryLike(3000, 'old'));
    const reader = startReader(c.id);
    await env.contrib.contribute(c.cid, 'replace', countryLike(2000, 'new'));
    const seen = await reader.stop();
    expect(seen.every((n) => n === 3000 || n === 2000)).toBe(true);
    expect(await env.reader.records.count(c.id)).toBe(2000);
  });

  it('several connectors writing at once each get exactly their records', async () => {
    const conns = await Promise.all([1, 2, 3, 4].map((i) => makeConnector(env, 'country', `multi-${i}`)));
    const modes = ['stream', 'accrue', 'replace', 'stream'] as const;
    await Promise.all(
      conns.map(async (c, i) => {
        const sid = await env.contrib.openSession(c.cid, modes[i]!);
        // keys clash across connectors on purpose
        await Promise.all(batchesOf(countryLike(1000), 250).map((b) => env.contrib.upsert(c.cid, sid, b)));
        await env.contrib.closeSession(c.cid, sid, true);
      }),
    );
    for (const c of conns) expect(await env.reader.records.count(c.id)).toBe(1000);
  });

  it('applies calls in arrival order even when the first needs more awaits (schema cache miss)', async () => {
    // in-process, on the real SQLite store: an upsert (entity type not yet cached) and a delete
    // of the same key are started back to back without waiting; the delete must land second
    const store = SqliteStore.open(':memory:');
    const closers: Array<() => Promise<void> | void> = [];
    try {
      const config = resolveConfig({ mode: 'development', dataDir: ':memory:' });
      const ctx: ServerContext = {
        config,
        store,
        secret: 'test-secret',
        auth: {
          verify: async () => ({ ok: false, status: 401 }),
          remembered: () => undefined,
          confirmed: () => {},
          flushUses: async () => {},
        },
        admissions: undefined,
        limits: new Limits({ usage: store.catalog, now: config.now }),
        webhooks: new WebhookClient({ timeoutMs: config.webhookTimeoutMs, now: config.now }),
        schemas: new SchemaCompiler(),
        activity: new ActivityMonitor({ store: store.activity, now: config.now, thresholds: config.detectors }),
        observers: { logger: undefined, requestLog: undefined, metrics: undefined },
      };
      closers.push(
        () => ctx.limits.close(),
        () => ctx.webhooks.close(),
        () => ctx.schemas.close(),
      );
      const type = {
        name: 'T',
        description: 'T',
        schema: { required: ['code'] },
        timeseries: {},
        tags: [],
        icon: '',
        indexes: [],
      };
      await store.entityTypes.create('thing', type);
      const typeRow = (await store.entityTypes.get('thing'))!;
      const input = {
        name: 'c',
        description: 'c',
        webhook: null,
        cache: 0,
        contributionId: 'a'.repeat(40),
        webhookSecret: 's',
      };
      await store.connectors.create(typeRow.id, 'conn', input, { keyId: 'k', hash: Buffer.alloc(32) });
      const cid = 'a'.repeat(40);
      for (const mode of ['stream', 'accrue'] as const) {
        const sid = await sessions.open(ctx, null, cid, mode);
        const upsert = sessions.action(ctx, null, { cid, sid }, 'upsert', [
          { id: 'k1', name: 'K', entity: { code: 'X' } },
        ]);
        const remove = sessions.action(ctx, null, { cid, sid }, 'delete', ['k1']);
        await Promise.all([upsert, remove]);
        await sessions.close(ctx, null, { cid, sid }, 'true');
        const target = (await store.records.target(cid))!;
        expect(await store.records.get(target.connectorId, 'k1'), mode).toBeUndefined();
      }
    } finally {
      for (const close of closers) await close();
      await store.close();
    }
  });
});
