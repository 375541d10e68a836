// Commits write only what changed: unchanged records are left alone, spatial index rows move
// only with their geometries, and new records keep posted order. These tests drive random
// session sequences through the real server and check the catalog and its spatial index
// against a model after every session, and start a server on a catalog written by the
// previous schema version.
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContributorClient, type RecordInput } from '@bbk/sdk';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractGeometries, isPoint } from '../src/geo/extract.js';
import { compileQuery, registerSqliteFunctions, renderSqlite } from '../src/query/index.js';
import { MIGRATIONS } from '../src/storage/migrations/index.js';
import { DB_FILE, openDatabase } from '../src/storage/sqlite/database.js';
import { inMainFile } from '../src/storage/sqlite/testing/main-file.js';
import { type ContributorEnv, contributorEnv, ids, makeConnector, type TestConnector } from './contributor-setup.js';
import { startTestServer, TEST_ENGINE } from './harness.js';

type Db = Database.Database;

const point = (x: number, y: number) => ({ type: 'Point', coordinates: [x, y] });
const square = (x: number, y: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + 1, y],
      [x + 1, y + 1],
      [x, y + 1],
      [x, y],
    ],
  ],
});

/**
 * Record versions: the same key posted with another version changes the document, and
 * sometimes (not always) its geometries.
 */
const VERSIONS: Array<{ entity: Record<string, unknown>; instance?: Record<string, unknown> }> = [
  { entity: { code: 'AA' } },
  { entity: { code: 'AA', location: point(1, 2) } },
  { entity: { code: 'AA', location: point(1, 2), area: 5 } }, // document changes, geometry does not
  { entity: { code: 'AA', location: point(3, 4) } }, // geometry moves
  { entity: { code: 'AA', location: point(1, 2) }, instance: { stops: [point(5, 6), { not: 'geo' }, point(7, 8)] } },
  { entity: { code: 'AA' }, instance: { at: square(-10, -20) } },
];

const record = (key: string, version: number): RecordInput => {
  const v = VERSIONS[version]!;
  return { id: key, name: `Name ${key}`, entity: v.entity, ...(v.instance ? { instance: v.instance } : {}) };
};

interface GeoRow {
  seq: number;
  path: string;
  min_x: number;
  max_x: number;
  min_y: number;
  max_y: number;
}

/**
 * The spatial index agrees with the catalog: every record's R-tree rows are exactly the
 * geometries of its document (bboxes as the R-tree's 32-bit floats hold them, which round
 * outwards), `records.geo` says the same, and the map has no row without its pair.
 */
function checkSpatialIndex(db: Db | undefined, { legacy = false } = {}): void {
  // SQLite's R-tree and its map table; PostgreSQL's record_geo rows go with their record by foreign key
  if (db === undefined) return;
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  expect(one('SELECT count(*) AS n FROM record_geo_map')).toBe(one('SELECT count(*) AS n FROM record_geo'));
  expect(
    one(`SELECT count(*) AS n FROM record_geo_map m
         LEFT JOIN record_geo g ON g.id = m.geo_id LEFT JOIN records r ON r.seq = m.record_seq
         WHERE g.id IS NULL OR r.seq IS NULL OR g.record_seq IS NOT m.record_seq`),
  ).toBe(0);
  // points are in record_points (exact coordinates), the other geometries in the R-tree (migration 9)
  const rows = db
    .prepare(
      `SELECT seq, path, min_x, max_x, min_y, max_y, point FROM (
         SELECT m.record_seq AS seq, g.path, g.min_x, g.max_x, g.min_y, g.max_y, 0 AS point
         FROM record_geo_map m JOIN record_geo g ON g.id = m.geo_id
         UNION ALL SELECT record_seq, path, x, x, y, y, 1 FROM record_points)
       ORDER BY seq, path`,
    )
    .all() as Array<GeoRow & { point: number }>;
  const indexed = new Map<number, Array<GeoRow & { point: number }>>();
  for (const r of rows) indexed.set(r.seq, [...(indexed.get(r.seq) ?? []), r]);
  const records = db.prepare('SELECT seq, json(doc) AS doc, geo FROM records').all() as Array<{
    seq: number;
    doc: string;
    geo: string | null;
  }>;
  for (const r of records) {
    const expected = extractGeometries(JSON.parse(r.doc));
    // legacy: records stored before schema version 3 may still say '?' (not known)
    if (!(legacy && r.geo === '?')) expect(r.geo).toBe(expected.length > 0 ? JSON.stringify(expected) : null);
    const got = indexed.get(r.seq) ?? [];
    expect(got.map((g) => g.path)).toEqual(expected.map((g) => g.path).sort());
    for (const g of got) {
      const { bbox } = expected.find((e) => e.path === g.path)!;
      const [minX, minY, maxX, maxY] = bbox;
      if (g.point === 1) {
        expect([g.min_x, g.min_y, g.max_x, g.max_y]).toEqual([...bbox]);
        continue;
      }
      // a point of a record stored before schema 3 keeps its R-tree row until the record is written again
      if (!(legacy && r.geo === '?')) expect(isPoint(g.path, bbox)).toBe(false);
      // 32-bit R-tree coordinates round outwards: within float precision of the exact bbox
      for (const [stored, exact] of [
        [g.min_x, minX],
        [g.min_y, minY],
        [g.max_x, maxX],
        [g.max_y, maxY],
      ] as const) {
        expect(Math.abs(stored - exact)).toBeLessThanOrEqual(Math.abs(exact) * 1e-6 + 1e-6);
      }
    }
  }
}

