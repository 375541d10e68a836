import { createHash, randomUUID } from 'node:crypto';
import { BbkApiError } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import {
  type ContributorEnv,
  contributorEnv,
  ids,
  makeConnector,
  rec,
  type TestConnector,
} from './contributor-setup.js';
import { call } from './harness.js';

let env: ContributorEnv;
let n = 0;
/** A fresh connector per test, so tests do not share catalog state. */
const fresh = () => makeConnector(env, 'country', `conn-${++n}`);
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const count = (c: TestConnector) => env.reader.records.count(c.id);
const inSession = async (c: TestConnector) => (await env.coord.connectors.get(c.eid, c.slug)).in_session;

beforeAll(async () => {
  env = await contributorEnv();
});
afterAll(() => env.close());

describe('open and close', () => {
  it('answers the session id as a JSON string (lower-case UUID v4) and flips in_session', async () => {
    const c = await fresh();
    expect(await inSession(c)).toBe(false);
    const res = await call(`${env.base}/connector/${c.cid}/session/open/STREAM`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const sid = res.json as string;
    expect(res.text).toBe(`"${sid}"`);
    expect(sid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await inSession(c)).toBe(true);
    const close = await call(`${env.base}/connector/${c.cid}/session/${sid}/close/TRUE`);
    expect(close.status).toBe(200);
    expect(close.text).toBe('');
    expect(await inSession(c)).toBe(false);
    // the id is dead after close
    expect((await call(`${env.base}/connector/${c.cid}/session/${sid}/close/true`)).status).toBe(401);
    expect(
      (await call(`${env.base}/connector/${c.cid}/session/${sid}/upsert`, { method: 'POST', body: [] })).status,
    ).toBe(401);
  });

  it('HEAD never opens or closes a session: 405, Allow GET, the session untouched', async () => {
    const c = await fresh();
    const sid = (await call(`${env.base}/connector/${c.cid}/session/open/accrue`)).json as string;
    await call(`${env.base}/connector/${c.cid}/session/${sid}/upsert`, { method: 'POST', body: [rec('kept')] });
    for (const path of [`/connector/${c.cid}/session/open/accrue`, `/connector/${c.cid}/session/${sid}/close/true`]) {
      const res = await call(`${env.base}${path}`, { method: 'HEAD' });
      expect(res.status, path).toBe(405);
      expect(res.headers.get('allow')).toBe('GET');
    }
    expect(await count(c)).toBe(0);
    expect(await inSession(c)).toBe(true);
    expect((await call(`${env.base}/connector/${c.cid}/session/${sid}/close/true`)).status).toBe(200);
    expect(await ids(env, c)).toEqual(['kept']);
  });

  it('reports each posted vendor id once with its public id, for upsert and delete', async () => {
    const c = await fresh();
    const sid = await env.contrib.openSession(c.cid, 'stream');
    const res = await call(`${env.base}/connector/${c.cid}/session/${sid}/upsert`, {
      method: 'POST',
      body: [rec('GB'), rec('IN'), rec('GB', { area: 2 })],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.json).toEqual({ GB: sha1(`${c.cid}:GB`), IN: sha1(`${c.cid}:IN`) });
    expect(Object.keys(res.json as object)).toEqual(['GB', 'IN']);
    const del = await env.contrib.delete(c.cid, sid, ['IN', 'nope', 'IN', '__proto__']);
    expect(del).toEqual({
      IN: sha1(`${c.cid}:IN`),
      nope: sha1(`${c.cid}:nope`),
      ['__proto__']: sha1(`${c.cid}:__proto__`),
    });
    expect(Object.keys(del)).toEqual(['IN', 'nope', '__proto__']);
    expect(await env.contrib.upsert(c.cid, sid, [])).toEqual({});
    // UTF-8 is hashed as UTF-8
    expect(await env.contrib.upsert(c.cid, sid, [rec('Ωmega ☃')])).toEqual({ 'Ωmega ☃': sha1(`${c.cid}:Ωmega ☃`) });
    await env.contrib.delete(c.cid, sid, ['Ωmega ☃']);
    expect(await ids(env, c)).toEqual(['GB']);
  });
});

describe('stream sessions (spec §3.5)', () => {
  it('open: each request is visible as soon as it is answered, in addition to previous data', async () => {
    const c = await fresh();
    const s1 = await env.contrib.openSession(c.cid, 'stream');
    await env.contrib.upsert(c.cid, s1, [rec('a'), rec('b')]);
    expect(await ids(env, c)).toEqual(['a', 'b']);
    await env.contrib.closeSession(c.cid, s1, true);
    const s2 = await env.contrib.openSession(c.cid, 'stream');
    await env.contrib.upsert(c.cid, s2, [rec('c')]);
    expect(await ids(env, c)).toEqual(['a', 'b', 'c']);
    await env.contrib.delete(c.cid, s2, ['a']);
    expect(await ids(env, c)).toEqual(['b', 'c']);
    expect(await env.reader.records.pendingCount(c.id)).toBe(0);
  });

  it('close true and close false are both no-ops: nothing is rolled back', async () => {
    const c = await fresh();
    const s1 = await env.contrib.openSession(c.cid, 'stream');
    await env.contrib.upsert(c.cid, s1, [rec('a')]);
    await env.contrib.closeSession(c.cid, s1, false);
    expect(await ids(env, c)).toEqual(['a']);
    const s2 = await env.contrib.openSession(c.cid, 'stream');
    await env.contrib.upsert(c.cid, s2, [rec('b')]);
    await env.contrib.closeSession(c.cid, s2, true);
    expect(await ids(env, c)).toEqual(['a', 'b']);
  });
});

describe('accrue sessions', () => {
  it('open: session data not visible, previous data is; close true adds it', async () => {
    const c = await fresh();
    const s0 = await env.contrib.openSession(c.cid, 'stream');
    await env.contrib.upsert(c.cid, s0, [rec('old')]);
    const s1 = await env.contrib.openSession(c.cid, 'accrue');
    await env.contrib.upsert(c.cid, s1, [rec('a'), rec('b')]);
    await env.contrib.upsert(c.cid, s1, [rec('old', { area: 9 })]);
    expect(await ids(env, c)).toEqual(['old']);
    expect((await env.reader.records.get(c.id, 'old'))?.doc.entity).toEqual({ code: 'AA' });
    expect(await env.reader.records.pendingCount(c.id)).toBe(3);
    await env.contrib.closeSession(c.cid, s1, true);
    expect(await ids(env, c)).toEqual(['old', 'a', 'b']);
    expect((await env.reader.records.get(c.id, 'old'))?.doc.entity).toEqual({ code: 'AA', area: 9 });
    expect(await env.reader.records.pendingCount(c.id)).toBe(0);
  });

  it('close false: session data is discarded and previous data persists', async () => {
    const c = await fresh();
    const s0 = await env.contrib.openSession(c.cid, 'accrue');
    await env.contrib.upsert(c.cid, s0, [rec('keep')]);
    await env.contrib.closeSession(c.cid, s0, true);
    const s1 = await env.contrib.openSession(c.cid, 'accrue');
    await env.contrib.upsert(c.cid, s1, [rec('a'), rec('keep', { area: 1 })]);
    await env.contrib.delete(c.cid, s1, ['keep']);
    await env.contrib.closeSession(c.cid, s1, false);
    expect(await ids(env, c)).toEqual(['keep']);
    expect((await env.reader.records.get(c.id, 'keep'))?.doc.entity).toEqual({ code: 'AA' });
    expect(await env.reader.records.pendingCount(c.id)).toBe(0);
    expect(await inSession(c)).toBe(false);
  });
});

describe('replace sessions', () => {
  it('open: not visible; close true replaces all previous data', async () => {
    const c = await fresh();
    const s0 = await env.contrib.openSession(c.cid, 'stream');
    await env.contrib.upsert(c.cid, s0, [rec('x'), rec('y'), rec('z')]);
    const s1 = await env.contrib.openSession(c.cid, 'replace');
    await env.contrib.upsert(c.cid, s1, [rec('y', { area: 2 }), rec('n')]);
    expect(await ids(env, c)).toEqual(['x', 'y', 'z']);
    await env.contrib.closeSession(c.cid, s1, true);
    expect(await ids(env, c)).toEqual(['y', 'n']);
    expect((await env.reader.records.get(c.id, 'y'))?.doc.entity).toEqual({ code: 'AA', area: 2 });
  });

  it('close false: discarded, catalog untouched', async () => {
    const c = await fresh();
    const s0 = await env.contrib.openSession(c.cid, 'stream');
    await env.contrib.upsert(c.cid, s0, [rec('x'), rec('y')]);
    const before = await env.reader.records.list(c.id);
    const s1 = await env.contrib.openSession(c.cid, 'replace');
    await env.contrib.upsert(c.cid, s1, [rec('n')]);
    await env.contrib.closeSession(c.cid, s1, false);
    expect(await env.reader.records.list(c.id)).toEqual(before);
  });

  it('closed true with no records empties the connector, and only that connector', async () => {
    const c = await fresh();
    const other = await fresh();
    for (const k of [c, other]) {
      const s = await env.contrib.openSession(k.cid, 'stream');
      await env.contrib.upsert(k.cid, s, [rec('a'), rec('b')]);
    }
    const s1 = await env.contrib.openSession(c.cid, 'replace');
    await env.contrib.closeSession(c.cid, s1, true);
    expect(await count(c)).toBe(0);
    expect(await ids(env, other)).toEqual(['a', 'b']);
  });
});

describe('one session per connector', () => {
  it('re-opening rolls the previous session back; its id then gets 401', async () => {
    const c = await fresh();
    const s1 = await env.contrib.openSession(c.cid, 'accrue');
    await env.contrib.upsert(c.cid, s1, [rec('a')]);
    const s2 = await env.contrib.openSession(c.cid, 'accrue');
    expect(s2).not.toBe(s1);
    expect(await env.reader.records.pendingCount(c.id)).toBe(0);
    const stale = await call(`${env.base}/connector/${c.cid}/session/${s1}/upsert`, {
      method: 'POST',
      body: [rec('b')],
    });
    expect(stale.status).toBe(401);
    expect(stale.json).toEqual({ error: { code: 401, status: 'Unauthorized', message: '' } });
    await env.contrib.upsert(c.cid, s2, [rec('c')]);
    await env.contrib.closeSession(c.cid, s2, true);
    expect(await ids(env, c)).toEqual(['c']);
  });

  it('a stale or unknown session id leaves the open session untouched', async () => {
    const c = await fresh();
    const sid = await env.contrib.openSession(c.cid, 'replace');
    await env.contrib.upsert(c.cid, sid, [rec('a')]);
    for (const wrong of [randomUUID(), '00000000-0000-4000-8000-000000000000']) {
      expect(
        (await call(`${env.base}/connector/${c.cid}/session/${wrong}/delete`, { method: 'POST', body: ['a'] })).status,
      ).toBe(401);
      expect((await call(`${env.base}/connector/${c.cid}/session/${wrong}/close/true`)).status).toBe(401);
      expect((await call(`${env.base}/connector/${c.cid}/session/${wrong}/close/false`)).status).toBe(401);
    }
    expect(await env.reader.records.pendingCount(c.id)).toBe(1);
    expect(await inSession(c)).toBe(true);
    await env.contrib.closeSession(c.cid, sid, true);
    expect(await ids(env, c)).toEqual(['a']);
  });

  it('401 when no session is open at all', async () => {
    const c = await fresh();
    const res = await call(`${env.base}/connector/${c.cid}/session/${randomUUID()}/upsert`, {
      method: 'POST',
      body: [],
    });
    expect(res.status).toBe(401);
  });
});

describe('posted order', () => {
  it('applies operations in order within and across requests (accrue)', async () => {
    const c = await fresh();
    const sid = await env.contrib.openSession(c.cid, 'accrue');
    // within one request: the last upsert of a key wins
    await env.contrib.upsert(c.cid, sid, [rec('a', { area: 1 }), rec('b'), rec('a', { area: 2 })]);
    await env.contrib.delete(c.cid, sid, ['b']);
    await env.contrib.upsert(c.cid, sid, [rec('b', { area: 3 }), rec('c')]);
    await env.contrib.delete(c.cid, sid, ['c']);
    await env.contrib.closeSession(c.cid, sid, true);
    expect(await ids(env, c)).toEqual(['a', 'b']);
    expect((await env.reader.records.get(c.id, 'a'))?.doc.entity).toEqual({ code: 'AA', area: 2 });
    expect((await env.reader.records.get(c.id, 'b'))?.doc.entity).toEqual({ code: 'AA', area: 3 });
  });

  it('upsert then delete of the same key in one session leaves nothing (every mode)', async () => {
    for (const mode of ['stream', 'accrue', 'replace'] as const) {
      const c = await fresh();
      const sid = await env.contrib.openSession(c.cid, mode);
      await env.contrib.upsert(c.cid, sid, [rec('k'), rec('j')]);
      await env.contrib.delete(c.cid, sid, ['k']);
      await env.contrib.closeSession(c.cid, sid, true);
      expect(await ids(env, c), mode).toEqual(['j']);
    }
  });

  it('an update keeps the list position; delete and re-insert moves to the end', async () => {
    const c = await fresh();
    const sid = await env.contrib.openSession(c.cid, 'stream');
    await env.contrib.upsert(c.cid, sid, [rec('a'), rec('b'), rec('c')]);
    const seqB = (await env.reader.records.get(c.id, 'b'))?.seq;
    await env.contrib.upsert(c.cid, sid, [rec('b', { area: 5 })]);
    expect(await ids(env, c)).toEqual(['a', 'b', 'c']);
    expect((await env.reader.records.get(c.id, 'b'))?.seq).toBe(seqB);
    await env.contrib.delete(c.cid, sid, ['b']);
    await env.contrib.upsert(c.cid, sid, [rec('b')]);
    expect(await ids(env, c)).toEqual(['a', 'c', 'b']);
    // the same in an accrue session: the update of an existing record keeps its place
    const s2 = await env.contrib.openSession(c.cid, 'accrue');
    await env.contrib.upsert(c.cid, s2, [rec('n'), rec('a', { area: 7 })]);
    await env.contrib.closeSession(c.cid, s2, true);
    expect(await ids(env, c)).toEqual(['a', 'c', 'b', 'n']);
  });
});

describe('stored records (spec §3.4)', () => {
  it('stores {id, name, entity, instance?, type, timeseries} with the declaration at upsert time', async () => {
    const c = await fresh();
    const sid = await env.contrib.openSession(c.cid, 'stream');
    await env.contrib.upsert(c.cid, sid, [
      { instance: { since: 1 }, entity: { code: 'GB', area: 3 }, name: 'United Kingdom', id: 'GB' },
      { id: 'FR', name: 'France', entity: { code: 'FR' } },
    ]);
    const gb = await env.reader.records.get(c.id, 'GB');
    expect(gb).toMatchObject({
      publicId: sha1(`${c.cid}:GB`),
      type: 'country',
      vendorId: 'GB',
      name: 'United Kingdom',
    });
    expect(Object.keys(gb!.doc)).toEqual(['id', 'name', 'entity', 'instance', 'type', 'timeseries']);
    expect(gb!.doc).toEqual({
      id: 'GB',
      name: 'United Kingdom',
      entity: { code: 'GB', area: 3 },
      instance: { since: 1 },
      type: 'country',
      timeseries: { population: { period: 'P1Y', value: 'people', unit: 'x1000' } },
    });
    expect(Object.keys((await env.reader.records.get(c.id, 'FR'))!.doc)).toEqual([
      'id',
      'name',
      'entity',
      'type',
      'timeseries',
    ]);
  });

  it('a string with an unpaired UTF-16 surrogate: SQLite stores it, PostgreSQL refuses it with 400, never a 500', async () => {
    const c = await fresh();
    await env.coord.connectors.promote(c.eid, c.slug);
    await env.coord.policies.create('unpaired', {
      name: 'Unpaired',
      description: 'every country',
      policy: {
        access_control: { enabled: false },
        data_segment: { segment_query: { type: 'country' } },
        legal_context: [],
      },
    });
    const sid = await env.contrib.openSession(c.cid, 'stream');
    const write = env.contrib.upsert(c.cid, sid, [rec('S1', { note: 'a\ud800b' })]);
    // a JSON query value holding one (PostgreSQL reads it as jsonb), and a plain text one (sent as text)
    const ask = (q: unknown) =>
      call(`${env.server.urls.consumer}/catalog?q=${encodeURIComponent(JSON.stringify(q))}`, {
        headers: { 'x-bbk-audience': 'unpaired' },
      });
    if (env.server.engine === 'sqlite') {
      await write;
      expect((await env.reader.records.get(c.id, 'S1'))!.doc.entity).toEqual({ code: 'AA', note: 'a\ud800b' });
      const found = await ask({ entity: { code: 'AA', note: 'a\ud800b' } });
      expect(found.status).toBe(200);
      expect((found.json as Array<{ name: string }>).map((r) => r.name)).toContain('Name S1');
    } else {
      const err = await write.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BbkApiError);
      expect((err as BbkApiError).status).toBe(400);
      expect(JSON.stringify((err as BbkApiError).body)).toContain('unpaired UTF-16 surrogate');
      expect(await count(c)).toBe(0);
      const refused = await ask({ entity: { code: 'AA', note: 'a\ud800b' } });
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('unpaired UTF-16 surrogate');
    }
    expect((await ask({ 'entity.note': 'a\ud800b' })).status).toBe(200);
    // the session goes on
    await env.contrib.upsert(c.cid, sid, [rec('S2')]);
    expect((await env.reader.records.get(c.id, 'S2'))!.vendorId).toBe('S2');
  });

  it('keeps the timeseries copy taken at upsert when the entity type changes', async () => {
    const type = {
      name: 'Sensors',
      description: 'Noise sensors',
      schema: {},
      timeseries: { noise: { period: 'PT1M', value: 'noise', unit: 'decibel' } },
    };
    const c = await makeConnector(env, 'sensor', 'sensors-1', type);
    const sid = await env.contrib.openSession(c.cid, 'accrue');
    await env.contrib.upsert(c.cid, sid, [rec('s1')]);
    // changed while the upsert is pending: the pending record keeps the declaration it was posted with
    await env.coord.entityTypes.update('sensor', {
      ...type,
      timeseries: { level: { period: 'PT1H', value: 'dB', unit: 'db' } },
    });
    await env.contrib.upsert(c.cid, sid, [rec('s2')]);
    await env.contrib.closeSession(c.cid, sid, true);
    expect((await env.reader.records.get(c.id, 's1'))!.doc.timeseries).toEqual(type.timeseries);
    expect((await env.reader.records.get(c.id, 's2'))!.doc.timeseries).toEqual({
      level: { period: 'PT1H', value: 'dB', unit: 'db' },
    });
  });

  // the spatial index rows of the engine under test: SQLite's points and R-tree (bounding boxes), PostgreSQL's
  // record_geo (PostGIS)
  const geoOf = async (seq: number): Promise<{ min_x: number; min_y: number; path: string }[]> => {
    if (env.sqlite)
      return env.sqlite
        .prepare(
          `SELECT min_x, min_y, path FROM record_geo WHERE record_seq = ?
           UNION ALL SELECT x, y, path FROM record_points WHERE record_seq = ? ORDER BY path`,
        )
        .all(seq, seq) as { min_x: number; min_y: number; path: string }[];
    const pg = env.reader as PostgresStore;
    const rows = await pg.db.query<{ min_x: number; min_y: number; path: string }>(
      'SELECT ST_XMin(geom) AS min_x, ST_YMin(geom) AS min_y, path FROM record_geo WHERE record_seq = $1 ORDER BY path',
      [seq],
    );
    return rows.rows;
  };

  it('indexes two points whose paths read the same (a key holding a dot), in stream and accrue writes', async () => {
    const c = await fresh();
    const point = (x: number, y: number) => ({ type: 'Point', coordinates: [x, y] });
    const twin = (key: string) => rec(key, { 'a.b': point(1, 2), a: { b: point(3, 4) } });
    const sid = await env.contrib.openSession(c.cid, 'stream');
    await env.contrib.upsert(c.cid, sid, [twin('s')]);
    await env.contrib.closeSession(c.cid, sid, true);
    await env.contrib.contribute(c.cid, 'accrue', [twin('t')]);
    for (const key of ['s', 't']) {
      const r = (await env.reader.records.get(c.id, key))!;
      expect(await env.reader.records.geometryCount(r.seq)).toBe(2);
      // each row holds its own point (PostgreSQL read the document again by path, and found the nested one twice)
      const rows = await geoOf(r.seq);
      expect(rows.map((g) => g.path)).toEqual(['entity.a.b', 'entity.a.b']);
      expect(rows.map((g) => [Math.round(g.min_x), Math.round(g.min_y)]).sort()).toEqual([
        [1, 2],
        [3, 4],
      ]);
    }
  });

  it('maintains the spatial index on insert, update and delete', async () => {
    const c = await fresh();
    const sid = await env.contrib.openSession(c.cid, 'stream');
    const point = (x: number, y: number) => ({ type: 'Point', coordinates: [x, y] });
    await env.contrib.upsert(c.cid, sid, [
      rec('p', { location: point(1, 2) }, { stops: [point(3, 4), { not: 'geo' }] }),
    ]);
    const p = (await env.reader.records.get(c.id, 'p'))!;
    expect((await geoOf(p.seq)).map((g) => [g.path, Math.round(g.min_x), Math.round(g.min_y)])).toEqual([
      ['entity.location', 1, 2],
      ['instance.stops.0', 3, 4],
    ]);
    await env.contrib.upsert(c.cid, sid, [rec('p', { location: point(10, 20) })]);
    expect((await geoOf(p.seq)).map((g) => [g.path, Math.round(g.min_x), Math.round(g.min_y)])).toEqual([
      ['entity.location', 10, 20],
    ]);
    expect(await env.reader.records.geometryCount(p.seq)).toBe(1);
    await env.contrib.upsert(c.cid, sid, [rec('p')]);
    expect(await env.reader.records.geometryCount(p.seq)).toBe(0);
    await env.contrib.upsert(c.cid, sid, [rec('p', { location: point(5, 5) })]);
    await env.contrib.delete(c.cid, sid, ['p']);
    expect(await env.reader.records.geometryCount(p.seq)).toBe(0);
    expect(await geoOf(p.seq)).toEqual([]);
    // accrue: geometries are indexed on commit
    const s2 = await env.contrib.openSession(c.cid, 'accrue');
    await env.contrib.upsert(c.cid, s2, [rec('q', { location: point(7, 8) })]);
    await env.contrib.closeSession(c.cid, s2, true);
    const q = (await env.reader.records.get(c.id, 'q'))!;
    expect((await geoOf(q.seq)).map((g) => g.path)).toEqual(['entity.location']);
    // accrue updates, set-based commit (upserts only) and replayed commit (with a delete)
    const at = async (seq: number) => (await geoOf(seq)).map((g) => [g.path, Math.round(g.min_x), Math.round(g.min_y)]);
    const s3 = await env.contrib.openSession(c.cid, 'accrue');
    await env.contrib.upsert(c.cid, s3, [rec('q', {}, { at: point(-5, -6) })]);
    await env.contrib.closeSession(c.cid, s3, true);
    expect(await at(q.seq)).toEqual([['instance.at', -5, -6]]);
    const s4 = await env.contrib.openSession(c.cid, 'accrue');
    await env.contrib.upsert(c.cid, s4, [rec('q', { location: point(30, 40) }), rec('gone')]);
    await env.contrib.delete(c.cid, s4, ['gone']);
    await env.contrib.closeSession(c.cid, s4, true);
    expect(await at(q.seq)).toEqual([['entity.location', 30, 40]]);
    // SQLite: the R-tree and its map to records stay in step (PostgreSQL's record_geo rows reference records by key)
    if (env.sqlite) {
      const total = env.sqlite.prepare('SELECT count(*) AS n FROM record_geo').get() as { n: number };
      const mapped = env.sqlite.prepare('SELECT count(*) AS n FROM record_geo_map').get() as { n: number };
      expect(total.n).toBe(mapped.n);
    }
  });
});

describe('connectors and the catalog', () => {
  it('clashing vendor keys of two connectors stay separate', async () => {
    const one = await fresh();
    const two = await fresh();
    const r1 = await env.contrib.contribute(one.cid, 'stream', [rec('GB', { area: 1 })]);
    await env.contrib.contribute(two.cid, 'stream', [rec('GB', { area: 2 })]);
    expect(r1.sent).toBe(1);
    const a = (await env.reader.records.get(one.id, 'GB'))!;
    const b = (await env.reader.records.get(two.id, 'GB'))!;
    expect(a.publicId).not.toBe(b.publicId);
    expect(a.doc.entity).toEqual({ code: 'AA', area: 1 });
    expect(b.doc.entity).toEqual({ code: 'AA', area: 2 });
    const sid = await env.contrib.openSession(one.cid, 'stream');
    await env.contrib.delete(one.cid, sid, ['GB']);
    expect(await count(one)).toBe(0);
    expect(await count(two)).toBe(1);
  });

  it('stores staged records; promotion and demotion flip is_live without touching them', async () => {
    const c = await fresh();
    await env.contrib.contribute(c.cid, 'replace', [rec('a'), rec('b')]);
    const staged = await env.reader.records.list(c.id);
    expect(staged).toHaveLength(2);
    expect((await env.coord.connectors.get(c.eid, c.slug)).is_live).toBe(false);
    await env.coord.connectors.promote(c.eid, c.slug);
    expect((await env.coord.connectors.get(c.eid, c.slug)).is_live).toBe(true);
    expect(await env.reader.records.list(c.id)).toEqual(staged);
    await env.coord.connectors.demote(c.eid, c.slug);
    expect(await env.reader.records.list(c.id)).toEqual(staged);
  });

  it('deleting a connector removes its records, session, pending operations and geometries; its id then gets 404', async () => {
    const c = await fresh();
    const keep = await fresh();
    const sid = await env.contrib.openSession(c.cid, 'stream');
    await env.contrib.upsert(c.cid, sid, [rec('g', { location: { type: 'Point', coordinates: [1, 1] } })]);
    const seq = (await env.reader.records.get(c.id, 'g'))!.seq;
    const s2 = await env.contrib.openSession(c.cid, 'accrue');
    await env.contrib.upsert(c.cid, s2, [rec('pending')]);
    await env.contrib.contribute(keep.cid, 'stream', [rec('g')]);
    await env.coord.connectors.delete(c.eid, c.slug);
    expect(await count(c)).toBe(0);
    expect(await env.reader.records.pendingCount(c.id)).toBe(0);
    expect(await env.reader.records.geometryCount(seq)).toBe(0);
    if (env.sqlite) {
      expect(env.sqlite.prepare('SELECT count(*) AS n FROM record_geo WHERE record_seq = ?').get(seq)).toEqual({
        n: 0,
      });
      expect(env.sqlite.prepare('SELECT count(*) AS n FROM record_points WHERE record_seq = ?').get(seq)).toEqual({
        n: 0,
      });
    }
    expect(await count(keep)).toBe(1);
    const res = await call(`${env.base}/connector/${c.cid}/session/${s2}/close/true`);
    expect(res.status).toBe(404);
  });

  it('deleting an entity type removes the records of all its connectors', async () => {
    const type = { name: 'Things', description: 'Things', schema: {}, timeseries: {} };
    const a = await makeConnector(env, 'thing', 'things-a', type);
    const b = await makeConnector(env, 'thing', 'things-b', type);
    const other = await fresh();
    const point = { type: 'Point', coordinates: [2, 3] };
    await env.contrib.contribute(a.cid, 'stream', [rec('1', { location: point }), rec('2')]);
    await env.contrib.contribute(b.cid, 'stream', [rec('1', { location: point })]);
    await env.contrib.contribute(other.cid, 'stream', [rec('1', { location: point })]);
    const seqs = [(await env.reader.records.get(a.id, '1'))!.seq, (await env.reader.records.get(b.id, '1'))!.seq];
    const kept = (await env.reader.records.get(other.id, '1'))!.seq;
    const sid = await env.contrib.openSession(b.cid, 'replace');
    await env.contrib.upsert(b.cid, sid, [rec('3')]);
    await env.coord.entityTypes.delete('thing');
    expect(await count(a)).toBe(0);
    expect(await count(b)).toBe(0);
    expect(await env.reader.records.pendingCount(b.id)).toBe(0);
    // their geometries went with them; the other type's stay
    for (const seq of seqs) expect(await env.reader.records.geometryCount(seq)).toBe(0);
    expect(await env.reader.records.geometryCount(kept)).toBe(1);
    expect(await count(other)).toBe(1);
    expect((await call(`${env.base}/connector/${a.cid}/session/open/stream`)).status).toBe(404);
  });
});

describe('SDK session helpers end to end', () => {
  it('contribute() batches any number of records into one committed session', async () => {
    const c = await fresh();
    const progress: number[] = [];
    async function* gen() {
      for (let i = 0; i < 601; i++) yield rec(`r${i}`);
    }
    const result = await env.contrib.contribute(c.cid, 'replace', gen(), { onProgress: (p) => progress.push(p.sent) });
    expect(result.sent).toBe(601);
    expect(progress).toEqual([250, 500, 601]);
    expect(await count(c)).toBe(601);
    expect((await ids(env, c)).slice(0, 3)).toEqual(['r0', 'r1', 'r2']);
    expect(await inSession(c)).toBe(false);
  });

  it('withSession() rolls back when the work throws, and surfaces server errors as BbkApiError', async () => {
    const c = await fresh();
    await env.contrib.contribute(c.cid, 'stream', [rec('base')]);
    const failure = env.contrib.withSession(c.cid, 'accrue', async (s) => {
      await s.upsert([rec('x')]);
      await s.upsert([{ id: 'bad', name: 'Bad', entity: { code: 7 } }]);
    });
    const err = await failure.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BbkApiError);
    expect((err as BbkApiError).status).toBe(400);
    expect((err as BbkApiError).items).toEqual([
      { name: 'records.entity.code', index: 0, reason: 'is not of a type(s) string' },
    ]);
    expect(await ids(env, c)).toEqual(['base']);
    expect(await inSession(c)).toBe(false);
  });

  it('Session keeps call order and reports state', async () => {
    const c = await fresh();
    const s = await env.contrib.session(c.cid, 'accrue', { batchSize: 2 });
    const a = s.upsert([rec('a'), rec('b'), rec('c')]);
    const d = s.delete(['b']);
    const report = await a;
    expect(Object.keys(report)).toEqual(['a', 'b', 'c']);
    await d;
    await s.commit();
    expect(s.state).toBe('committed');
    expect(s.sent).toBe(4);
    expect(await ids(env, c)).toEqual(['a', 'c']);
  });
});
