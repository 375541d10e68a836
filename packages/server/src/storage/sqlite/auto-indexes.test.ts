import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { compileQuery, validateQuery } from '../../query/index.js';
import { POSTGRES_LEAVES } from '../auto-indexes.js';
import { MIGRATIONS } from '../migrations/index.js';
import { compoundIndexFor } from './auto-index-ddl.js';
import {
  type AutoIndexes,
  type AutoIndexJobs,
  autoIndexFor,
  indexablePaths,
  sqliteAutoIndexes,
} from './auto-indexes.js';
import { listQuery } from './catalog.js';
import { DB_FILE, type Db, openDatabase } from './database.js';
import { catalogWrites, localWrites } from './records/index.js';
import { typeAndConnector } from './testing/catalog-rows.js';

const ir = (q: unknown, masks: Parameters<typeof compileQuery>[1] = {}) => {
  const v = validateQuery(q);
  if (!v.ok) throw new Error(v.reason);
  return compileQuery(v.query, masks);
};

let db: Db;
afterEach(() => db?.close());

/** An in-memory catalog, automatic indexes over its writes, and a clock the test moves. */
function setup(options: Parameters<typeof sqliteAutoIndexes>[2] = {}) {
  db = openDatabase(':memory:');
  const writes = localWrites(catalogWrites(db));
  const clock = { now: 1_000_000 };
  const jobs: AutoIndexJobs = {
    build: (kind, path) => writes.buildIndex(kind, path),
    drop: (kind, path) => writes.dropIndex(kind, path),
  };
  const make = (o = options) => sqliteAutoIndexes(db, jobs, { now: () => clock.now, ...o });
  return { auto: make(), make, clock };
}

const onRecords = () =>
  db
    .prepare<[], string>(
      "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'records_a_%' ORDER BY name",
    )
    .pluck()
    .all();

async function ask(auto: AutoIndexes, q: unknown, times = 1) {
  for (let i = 0; i < times; i++) auto.observe(ir(q));
  await auto.settled();
}

describe('indexablePaths', () => {
  it('collects the paths of equality, $in, ranges and null/boolean tests, not of negations, regexes, masked reads or ORs that need a scan', () => {
    const paths = indexablePaths(
      ir({
        'entity.a': 1,
        'entity.b': { $in: ['x', 'y'] },
        'entity.c': { $gt: 5 },
        'entity.d': null,
        'entity.e': true,
        'entity.f': { $ne: 1 },
        'entity.g': { $regex: 'x' },
        $or: [{ 'entity.h': 'x' }, { 'entity.i': { $nin: [1] } }],
      }),
    );
    expect([...paths].sort()).toEqual([
      'compound:["entity.a","entity.c"]', // the first equality and the first range
      ...['entity.a', 'entity.b', 'entity.c', 'entity.d', 'entity.e'].map((p) => `expression:${p}`),
    ]);
    // an OR is served only when every arm is
    expect([...indexablePaths(ir({ $or: [{ 'entity.h': 'x' }, { 'entity.j': { $gte: 2 } }] }))].sort()).toEqual([
      'expression:entity.h',
      'expression:entity.j',
    ]);
    expect([...indexablePaths(ir({ name: { $regex: '^abc' } }))]).toEqual(['trigram:name']);
    expect([...indexablePaths(ir({ name: { $regex: '^a.c' } }))]).toEqual([]); // no fragment to look up
    expect([...indexablePaths(ir({ 'entity.name': { $regex: 'abc' } }))]).toEqual([]);
    expect([...indexablePaths(ir({ type: 'country' }))]).toEqual([]); // its own column, records_type
    const masked = ir({ entity: { x: 1 } }, { masks: [{ type: 't', path: ['entity', 'x'] }] });
    expect([...indexablePaths(masked)]).toEqual([]);
  });

  it('asks for a compound index when an equality or $in is ANDed with a range on another path (SQLite; PostgreSQL for a string and a number)', () => {
    const compound = (q: unknown, leaves = indexablePaths(ir(q))) =>
      [...leaves].filter((k) => k.startsWith('compound'));
    const both = 'compound:["entity.continent","entity.population"]';
    expect(compound({ 'entity.continent': 'Europe', 'entity.population': { $gte: 1, $lt: 9 } })).toEqual([both]);
    // the equality's path first, whatever the order of the query's keys; $in counts as an equality
    expect(
      compound({ 'entity.population': { $gt: 1, $lte: 9 }, 'entity.continent': { $in: ['Asia', 'Europe'] } }),
    ).toEqual([both]);
    // a one-sided number range also matches the types ordered above or below numbers: an OR of index ranges on its path
    expect(compound({ 'entity.continent': 'Europe', 'entity.population': { $gt: 1 } })).toEqual([both]);
    expect(compound({ 'entity.continent': 'Europe', 'entity.population': { $lte: 1 } })).toEqual([both]);
    // an OR over two paths is no range
    expect(
      compound({
        'entity.continent': 'Europe',
        $or: [{ 'entity.population': { $gt: 1 } }, { 'entity.area': { $gt: 1 } }],
      }),
    ).toEqual([]);
    expect(compound({ 'entity.continent': 'Europe', 'entity.code': 'x' })).toEqual([]); // no range
    expect(compound({ 'entity.population': { $gt: 1 }, 'entity.area': { $lt: 9 } })).toEqual([]); // no equality
    expect(compound({ $and: [{ 'entity.p': 3 }, { 'entity.p': { $gt: 1 } }] })).toEqual([]); // one path
    expect(compound({ $or: [{ 'entity.continent': 'Europe' }, { 'entity.population': { $gt: 1 } }] })).toEqual([]);
    // PostgreSQL: a string equality (its compound index hashes the text) and a two-sided number range
    const pg = (q: unknown) => compound(null, indexablePaths(ir(q), POSTGRES_LEAVES));
    expect(pg({ 'entity.continent': 'Europe', 'entity.population': { $gte: 1, $lt: 9 } })).toEqual([both]);
    expect(pg({ 'entity.continent': 'Europe', 'entity.population': { $gte: 1 } })).toEqual([]); // the OR's type test
    expect(pg({ 'entity.continent': { $in: ['Asia', 'Africa'] }, 'entity.population': { $gte: 1, $lt: 9 } })).toEqual(
      [],
    );
    expect(pg({ 'entity.code': 7, 'entity.population': { $gte: 1, $lt: 9 } })).toEqual([]); // a number equality
    expect(pg({ 'entity.continent': 'Europe', 'entity.name': { $gte: 'a', $lt: 'b' } })).toEqual([]); // text range
  });
});