/** A tiny deterministic PRNG (mulberry32), so a failing sequence can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Op = { kind: 'upsert'; key: string; version: number } | { kind: 'delete'; key: string };

/** The model: an insertion-ordered map, as the catalog order (seq) behaves. */
function replay(state: Map<string, number>, ops: readonly Op[]): void {
  for (const op of ops) {
    if (op.kind === 'delete') state.delete(op.key);
    else state.set(op.key, op.version);
  }
}

let env: ContributorEnv;
beforeAll(async () => {
  env = await contributorEnv();
});
afterAll(() => env.close());

/** Posts `ops` as upsert and delete calls (consecutive operations of one kind share a call). */
async function post(c: TestConnector, sid: string, ops: readonly Op[]): Promise<void> {
  let i = 0;
  while (i < ops.length) {
    const kind = ops[i]!.kind;
    const run: Op[] = [];
    while (i < ops.length && ops[i]!.kind === kind && run.length < 5) run.push(ops[i++]!);
    if (kind === 'upsert') {
      await env.contrib.upsert(
        c.cid,
        sid,
        run.map((o) => record(o.key, (o as { version: number }).version)),
      );
    } else {
      await env.contrib.delete(
        c.cid,
        sid,
        run.map((o) => o.key),
      );
    }
  }
}

async function checkCatalog(c: TestConnector, model: Map<string, number>): Promise<void> {
  expect(await ids(env, c)).toEqual([...model.keys()]);
  for (const r of await env.reader.records.list(c.id)) {
    const want = record(r.vendorId, model.get(r.vendorId)!);
    expect(r.doc.entity).toEqual(want.entity);
    expect(r.doc.instance).toEqual(want.instance);
  }
  checkSpatialIndex(env.sqlite);
  expect(await env.reader.records.pendingCount(c.id)).toBe(0);
}

/**
 * SQLite keeps each pending upsert's geometries as rows too (session_geo, written when posted):
 * exactly those of the pending operations, none left behind by a commit, rollback or cascade.
 */
function checkPendingGeo(db: Db | undefined): void {
  if (db === undefined) return;
  const rows = (sql: string) => db.prepare(sql).all();
  expect(rows('SELECT op_seq, n, path, min_x, max_x, min_y, max_y FROM session_geo ORDER BY op_seq, n')).toEqual(
    rows(
      `SELECT o.seq AS op_seq, g.key AS n, g.value ->> '$.path' AS path,
              CAST(g.value ->> '$.bbox[0]' AS REAL) AS min_x, CAST(g.value ->> '$.bbox[2]' AS REAL) AS max_x,
              CAST(g.value ->> '$.bbox[1]' AS REAL) AS min_y, CAST(g.value ->> '$.bbox[3]' AS REAL) AS max_y
       FROM session_ops o, json_each(o.geo) g WHERE o.op = 'upsert' ORDER BY o.seq, g.key`,
    ),
  );
}

