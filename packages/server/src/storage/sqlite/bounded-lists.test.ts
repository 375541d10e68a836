import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery, type Ir } from '../../query/index.js';
import { connectorWith, record } from '../contract/fixtures.js';
import { BoundedLists } from './bounded-lists.js';
import { type Db, openDatabase } from './database.js';
import { SqliteStore } from './sqlite-store.js';

describe('BoundedLists', () => {
  let db: Db;
  beforeAll(() => {
    db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY, even INTEGER)');
    db.prepare(
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) INSERT INTO t SELECT x, x % 2 = 0 FROM c',
    ).run();
  });
  afterAll(() => db.close());

  // the rows looked at are those of the key range: n <= ? looks at ? rows, whatever else filters them
  const RANGE = 'SELECT n FROM t WHERE bbk_budget() AND n <= ? AND even = ? ORDER BY n';

  it('gives the rows of a list that looks at no more rows than its budget, every run counted afresh', () => {
    const lists = new BoundedLists(db, 100);
    expect(lists.all<{ n: number }>(RANGE, [100, 1])?.map((r) => r.n)).toEqual(
      Array.from({ length: 50 }, (_, i) => 2 * (i + 1)),
    );
    // 80 rows twice in a row: each run has the whole budget
    expect(lists.all(RANGE, [80, 0])).toHaveLength(40);
    expect(lists.all(RANGE, [80, 0])).toHaveLength(40);
  });

  it('stops a list that looks at more, and sends the same SQL to the readers for its next 32 runs', () => {
    const lists = new BoundedLists(db, 100);
    // 101 rows looked at, though only 50 would be returned
    expect(lists.all(RANGE, [101, 1])).toBeUndefined();
    for (let i = 0; i < 32; i++) expect(lists.all(RANGE, [2, 1])).toBeUndefined();
    // tried again: cheap now, and remembered as such
    expect(lists.all(RANGE, [2, 1])).toEqual([{ n: 2 }]);
    expect(lists.all(RANGE, [4, 1])).toEqual([{ n: 2 }, { n: 4 }]);
    // other SQL is not affected by that list's record
    expect(lists.all(`${RANGE} LIMIT 1`, [2, 1])).toEqual([{ n: 2 }]);
  });

  it('stops a list whose rows are few but slow, past its time budget', () => {
    // a filter that costs 1 ms a row, as an exact geo test against a large polygon might
    db.function('slow_row', { deterministic: false }, () => {
      const until = performance.now() + 1;
      while (performance.now() < until);
      return 1;
    });
    const lists = new BoundedLists(db, 100, 2);
    const slow = 'SELECT n FROM t WHERE bbk_budget() AND n <= ? AND slow_row() ORDER BY n';
    // 10 rows: within the row budget, over the 2 ms one
    expect(lists.all(slow, [10])).toBeUndefined();
    // one row after the 32 runs that go to the readers directly: 1 ms, within it
    for (let i = 0; i < 32; i++) expect(lists.all(slow, [1])).toBeUndefined();
    expect(lists.all(slow, [1])).toEqual([{ n: 1 }]);
  });

  it('throws SQLite’s own errors as they are', () => {
    const lists = new BoundedLists(db, 100);
    expect(() => lists.all('SELECT n FROM t WHERE bbk_budget() AND nope = 1', [])).toThrow(/no such column/);
    expect(() => lists.all('SELECT n FROM t WHERE bbk_budget() AND json(?) IS NOT NULL', ['{'])).toThrow(
      /malformed JSON/,
    );
  });
});

describe('lists on the main connection and on the reader threads', () => {
  let dir: string;
  const stores: SqliteStore[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bbk-bounded-'));
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('give the same pages whichever runs them, and a list over the budget still answers', async () => {
    const writer = SqliteStore.open(dir);
    stores.push(writer);
    const live = await connectorWith(writer, { indexes: ['entity.group'] });
    await writer.records.openSession(live.id, 's', 'stream');
    await writer.records.upsert(
      live.id,
      's',
      'country',
      Array.from({ length: 300 }, (_, i) =>
        record(live.cid, `r${String(i).padStart(3, '0')}`, { group: i % 3, n: i, label: `label ${i}` }),
      ),
    );
    await writer.close();
    stores.length = 0;
    // 0: every list on the readers; 40: some on each; the default: all of these on the main connection
    const budgets = [0, 40, undefined];
    const opened = budgets.map((mainThreadRows) => SqliteStore.open(dir, { mainThreadRows }));
    stores.push(...opened);
    const everything: Ir = { kind: 'const', value: true };
    // [query, limit, offset, records in the page]
    const queries: Array<[Record<string, unknown> | undefined, number, number, number]> = [
      [undefined, 25, 0, 25],
      [undefined, 250, 20, 250],
      [{ 'entity.group': 1 }, 10, 5, 10],
      [{ 'entity.group': 2 }, 250, 0, 100],
      [{ 'entity.label': { $regex: '7$' } }, 250, 0, 30],
      [{ 'entity.n': { $gte: 100, $lt: 130 } }, 250, 3, 27],
      [{ 'entity.label': { $regex: 'nothing' } }, 10, 0, 0],
    ];
    for (const [q, limit, offset, expected] of queries) {
      const answers = [];
      // each list twice: the second run of a list that went over the budget goes to the readers directly
      for (let round = 0; round < 2; round++) {
        for (const s of opened) {
          answers.push(
            await s.catalog.list({ segment: everything, staged: [] }, { filter: q && compileQuery(q), limit, offset }),
          );
        }
      }
      for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
      expect(answers[0]).toHaveLength(expected);
    }
  });
});
