import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsumerClient } from '@bbk/sdk';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError, backupDatabase } from '../src/index.js';
import { type ContributorEnv, contributorEnv, makeConnector, type TestConnector } from './contributor-setup.js';
import { startTestServer, TEST_ENGINE } from './harness.js';

// `backupDatabase` (bbk backup): a consistent online copy while the server serves and a session writes.

let env: ContributorEnv;
let conn: TestConnector;
let out: string;
const type = { name: 'Things', description: 'Things', schema: {}, timeseries: {} };
const thing = (i: number) => ({ id: `t${i}`, name: `Thing ${i}`, entity: { n: i, text: 'x'.repeat(400) } });

// `bbk backup` copies the SQLite file (SQLite's online backup API); a PostgreSQL database is backed up with pg_dump
// (docs/POSTGRES.md), so there is nothing of bbk's to test there
describe.skipIf(TEST_ENGINE === 'postgres')('backupDatabase', () => {
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'bbk-backup-'));
    env = await contributorEnv({ mode: 'development' });
    conn = await makeConnector(env, 'thing', 'things', type);
    // a few MB of catalog, so the copy takes many steps
    await env.contrib.contribute(
      conn.cid,
      'accrue',
      Array.from({ length: 4000 }, (_, i) => thing(i)),
    );
    await env.coord.connectors.promote('thing', 'things');
    await env.coord.policies.create('all', {
      name: 'All',
      description: 'All',
      policy: {
        access_control: { enabled: false },
        data_segment: { segment_query: { type: 'thing' } },
        legal_context: [],
      },
    });
  });
  afterAll(async () => {
    await env.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('copies consistently while a stream session writes, checks the copy, and a server runs on it', async () => {
    const sid = await env.contrib.openSession(conn.cid, 'stream');
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await env.contrib.upsert(conn.cid, sid, [thing(10_000 + written)]);
        written++;
      }
    })();
    const before = await env.reader.records.count(conn.id);
    const seen: number[] = [];
    const file = join(out, 'live.sqlite');
    // the writer must have committed during the copy for this test to mean anything
    while (written < 5) await new Promise((r) => setTimeout(r, 10));
    // and one write from another connection lands mid-copy for sure: SQLite restarts the copy, which must then
    // finish in one pass and include it
    const other = new Database(join(env.server.dataDir, 'bbk.sqlite'));
    const probe = other.prepare(
      "INSERT INTO meta (key, value) VALUES ('backup-probe', 'written mid-copy') ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    const result = await backupDatabase({
      dataDir: env.server.dataDir,
      to: file,
      onProgress: (p) => {
        seen.push(p.remainingPages);
        if (seen.length === 3) probe.run();
      },
    });
    other.close();
    writing = false;
    await writer;
    await env.contrib.closeSession(conn.cid, sid, true);
    const after = await env.reader.records.count(conn.id);
    expect(result.restarts).toBeGreaterThanOrEqual(1);

    expect(result).toMatchObject({ file, check: 'ok' });
    expect(result.pages).toBeGreaterThan(256);
    expect(result.bytes).toBe(result.pages * result.pageSize);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(0);
    // nothing but the backup is left in the directory (no temporary file, no -wal/-shm)
    expect(readdirSync(out)).toEqual(['live.sqlite']);

    const copy = new Database(file, { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('foreign_key_check')).toEqual([]);
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(copy.prepare("SELECT value FROM meta WHERE key = 'backup-probe'").get()).toEqual({
        value: 'written mid-copy',
      });
      const count = (copy.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
      expect(count).toBeGreaterThanOrEqual(before);
      expect(count).toBeLessThanOrEqual(after);
      // one snapshot: the stream's records are t10000… with no gap
      const streamed = copy
        .prepare('SELECT vendor_id FROM records WHERE CAST(substr(vendor_id, 2) AS INTEGER) >= 10000 ORDER BY seq')
        .all();
      expect(streamed.map((r) => (r as { vendor_id: string }).vendor_id)).toEqual(
        Array.from({ length: count - 4000 }, (_, i) => `t${10_000 + i}`),
      );
    } finally {
      copy.close();
    }

    // restore into a fresh data directory and serve it
    const restored = mkdtempSync(join(tmpdir(), 'bbk-restored-'));
    copyFileSync(file, join(restored, 'bbk.sqlite'));
    const second = await startTestServer({ mode: 'development' }, restored);
    const consumer = new ConsumerClient({ baseUrl: second.urls.consumer, audience: 'all' });
    try {
      const first = await consumer.entities('thing', { limit: 1 });
      expect(first).toHaveLength(1);
      const record = await consumer.entity('thing', first[0]?.id ?? '');
      expect(record.entity).toMatchObject({ n: 0 });
    } finally {
      await consumer.close();
      await second.destroy();
    }
  });

  it('refuses to overwrite without force, replaces with it, and refuses a directory without a database', async () => {
    const file = join(out, 'exists.sqlite');
    writeFileSync(file, 'keep me');
    const refused = backupDatabase({ dataDir: env.server.dataDir, to: file });
    await expect(refused).rejects.toBeInstanceOf(BackupError);
    await expect(refused).rejects.toMatchObject({ code: 'EXISTS' });
    const replaced = await backupDatabase({ dataDir: env.server.dataDir, to: file, force: true });
    expect(replaced.check).toBe('ok');
    const empty = mkdtempSync(join(tmpdir(), 'bbk-empty-'));
    await expect(backupDatabase({ dataDir: empty, to: join(out, 'x.sqlite') })).rejects.toMatchObject({
      code: 'NO_DATABASE',
    });
    // the refused directory stays without a database: nothing was created there
    expect(existsSync(join(empty, 'bbk.sqlite'))).toBe(false);
    rmSync(empty, { recursive: true });
    await expect(
      backupDatabase({ dataDir: env.server.dataDir, to: join(env.server.dataDir, 'bbk.sqlite'), force: true }),
    ).rejects.toMatchObject({ code: 'SAME_FILE' });
    await expect(
      backupDatabase({ dataDir: env.server.dataDir, to: join(out, 'missing', 'x.sqlite') }),
    ).rejects.toMatchObject({ code: 'NO_DIRECTORY' });
  });

  it('backs up a stopped server (no -wal or -shm present)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bbk-stopped-'));
    const stopped = await startTestServer({ mode: 'development' }, dir);
    await stopped.close();
    expect(readdirSync(dir)).toEqual(['bbk.sqlite']);
    const result = await backupDatabase({ dataDir: dir, to: join(out, 'stopped.sqlite') });
    expect(result.check).toBe('ok');
    // it holds the instance's secrets: readable by its owner only, whatever the umask
    expect(statSync(join(out, 'stopped.sqlite')).mode & 0o777).toBe(0o600);
    // the data directory is left as it was: no -wal/-shm of the backup's connection
    expect(readdirSync(dir)).toEqual(['bbk.sqlite']);
    rmSync(dir, { recursive: true, force: true });
  });
});