describe('AutoIndexes', () => {
  it('builds an index once a path was asked `threshold` times, on the expression the renderer emits', async () => {
    const { auto } = setup({ threshold: 3 });
    await ask(auto, { 'entity.code': 'x' }, 2);
    expect(onRecords()).toEqual([]);
    await ask(auto, { 'entity.code': 'y' });
    expect(onRecords()).toEqual([autoIndexFor('entity.code').name]);
    const sql = db
      .prepare<[string], string>('SELECT sql FROM sqlite_schema WHERE name = ?')
      .pluck()
      .get(autoIndexFor('entity.code').name);
    expect(sql).toContain(`json_extract(doc, '$.entity.code')`);
    expect(auto.list().map((i) => i.path)).toEqual(['entity.code']);
    // remembered across restarts
    expect(
      sqliteAutoIndexes(db, { build: async () => true, drop: async () => true })
        .list()
        .map((i) => i.path),
    ).toEqual(['entity.code']);
  });

  it('keeps at most `max`, replacing only one unused for `retireAfterMs`', async () => {
    const { auto, clock } = setup({ threshold: 1, max: 2, retireAfterMs: 1000 });
    await ask(auto, { 'entity.a': 1 });
    await ask(auto, { 'entity.b': 1 });
    await ask(auto, { 'entity.c': 1 });
    expect(
      auto
        .list()
        .map((i) => i.path)
        .sort(),
    ).toEqual(['entity.a', 'entity.b']);
    clock.now += 500;
    await ask(auto, { 'entity.a': 2 }); // a is in use, b is not
    clock.now += 600;
    await ask(auto, { 'entity.c': 1 }); // the sweep retires b
    await ask(auto, { 'entity.c': 1 });
    expect(
      auto
        .list()
        .map((i) => i.path)
        .sort(),
    ).toEqual(['entity.a', 'entity.c']);
    expect(onRecords()).toEqual([autoIndexFor('entity.a').name, autoIndexFor('entity.c').name].sort());
  });

  it('never indexes a forbidden or declared path, and drops those once forbidden, declared or over the bound', async () => {
    const { auto, make } = setup({ threshold: 1, forbid: ['entity.secret'] });
    db.prepare(
      "INSERT INTO entity_types (slug, name, description, indexes, created) VALUES ('t', 'T', 'T', '[\"entity.pinned\"]', 'now')",
    ).run();
    // one build at a time: each query starts at most one
    for (let i = 0; i < 3; i++)
      await ask(auto, { 'entity.secret': 1, 'entity.pinned': 2, 'entity.free': 3, 'entity.other': 4 });
    expect(
      auto
        .list()
        .map((i) => i.path)
        .sort(),
    ).toEqual(['entity.free', 'entity.other']);
    // a new setting: 'entity.free' forbidden now, at most one
    const next = make({ threshold: 1, max: 1, forbid: ['entity.free'] });
    next.observe(undefined);
    await next.settled();
    expect(next.list().map((i) => i.path)).toEqual(['entity.other']);
    // max 0: off, and every automatic index goes
    const off = make({ max: 0 });
    await ask(off, { 'entity.x': 1 }, 5);
    expect(onRecords()).toEqual([]);
  });

  it('builds a compound index for an equality ANDed with a range, which the planner uses for that query', async () => {
    const { auto } = setup({ threshold: 2, forbid: ['entity.secret'] });
    typeAndConnector(db);
    const insert = db.prepare(
      "INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc) VALUES (?, 1, 't', ?, ?, jsonb(?))",
    );
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        const doc = { entity: { continent: `c${i % 6}`, population: i, secret: i % 2 } };
        insert.run(`p${i}`, `v${i}`, `n${i}`, JSON.stringify(doc));
      }
    })();
    const q = { 'entity.continent': 'c1', 'entity.population': { $gte: 1000, $lt: 1200 } };
    // one build at a time: the single indexes first, then the compound one
    await ask(auto, q, 4);
    const path = '["entity.continent","entity.population"]';
    expect(auto.list().map((i) => `${i.kind}:${i.path}`)).toContain(`compound:${path}`);
    const { name } = compoundIndexFor(path);
    expect(db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').pluck().get(name)).toContain(
      `(json_extract(doc, '$.entity.continent'), json_extract(doc, '$.entity.population'))`,
    );
    expect(db.prepare('SELECT kind FROM auto_indexes WHERE name = ?').pluck().get(name)).toBe('compound');
    const list = listQuery(
      { segment: { kind: 'const', value: true }, staged: [] },
      { filter: ir(q), limit: 250, offset: 0 },
    )!;
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${list.sql}`)
      .all(...list.params)
      .map((r) => (r as { detail: string }).detail)
      .join('\n');
    expect(plan).toContain(`USING INDEX ${name}`);
    const ids = db
      .prepare(list.sql)
      .raw(true)
      .all(...list.params)
      .map((r) => (r as unknown[])[0]);
    expect(ids).toEqual(
      Array.from({ length: 200 }, (_, i) => 1000 + i)
        .filter((i) => i % 6 === 1)
        .map((i) => `p${i}`),
    );
    // a row no build writes (edited by hand) is not taken for an index
    db.prepare(
      "INSERT INTO auto_indexes (name, path, kind, created) VALUES ('records_a_x', '[\"a\"', 'compound', 'now')",
    ).run();
    const again = sqliteAutoIndexes(db, { build: async () => true, drop: async () => true });
    expect(again.list().map((i) => i.path)).not.toContain('["a"');
    expect(again.list().map((i) => i.path)).toContain(path);
    // a forbidden path is in no compound index
    await ask(auto, { 'entity.secret': 1, 'entity.population': { $gt: 5, $lt: 900 } }, 4);
    expect(
      auto
        .list()
        .filter((i) => i.kind === 'compound')
        .map((i) => i.path),
    ).toEqual([path]);
  });

  it('builds the trigram index of names after regexes on name, keeps it with the records, and retires it', async () => {
    const { auto, clock } = setup({ threshold: 2, retireAfterMs: 1000, graceMs: 0 });
    typeAndConnector(db, { live: false });
    const insert = db.prepare(
      "INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc) VALUES (?, 1, 't', ?, ?, '{}')",
    );
    insert.run('p1', 'v1', 'Norway 1');
    const generation = auto.generation;
    await ask(auto, { name: { $regex: '^norway' } }, 2);
    expect(auto.textIndexes()).toEqual({ name: 'record_names' });
    expect(auto.generation).toBeGreaterThan(generation);
    insert.run('p2', 'v2', 'Norway 2');
    db.prepare("UPDATE records SET name = 'Sweden 1' WHERE public_id = 'p1'").run();
    const lookup = (m: string) =>
      db.prepare('SELECT rowid FROM record_names WHERE record_names MATCH ? ORDER BY rowid').pluck().all(m);
    expect(lookup('"nor" AND "way"')).toEqual([2]);
    expect(lookup('"swe"')).toEqual([1]);
    clock.now += 2000;
    await ask(auto, { 'entity.x': 1 }); // the sweep
    expect(auto.textIndexes()).toEqual({});
    const left = db.prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'record%names%'").pluck().all();
    expect(left).toEqual([]);
  });
});

describe('migration 10', () => {
  it('keeps the automatic indexes of a catalog of schema version 9 and lets them be compound', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bbk-v9-'));
    try {
      const old = new Database(join(dir, DB_FILE));
      for (const m of MIGRATIONS.filter((x) => x.version <= 9)) old.exec(m.sql);
      old.pragma('user_version = 9');
      const row = ['records_a_0123456789abcdef', 'entity.code', 'expression', '2026-01-01T00:00:00.000Z'];
      old.prepare('INSERT INTO auto_indexes (name, path, kind, created) VALUES (?, ?, ?, ?)').run(...row);
      expect(() =>
        old.prepare("INSERT INTO auto_indexes (name, path, kind, created) VALUES ('x', '[]', 'compound', 'now')").run(),
      ).toThrow(/CHECK/);
      old.close();
      db = openDatabase(dir);
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
      expect(db.prepare('SELECT name, path, kind, created FROM auto_indexes').raw(true).all()).toEqual([row]);
      db.prepare("INSERT INTO auto_indexes (name, path, kind, created) VALUES ('x', '[]', 'compound', 'now')").run();
      expect(() =>
        db.prepare("INSERT INTO auto_indexes (name, path, kind, created) VALUES ('y', 'p', 'other', 'now')").run(),
      ).toThrow(/CHECK/);
    } finally {
      db?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
