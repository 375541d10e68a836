import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../store.js';
import { CatalogReaders } from './catalog-readers.js';
import { DB_FILE, type Db, openDatabase } from './database.js';

let dir: string;
let db: Db;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bbk-readers-'));
  db = openDatabase(dir);
  db.exec('CREATE TABLE t (n INTEGER)');
  db.prepare(
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) INSERT INTO t SELECT x FROM c',
  ).run();
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A query that runs for a very long time: a billion rows, each through a bbk function, as a
 * regex or geo filter calls one per record. (Stopping a thread takes effect when the query next
 * calls into JavaScript; consumer queries cannot run SQL-only loops of unbounded length.)
 */
const SLOW = "SELECT count(*) AS n FROM t a, t b, t c WHERE bbk_regexp('^x', '', 'y' || (a.n + b.n + c.n))";

/** Starts every reader thread (in the tests they load through tsx, which takes a while). */
async function warm(readers: CatalogReaders, threads: number): Promise<void> {
  await Promise.all(Array.from({ length: threads * 4 }, () => readers.all('SELECT 1', [])));
}

describe('CatalogReaders', () => {
  it('runs queries with parameters on reader threads, with the bbk SQL functions', async () => {
    const readers = new CatalogReaders(join(dir, DB_FILE));
    try {
      expect(await readers.all('SELECT count(*) AS n FROM t WHERE n > ?', [990])).toEqual([{ n: 10 }]);
      expect(await readers.all("SELECT bbk_regexp('^a', 'i', ?) AS m", ['Abc'])).toEqual([{ m: 1 }]);
      const many = await Promise.all(
        Array.from({ length: 20 }, (_, i) => readers.all<{ n: number }>('SELECT n FROM t WHERE n = ?', [i + 1])),
      );
      expect(many.map((rows) => rows[0]?.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      await expect(readers.all('SELECT nope FROM t', [])).rejects.toThrow(/no such column/);
    } finally {
      await readers.close();
    }
  });

  it('gives each row as an object keyed by column name, as the main connection would', async () => {
    // rows cross the thread as value arrays with their column names (catalog-reader.ts)
    const sql = `SELECT n, n * 2 AS doubled, NULL AS absent, 'x' || n AS text, 1.5 AS half, x'00ff' AS bytes
      FROM t WHERE n <= ? ORDER BY n`;
    const readers = new CatalogReaders(join(dir, DB_FILE));
    try {
      const rows = await readers.all<Record<string, unknown>>(sql, [2]);
      const main = db.prepare<[number], Record<string, unknown>>(sql).all(2);
      // a blob crosses as a Uint8Array (structured clone), the same bytes; list queries select none
      expect(rows.map((r) => ({ ...r, bytes: Buffer.from(r.bytes as Uint8Array) }))).toEqual(main);
      expect(rows.map(({ bytes: _, ...r }) => r)).toEqual([
        { n: 1, doubled: 2, absent: null, text: 'x1', half: 1.5 },
        { n: 2, doubled: 4, absent: null, text: 'x2', half: 1.5 },
      ]);
      expect(Object.keys(rows[0]!)).toEqual(['n', 'doubled', 'absent', 'text', 'half', 'bytes']);
      expect(await readers.all('SELECT n FROM t WHERE n < 0', [])).toEqual([]);
    } finally {
      await readers.close();
    }
  });

  it('a query past the time bound fails alone, and the thread is replaced', async () => {
    const readers = new CatalogReaders(join(dir, DB_FILE), { threads: 1, timeoutMs: 300 });
    try {
      await warm(readers, 1);
      const slow = readers.all(SLOW, []);
      const next = readers.all('SELECT count(*) AS n FROM t', []);
      await expect(slow).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await next).toEqual([{ n: 1000 }]);
    } finally {
      await readers.close();
    }
  });

  it('a slow query holds up neither this thread nor the other reader', async () => {
    const readers = new CatalogReaders(join(dir, DB_FILE), { threads: 2, timeoutMs: 1500 });
    try {
      await warm(readers, 2);
      const slow = readers.all(SLOW, []).catch((err: unknown) => err);
      const started = performance.now();
      await readers.all('SELECT 1 AS one', []);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(await slow).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await readers.close();
    }
  });

  it('after close, queries fail with 503', async () => {
    const readers = new CatalogReaders(join(dir, DB_FILE));
    await readers.close();
    await expect(readers.all('SELECT 1', [])).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