describe('commits write only what changed, and get the same catalog as a replay', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random sessions over a small key space (seed ${seed})`, async () => {
      const random = prng(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
      const c = await makeConnector(env, 'country', `writes-${seed}`);
      const other = await makeConnector(env, 'country', `writes-${seed}-other`);
      const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
      const model = new Map<string, number>();
      // another connector's records and open session must never be touched
      const stable = await env.contrib.contribute(other.cid, 'stream', [record('a', 4)]);
      expect(stable.sent).toBe(1);
      const otherSid = await env.contrib.openSession(other.cid, 'accrue');
      await env.contrib.upsert(other.cid, otherSid, [record('a', 1), record('z', 3)]);

      for (let round = 0; round < 40; round++) {
        const mode = pick(['stream', 'accrue', 'replace'] as const);
        // half the sessions are upserts of distinct keys only (the set-based commit), the
        // rest mix deletes and repeated keys (the replayed commit)
        const simple = random() < 0.5;
        const ops: Op[] = [];
        const n = Math.floor(random() * 9);
        const used = new Set<string>();
        for (let i = 0; i < n; i++) {
          const key = pick(keys);
          if (simple && used.has(key)) continue;
          used.add(key);
          // versions of a key already stored are often the same (an unchanged refresh)
          const version = model.has(key) && random() < 0.4 ? model.get(key)! : Math.floor(random() * VERSIONS.length);
          ops.push(!simple && random() < 0.3 ? { kind: 'delete', key } : { kind: 'upsert', key, version });
        }
        const commit = random() < 0.85;
        const sid = await env.contrib.openSession(c.cid, mode);
        await post(c, sid, ops);
        if (mode === 'stream') replay(model, ops);
        await env.contrib.closeSession(c.cid, sid, commit);
        if (commit && mode === 'accrue') replay(model, ops);
        if (commit && mode === 'replace') {
          replay(model, ops);
          const upserted = new Set(ops.filter((o) => o.kind === 'upsert').map((o) => o.key));
          for (const key of model.keys()) if (!upserted.has(key)) model.delete(key);
        }
        await checkCatalog(c, model);
        checkPendingGeo(env.sqlite);
      }
      expect(await ids(env, other)).toEqual(['a']);
      expect(await env.reader.records.pendingCount(other.id)).toBe(2);
      await env.contrib.closeSession(other.cid, otherSid, true);
      expect(await ids(env, other)).toEqual(['a', 'z']);
      checkSpatialIndex(env.sqlite);
    });
  }

  it('a replace keeps the place of records it carries again and appends new ones in posted order', async () => {
    const c = await makeConnector(env, 'country', 'writes-order');
    await env.contrib.contribute(
      c.cid,
      'stream',
      ['a', 'b', 'c', 'd'].map((k) => record(k, 1)),
    );
    const before = new Map((await env.reader.records.list(c.id)).map((r) => [r.vendorId, r.seq]));
    // c unchanged, a changed (same geometry), b's geometry moved; d goes; y and x are new
    await env.contrib.contribute(c.cid, 'replace', [
      record('y', 1),
      record('c', 1),
      record('a', 2),
      record('x', 0),
      record('b', 3),
    ]);
    const after = await env.reader.records.list(c.id);
    expect(after.map((r) => r.vendorId)).toEqual(['a', 'b', 'c', 'y', 'x']);
    for (const k of ['a', 'b', 'c']) expect(after.find((r) => r.vendorId === k)!.seq).toBe(before.get(k));
    expect(after.find((r) => r.vendorId === 'b')!.doc.entity).toEqual(VERSIONS[3]!.entity);
    checkSpatialIndex(env.sqlite);
  });

  it('deleting a connector with a session open removes its pending operations with it', async () => {
    const c = await makeConnector(env, 'country', 'writes-cascade');
    const sid = await env.contrib.openSession(c.cid, 'replace');
    await env.contrib.upsert(c.cid, sid, [record('a', 1), record('b', 4)]);
    expect(await env.reader.records.pendingCount(c.id)).toBe(2);
    checkPendingGeo(env.sqlite);
    await env.coord.connectors.delete(c.eid, c.slug);
    expect(await env.reader.records.pendingCount(c.id)).toBe(0);
    checkPendingGeo(env.sqlite);
  });
});

// SQLite's WAL checkpoints: no PostgreSQL counterpart
describe.skipIf(TEST_ENGINE === 'postgres')('checkpoints', () => {
  it('a write burst reaches the database file itself within moments, checkpointed by the checkpointer thread', async () => {
    const c = await makeConnector(env, 'country', 'writes-checkpoint');
    const keys = Array.from({ length: 1500 }, (_, i) => `k${i}`);
    await env.contrib.contribute(
      c.cid,
      'stream',
      keys.map((k) => record(k, 4)),
    );
    // the database file alone, as if the WAL were lost: the records are there once checkpointed
    const inFile = () =>
      inMainFile(
        join(env.server.dataDir, DB_FILE),
        (db) => (db.prepare('SELECT count(*) AS n FROM records WHERE connector_id = ?').get(c.id) as { n: number }).n,
      );
    let n = inFile();
    for (let waited = 0; n < keys.length && waited < 10_000; waited += 250) {
      await new Promise((r) => setTimeout(r, 250));
      n = inFile();
    }
    expect(n).toBe(keys.length);
  });
});

// migration 9 on a catalog of schema 8: points leave the R-tree for record_points
describe.skipIf(TEST_ENGINE === 'postgres')('a catalog written by schema version 8', () => {
  it('moves every point out of the R-tree, and the geo prefilter still finds each record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bbk-v8-'));
    try {
      const file = join(dir, DB_FILE);
      const old = new Database(file);
      for (const m of MIGRATIONS.filter((x) => x.version <= 8)) old.exec(m.sql);
      old.pragma('user_version = 8');
      const now = new Date().toISOString();
      old
        .prepare(`INSERT INTO entity_types (id, slug, name, description, created) VALUES (1, 'country', 'C', 'C', ?)`)
        .run(now);
      old
        .prepare(
          `INSERT INTO connectors (id, slug, entity_type_id, contribution_id, name, description, webhook_secret, created)
         VALUES (1, 'old', 1, 'cid', 'Old', 'Old', 's', ?)`,
        )
        .run(now);
      const insert = old.prepare(
        `INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc, geo) VALUES (?, 1, 'country', ?, ?, jsonb(?), ?)
         RETURNING seq`,
      );
      const geo = old.prepare(
        'INSERT INTO record_geo (min_x, max_x, min_y, max_y, record_seq, path) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const map = old.prepare('INSERT INTO record_geo_map (record_seq, geo_id) VALUES (?, ?)');
      // every version: points, two points and a polygon, a polygon, none; 'legacy' says its geometries are not known
      const keys = VERSIONS.map((_, i) => [`k${i}`, i] as const);
      for (const [key, version] of [...keys, ['legacy', 4] as const]) {
        const doc = JSON.stringify({ ...record(key, version), type: 'country', timeseries: {} });
        const found = extractGeometries(JSON.parse(doc));
        const known = key === 'legacy' ? '?' : found.length > 0 ? JSON.stringify(found) : null;
        const { seq } = insert.get(`pid-${key}`, key, `Name ${key}`, doc, known) as { seq: number };
        for (const g of found) {
          const [minX, minY, maxX, maxY] = g.bbox;
          map.run(seq, geo.run(minX, maxX, minY, maxY, seq, g.path).lastInsertRowid);
        }
      }
      const rtreeBefore = (old.prepare('SELECT count(*) AS n FROM record_geo').get() as { n: number }).n;
      old.close();

      const db = openDatabase(dir);
      try {
        expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
        checkSpatialIndex(db, { legacy: true });
        const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
        // the known records' points moved (versions 1–4: 1 + 1 + 1 + 3), the legacy record's 3 stayed
        expect(count('SELECT count(*) AS n FROM record_points')).toBe(6);
        expect(count('SELECT count(*) AS n FROM record_geo')).toBe(rtreeBefore - 6);
        expect(
          count(
            "SELECT count(*) AS n FROM record_geo WHERE record_seq = (SELECT seq FROM records WHERE vendor_id = 'legacy')",
          ),
        ).toBe(3);
        // a window around (1, 2) finds the records with a point there, whichever table holds it
        registerSqliteFunctions(db);
        const { sql, params } = renderSqlite(
          compileQuery({
            'entity.location': { $near: { $geometry: { type: 'Point', coordinates: [1, 2] }, $max: 1000 } },
          }),
        );
        const near = db
          .prepare(`SELECT vendor_id FROM records r WHERE ${sql} ORDER BY seq`)
          .pluck()
          .all(...params);
        expect(near).toEqual(['k1', 'k2', 'k4', 'legacy']);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// a SQLite file of an older schema; the PostgreSQL migrations start at their own version 1
describe.skipIf(TEST_ENGINE === 'postgres')('a catalog written by schema version 2', () => {
  const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
  const cid = 'c'.repeat(40);
  const legacySession = randomUUID();
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** The stored document, as the server writes it (spec §3.4: the type's timeseries, here none). */
  const stored = (r: RecordInput) =>
    JSON.stringify({ id: r.id, name: r.name, entity: r.entity, instance: r.instance, type: 'country', timeseries: {} });

  /** A data directory as the previous release left it: records, their R-tree rows, and an open accrue session. */
  function legacyCatalog(): string {
    const dir = mkdtempSync(join(tmpdir(), 'bbk-v2-'));
    dirs.push(dir);
    const db = new Database(join(dir, DB_FILE));
    for (const m of MIGRATIONS.filter((x) => x.version <= 2)) db.exec(m.sql);
    db.pragma('user_version = 2');
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO entity_types (id, slug, name, description, created) VALUES (1, 'country', 'C', 'C', ?)`,
    ).run(now);
    db.prepare(
      `INSERT INTO connectors (id, slug, entity_type_id, contribution_id, name, description, webhook_secret, created)
       VALUES (1, 'legacy', 1, ?, 'Legacy', 'Legacy', 's', ?)`,
    ).run(cid, now);
    const insert = db.prepare(
      `INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc) VALUES (?, 1, 'country', ?, ?, jsonb(?))
       RETURNING seq`,
    );
    const geo = db.prepare(
      'INSERT INTO record_geo (min_x, max_x, min_y, max_y, record_seq, path) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const map = db.prepare('INSERT INTO record_geo_map (record_seq, geo_id) VALUES (?, ?)');
    for (const [key, version] of [
      ['a', 1],
      ['b', 4],
      ['c', 0],
    ] as const) {
      const r = record(key, version);
      const doc = stored(r);
      const { seq } = insert.get(sha1(`${cid}:${key}`), key, r.name, doc) as { seq: number };
      for (const g of extractGeometries(JSON.parse(doc))) {
        const [minX, minY, maxX, maxY] = g.bbox;
        map.run(seq, geo.run(minX, maxX, minY, maxY, seq, g.path).lastInsertRowid);
      }
    }
    db.prepare(`INSERT INTO sessions (connector_id, session_id, mode, created) VALUES (1, ?, 'accrue', ?)`).run(
      legacySession,
      now,
    );
    // pending: 'a' again exactly as stored, and a new 'd'
    const pend = db.prepare(
      `INSERT INTO session_ops (connector_id, op, vendor_id, public_id, doc, geo) VALUES (1, 'upsert', ?, ?, jsonb(?), ?)`,
    );
    for (const r of [record('a', 1), record('d', 3)]) {
      pend.run(r.id, sha1(`${cid}:${r.id}`), stored(r), JSON.stringify(extractGeometries(r)));
    }
    db.close();
    return dir;
  }

  it('migrates: pending operations survive, and the next writes re-index the old records once', async () => {
    const dir = legacyCatalog();
    const server = await startTestServer({}, dir);
    const contrib = new ContributorClient({ baseUrl: server.urls.contributor });
    const db = new Database(join(dir, DB_FILE), { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
      // the session opened before the upgrade commits its pending upsert
      await contrib.closeSession(cid, legacySession, true);
      const vendorIds = () =>
        (db.prepare('SELECT vendor_id FROM records ORDER BY seq').all() as { vendor_id: string }[]).map(
          (r) => r.vendor_id,
        );
      expect(vendorIds()).toEqual(['a', 'b', 'c', 'd']);
      // the old records' geometries are not known to the new column ('?') until rewritten
      const unknown = () => (db.prepare(`SELECT count(*) AS n FROM records WHERE geo = '?'`).get() as { n: number }).n;
      // ('a' was pending: the commit rewrote its index rows, though its document is the same)
      expect(unknown()).toBe(2);
      checkSpatialIndex(db, { legacy: true });
      // a stream write of an old record with an unchanged document re-indexes it once
      const docOf = (key: string) =>
        (db.prepare('SELECT json(doc) AS doc FROM records WHERE vendor_id = ?').get(key) as { doc: string }).doc;
      const before = docOf('b');
      await contrib.contribute(cid, 'stream', [record('b', 4)]);
      expect(docOf('b')).toBe(before); // the very document the server writes: only the geometries were unknown
      expect(unknown()).toBe(1);
      checkSpatialIndex(db, { legacy: true });
      // a replace with the same records: unchanged documents, index rows rebuilt once
      await contrib.contribute(cid, 'replace', [record('a', 1), record('b', 4), record('c', 0), record('d', 3)]);
      expect(vendorIds()).toEqual(['a', 'b', 'c', 'd']);
      expect(unknown()).toBe(0);
      checkSpatialIndex(db);
    } finally {
      db.close();
      await contrib.close();
      await server.close();
    }
  });
});
