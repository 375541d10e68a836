import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_DATABASE_URL } from '../../query/testing/postgres.js';
import { BatchedReads, shiftParameters } from './batched-reads.js';
import { PgDb } from './pg-database.js';

describe('shiftParameters', () => {
  it('renumbers every $n outside quoted literals and identifiers', () => {
    expect(shiftParameters('SELECT $1, $2::text[], $10 WHERE a = $3', 4)).toBe(
      'SELECT $5, $6::text[], $14 WHERE a = $7',
    );
    expect(shiftParameters(`SELECT '$1' AS "$2", 'it''s $3', $4 FROM t WHERE doc #> ARRAY['$5'] = $6`, 10)).toBe(
      `SELECT '$1' AS "$2", 'it''s $3', $14 FROM t WHERE doc #> ARRAY['$5'] = $16`,
    );
    expect(shiftParameters('SELECT $1', 0)).toBe('SELECT $1');
    expect(shiftParameters('SELECT $ 1, $a, $1x', 1)).toBe('SELECT $ 1, $a, $2x');
  });
});

describe.skipIf(!TEST_DATABASE_URL)('BatchedReads on PostgreSQL', () => {
  let db: PgDb;
  beforeAll(() => {
    db = new PgDb({ url: TEST_DATABASE_URL!, max: 2 });
  });
  afterAll(async () => {
    await db.pool.end();
  });

  const SQL = `SELECT $1::int AS n, 'a''$2' AS quoted, $2::text AS t WHERE $1::int >= 0`;

  it('sends the reads of one turn as one statement and hands each its row', async () => {
    const reads = new BatchedReads(db);
    const prepared = vi.spyOn(db, 'prepared');
    const rows = await Promise.all(Array.from({ length: 20 }, (_, i) => reads.row(SQL, [i - 2, `t${i}`])));
    expect(rows).toEqual(
      Array.from({ length: 20 }, (_, i) => (i < 2 ? undefined : { n: i - 2, quoted: "a'$2", t: `t${i}` })),
    );
    // 16 at most in one statement: 20 reads are two statements
    expect(prepared).toHaveBeenCalledTimes(2);
    prepared.mockRestore();
  });

  it('sends a failing statement again part by part: only the read that fails sees the error', async () => {
    const reads = new BatchedReads(db);
    const asked = [reads.row(SQL, [1, 'a']), reads.row(SQL, ['not a number', 'b']), reads.row(SQL, [3, 'c'])];
    const settled = await Promise.allSettled(asked);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: { n: 1, quoted: "a'$2", t: 'a' } });
    expect(settled[1]!.status).toBe('rejected');
    expect(settled[2]).toEqual({ status: 'fulfilled', value: { n: 3, quoted: "a'$2", t: 'c' } });
  });

  it('reads alone a read whose parameters hold U+0000, and different SQL apart', async () => {
    const reads = new BatchedReads(db);
    const rows = await Promise.all([
      reads.row(SQL, [1, 'x\0y']),
      reads.row(SQL, [2, 'b']),
      reads.row('SELECT $1::text AS other', ['o']),
    ]);
    expect(rows).toEqual([undefined, { n: 2, quoted: "a'$2", t: 'b' }, { other: 'o' }]);
  });
});
