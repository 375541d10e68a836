import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAutoIndex } from './auto-index-ddl.js';
import { connect, type Db, openDatabase } from './database.js';
import { SqliteStore } from './sqlite-store.js';
import { typeAndConnector } from './testing/catalog-rows.js';

let db: Db | undefined;
let dir: string | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A catalog of `n` records over six continents, for ANALYZE to sample. */
function seed(target: Db, n = 300): void {
  typeAndConnector(target, { live: false });
  const insert = target.prepare(
    "INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc) VALUES (?, 1, 't', ?, ?, ?)",
  );
  target.transaction(() => {
    for (let i = 0; i < n; i++) {
      insert.run(`p${i}`, `v${i}`, `n${i}`, JSON.stringify({ entity: { continent: `c${i % 6}` } }));
    }
  })();
}

/** The indexes that have STAT4 samples, and those with STAT1 figures. */
function statistics(target: Db) {
  const sampled = target.prepare<[], string>('SELECT DISTINCT idx FROM sqlite_stat4 ORDER BY idx').pluck().all();
  const figured = target
    .prepare<[], string>("SELECT idx FROM sqlite_stat1 WHERE tbl = 'records' ORDER BY idx")
    .pluck()
    .all();
  return { sampled, figured };
}

describe('planner statistics (pruneStatistics)', () => {
  it('an automatic index keeps its STAT4 samples; the built-in indexes keep their STAT1 figures only', () => {
    db = openDatabase(':memory:');
    seed(db);
    expect(createAutoIndex(db, 'expression', 'entity.continent', 'now')).toBe(true);
    const { sampled, figured } = statistics(db);
    expect(sampled).toHaveLength(1);
    expect(sampled[0]).toMatch(/^records_a_/);
    // the built-in indexes are still told apart by their averages
    expect(figured).toEqual(expect.arrayContaining(['records_type', 'records_connector', sampled[0]]));
    expect(figured.length).toBeGreaterThanOrEqual(4);
  });

  it('samples of other indexes (an ANALYZE by hand, PRAGMA optimize, an older bbk) go at the next open and close', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bbk-stat-'));
    db = openDatabase(dir);
    seed(db);
    db.exec('CREATE INDEX records_x_test ON records (vendor_id)');
    db.pragma('analysis_limit = 0');
    db.exec('ANALYZE');
    expect(statistics(db).sampled).toEqual(
      expect.arrayContaining(['records_type', 'sqlite_autoindex_records_1', 'records_x_test']),
    );
    db.close();
    db = openDatabase(dir);
    expect(statistics(db).sampled).toEqual(['records_x_test']);
    // and the connection plans a one-row read by public id without them
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT seq FROM records WHERE public_id = ? AND type = 't'")
      .all('p1') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/sqlite_autoindex_records_1 \(public_id=\?\)/);
    db.close();
    // a store's close runs PRAGMA optimize, which may ANALYZE again: the samples it takes go with it
    const store = SqliteStore.open(dir);
    store.db.exec('ANALYZE records');
    expect(statistics(store.db).sampled).toContain('records_type');
    await store.close();
    db = connect(join(dir, 'bbk.sqlite'));
    expect(statistics(db).sampled).toEqual(['records_x_test']);
  });
});
