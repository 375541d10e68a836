#!/usr/bin/env node
// Contribution benchmark: records/s through the Contributor API (stream and replace sessions,
// batches of 250) against the BUILT server in its own process, the server's peak RSS, and the
// same records inserted with raw better-sqlite3 prepared statements in one transaction.
//
//   pnpm build && node bench/contribution.mjs [--records 100000] [--concurrency 4]
//                                            [--engines sqlite,postgres] [--database postgres://…]
//                                            [--only stream,first,raw]
//
// `--only` runs some of the rows: `stream` (new records), `unchanged`, `changed`, `moved` (the replaces),
// `restream` (stream, all + geometry changed), `first` (replace, first load), `raw` (the two raw baselines).
//
// On PostgreSQL (`--database`, or BBK_DATABASE_URL) the server runs on a fresh schema dropped afterwards, and the
// raw baseline is the same records inserted with node-postgres (`unnest`, one transaction).
//
// Not a test: it prints a table. Figures are recorded in bench/README.md.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  benchEngines,
  benchEntry,
  benchSchema,
  clamp,
  cpuSeconds,
  databaseCpu,
  ENGINE_OPTIONS,
  exampleCountries,
  memMb,
  rawPgStore,
  serverDist,
  sqliteSpatialRows,
  startServerChild,
} from './lib.mjs';

const root = new URL('..', import.meta.url);
const requireFromServer = createRequire(new URL('package.json', new URL('packages/server/', root)));
const requireFromSdk = createRequire(new URL('packages/sdk/package.json', root));

// ---- records --------------------------------------------------------------------------------

/** Country-shaped templates: the example data when present, else one built-in record. */
function templates() {
  const countries = exampleCountries();
  if (countries) return countries;
  return [
    {
      id: 'AD',
      name: 'Andorra',
      entity: {
        area: 468,
        calling_code: 376,
        capital: 'Andorra la Vella',
        code: 'AD',
        continent: 'Europe',
        currency: { code: 'EUR', name: 'Euro' },
        landlocked: true,
        languages: ['Catalan', 'French', 'Portuguese', 'Spanish'],
        location: { coordinates: [1.601554, 42.546245], type: 'Point' },
        population: 74794,
        link: 'https://en.wikipedia.org/wiki/Andorra',
      },
      instance: { independence: 1278 },
    },
  ];
}

/**
 * `n` records: templates cycled, ids/names unique, numbers and coordinates varied. The same
 * `n` with another `revision` gives the same keys with every document changed (population),
 * and with `moved` every geometry too (locations shifted by 0.001°).
 */
function generate(n, { revision = 0, moved = false } = {}) {
  const base = templates();
  return Array.from({ length: n }, (_, i) => {
    const t = base[i % base.length];
    const e = t.entity;
    const [x, y] = e.location?.coordinates ?? [0, 0];
    return {
      id: `${t.id}-${i}`,
      name: `${t.name} ${i}`,
      entity: {
        ...e,
        area: (e.area ?? 1) + (i % 1000),
        population: (e.population ?? 1) + i + revision,
        location: {
          type: 'Point',
          coordinates: [clamp(x + (i % 7) * 0.01 + (moved ? 0.001 : 0), 180), clamp(y + (i % 5) * 0.01, 90)],
        },
      },
      ...(t.instance ? { instance: { ...t.instance, serial: i } } : {}),
    };
  });
}

const countrySchema = {
  type: 'object',
  properties: {
    code: { type: 'string', minLength: 2, maxLength: 2 },
    area: { type: 'number' },
    population: { type: 'integer' },
    location: { type: 'object', properties: { type: { const: 'Point' } }, required: ['type', 'coordinates'] },
  },
  required: ['code', 'area', 'location'],
};
const timeseries = { population: { period: 'P1Y', value: 'people', unit: 'x1' } };

// ---- HTTP side --------------------------------------------------------------------------------

function makeHttp(undici, concurrency) {
  const agent = new undici.Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  return {
    async call(method, url, body) {
      const res = await undici.request(url, {
        method,
        dispatcher: agent,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${text.slice(0, 300)}`);
      return text ? JSON.parse(text) : undefined;
    },
    close: () => agent.close(),
  };
}

/**
 * Posts pre-serialised batches with `concurrency` calls in flight, then closes with commit.
 * Returns wall seconds (close included), the commit's share, and the server's CPU seconds.
 */
async function runSession(http, server, cid, mode, bodies, concurrency) {
  const base = server.urls.contributor;
  const sid = await http.call('GET', `${base}/connector/${cid}/session/open/${mode}`);
  await server.dbMeter.start();
  const cpu0 = cpuSeconds(server.child.pid);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      await http.call('POST', `${base}/connector/${cid}/session/${sid}/upsert`, body);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const posted = performance.now();
  await http.call('GET', `${base}/connector/${cid}/session/${sid}/close/true`);
  const closed = performance.now();
  return {
    wall: (closed - started) / 1000,
    commit: (closed - posted) / 1000,
    cpu: cpuSeconds(server.child.pid) - cpu0,
    db: await server.dbMeter.stop(),
  };
}

// ---- raw better-sqlite3 baseline --------------------------------------------------------------

/** The same records into the same table layout (the server's migrations), one transaction. */
async function rawInsert(records, { preserialised }) {
  const { openDatabase } = await import(new URL('storage/sqlite/database.js', serverDist).href);
  const dir = mkdtempSync(join(tmpdir(), 'bbk-raw-'));
  const file = openDatabase(dir);
  try {
    const now = new Date().toISOString();
    file
      .prepare(`INSERT INTO entity_types (slug, name, description, created) VALUES ('country', 'C', 'C', ?)`)
      .run(now);
    file
      .prepare(
        `INSERT INTO connectors (slug, entity_type_id, contribution_id, name, description, webhook_secret, created)
         VALUES ('raw', 1, ?, 'raw', 'raw', 's', ?)`,
      )
      .run('a'.repeat(40), now);
    const insert = file.prepare(
      `INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc) VALUES (?, 1, 'country', ?, ?, jsonb(?))
       RETURNING seq`,
    );
    const spatial = sqliteSpatialRows(file);
    const rows = preserialised
      ? records.map((r) => ({
          r,
          doc: JSON.stringify({
            id: r.id,
            name: r.name,
            entity: r.entity,
            instance: r.instance,
            type: 'country',
            timeseries,
          }),
          pid: createHash('sha1')
            .update(`${'a'.repeat(40)}:${r.id}`)
            .digest('hex'),
        }))
      : records.map((r) => ({ r }));
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    file.transaction(() => {
      for (const row of rows) {
        const { r } = row;
        const doc =
          row.doc ??
          JSON.stringify({
            id: r.id,
            name: r.name,
            entity: r.entity,
            instance: r.instance,
            type: 'country',
            timeseries,
          });
        const pid =
          row.pid ??
          createHash('sha1')
            .update(`${'a'.repeat(40)}:${r.id}`)
            .digest('hex');
        const { seq } = insert.get(pid, r.id, r.name, doc);
        const [x, y] = r.entity.location.coordinates;
        spatial(seq, [{ path: 'entity.location', bbox: [x, y, x, y] }]);
      }
    })();
    const cpu = process.cpuUsage(cpu0);
    return { wall: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  } finally {
    file.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- raw PostgreSQL baseline ------------------------------------------------------------------

/**
 * The same records into the PostgreSQL engine's tables (the server's migrations, in a fresh schema), one
 * transaction of `unnest` inserts of 5,000 rows: records (`jsonb`) and their `record_geo` rows. The client's
 * work (stringify, sha1) is in the loop unless `preserialised`; the database's CPU is not in the figure.
 */
async function rawPgInsert(url, records, { preserialised }) {
  const { store, close } = await rawPgStore(serverDist, url);
  try {
    const docOf = (r) =>
      JSON.stringify({ id: r.id, name: r.name, entity: r.entity, instance: r.instance, type: 'country', timeseries });
    const pidOf = (r) =>
      createHash('sha1')
        .update(`${'a'.repeat(40)}:${r.id}`)
        .digest('hex');
    const ready = preserialised ? records.map((r) => ({ r, doc: docOf(r), pid: pidOf(r) })) : undefined;
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    await store.db.tx(async (c) => {
      for (let i = 0; i < records.length; i += 5000) {
        const rows = ready
          ? ready.slice(i, i + 5000)
          : records.slice(i, i + 5000).map((r) => ({ r, doc: docOf(r), pid: pidOf(r) }));
        await c.query(
          `WITH ins AS (
             INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc)
             SELECT t.p, 1, 'country', t.v, t.n, t.d::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
               WITH ORDINALITY AS t(p, v, n, d, ord) ORDER BY t.ord
             RETURNING seq, doc)
           INSERT INTO record_geo (record_seq, path, geom)
           SELECT seq, 'entity.location', ST_SetSRID(ST_GeomFromGeoJSON(doc #>> '{entity,location}'), 4326) FROM ins`,
          [rows.map((x) => x.pid), rows.map((x) => x.r.id), rows.map((x) => x.r.name), rows.map((x) => x.doc)],
        );
      }
    });
    const cpu = process.cpuUsage(cpu0);
    return { wall: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  } finally {
    await close();
  }
}

// ---- main ---------------------------------------------------------------------------------------

/** `--only`'s name of each session row. */
const ROWS = {
  'HTTP stream, new records': 'stream',
  'HTTP replace, unchanged': 'unchanged',
  'HTTP replace, all changed': 'changed',
  'HTTP replace, all + geometry changed': 'moved',
  'HTTP stream, all + geometry changed': 'restream',
  'HTTP replace, first load': 'first',
};

/** The six sessions through the server on one engine, then its raw baselines; rows of {name, wall, cpu}. */
async function runEngine(engine, sets, concurrency, undici, only) {
  const { bodies, changed, moved, records } = sets;
  const dir = mkdtempSync(join(tmpdir(), 'bbk-bench-'));
  const target = engine.name === 'postgres' ? await benchSchema(engine.url) : undefined;
  const server = { ...(await startServerChild(import.meta.url, dir, { pg: target })), dbMeter: databaseCpu(target) };
  const { urls } = server;
  const http = makeHttp(undici, concurrency);
  const rows = [];
  let rss = Number.NaN;
  try {
    const post = (path, body) => http.call('POST', `${urls.coordinator}${path}`, JSON.stringify(body));
    await post('/entity/country', { name: 'Countries', description: 'Bench', schema: countrySchema, timeseries });
    const webhook = 'http://127.0.0.1:9/hook';
    const { id: cid } = await post('/entity/country/connector/bench', { name: 'Bench', description: 'Bench', webhook });
    const warm = await post('/entity/country/connector/warmup', { name: 'Warm', description: 'Warm', webhook });
    await runSession(http, server, warm.id, 'stream', bodies.slice(0, 40), concurrency);

    const run = async (name, connector, mode, list) => {
      if (!only.has(ROWS[name])) return;
      const r = await runSession(http, server, connector, mode, list, concurrency);
      rows.push({ name, ...r, commit: mode === 'replace' ? r.commit : undefined });
    };
    await run('HTTP stream, new records', cid, 'stream', bodies);
    await run('HTTP replace, unchanged', cid, 'replace', bodies);
    await run('HTTP replace, all changed', cid, 'replace', changed);
    await run('HTTP replace, all + geometry changed', cid, 'replace', moved);
    await run('HTTP stream, all + geometry changed', cid, 'stream', bodies);
    const { id: empty } = await post('/entity/country/connector/bench-first', {
      name: 'First',
      description: 'Bench',
      webhook,
    });
    await run('HTTP replace, first load', empty, 'replace', bodies);
  } finally {
    rss = memMb(server.child.pid, 'VmHWM');
    await http.close();
    server.child.stdin.end();
    await new Promise((r) => server.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
    await target?.drop();
  }
  rows.push({ name: 'server peak RSS MB', rss });
  if (!only.has('raw')) return rows;
  const raw =
    engine.name === 'postgres'
      ? (pre) => rawPgInsert(engine.url, records, { preserialised: pre })
      : (pre) => rawInsert(records, { preserialised: pre });
  rows.push({ name: 'raw: stringify, sha1, insert (one transaction)', ...(await raw(false)), raw: true });
  rows.push({ name: 'raw: insert only (pre-serialised)', ...(await raw(true)), raw: true });
  return rows;
}

/** One table, one column group per engine: wall s, records/s, commit s, server CPU s, records per CPU-second. */
function printTable(engines, results, n) {
  const pad = (s, w) => String(s).padEnd(w);
  const lpad = (s, w) => String(s).padStart(w);
  const group = 9 + 11 + 8 + 8 + 11 + 8;
  console.log(`${pad('', 48)}${engines.map((e) => `| ${pad(e.name, group - 2)}`).join('')}`);
  console.log(
    `${pad('run', 48)}${engines
      .map(
        () =>
          `|${lpad('wall s', 8)}${lpad('records/s', 11)}${lpad('commit', 8)}${lpad('CPU s', 8)}${lpad('rec/CPU-s', 11)}${lpad('DB s', 8)}`,
      )
      .join('')}`,
  );
  console.log('-'.repeat(48 + group * engines.length));
  for (const [i, { name }] of results[0].entries()) {
    const cells = results.map((rows) => {
      const r = rows[i];
      if (r.rss !== undefined) return `|${lpad(r.rss.toFixed(0), 8)}${' '.repeat(group - 9)}`;
      const commit = r.commit === undefined ? '' : `${r.commit.toFixed(2)}`;
      const db = r.db === undefined || Number.isNaN(r.db) ? '' : r.db.toFixed(2);
      return `|${lpad(r.wall.toFixed(2), 8)}${lpad(Math.round(n / r.wall), 11)}${lpad(commit, 8)}${lpad(r.cpu.toFixed(2), 8)}${lpad(Math.round(n / r.cpu), 11)}${lpad(db, 8)}`;
    });
    console.log(`${pad(name, 48)}${cells.join('')}`);
  }
  console.log('-'.repeat(48 + group * engines.length));
  console.log('CPU s: the server process (HTTP runs) or this process (raw runs)');
  console.log("DB s: CPU of the PostgreSQL backends serving the server's connections (HTTP runs on PostgreSQL)");
  for (const [k, e] of engines.entries()) {
    const rows = results[k];
    const [stream, raw, rawPre] = [rows[0], rows.at(-2), rows.at(-1)];
    if (!stream.name.startsWith('HTTP stream, new') || !rawPre.raw) continue;
    const ratio = (a, b) => (b / a).toFixed(2);
    console.log(
      `${e.name}: HTTP stream / raw (stringify, sha1, insert) ${ratio(stream.wall, raw.wall)} wall; / raw (insert only) ${ratio(stream.wall, rawPre.wall)} wall`,
    );
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '100000' },
      concurrency: { type: 'string', default: '4' },
      only: { type: 'string', default: [...Object.values(ROWS), 'raw'].join(',') },
      ...ENGINE_OPTIONS,
    },
  });
  const n = Number(values.records);
  const concurrency = Number(values.concurrency);
  const engines = benchEngines(values);
  const only = new Set(values.only.split(','));
  const unknown = [...only].filter((o) => o !== 'raw' && !Object.values(ROWS).includes(o));
  if (unknown.length > 0) throw new Error(`--only: unknown row ${unknown.join(', ')}`);
  if (!existsSync(new URL('index.js', serverDist))) throw new Error('build first: pnpm build');
  const undici = requireFromSdk('undici');
  requireFromServer.resolve('better-sqlite3');

  const records = generate(n);
  const batches = (list) => {
    const out = [];
    for (let i = 0; i < n; i += 250) out.push(JSON.stringify(list.slice(i, i + 250)));
    return out;
  };
  const sets = {
    records,
    bodies: batches(records),
    changed: batches(generate(n, { revision: 1 })),
    moved: batches(generate(n, { revision: 2, moved: true })),
  };
  const bytes = sets.bodies.reduce((s, b) => s + b.length, 0);
  const results = [];
  for (const engine of engines) {
    process.stderr.write(`contribution on ${engine.name}…\n`);
    results.push(await runEngine(engine, sets, concurrency, undici, only));
  }
  console.log(
    `\nbbk contribution benchmark: ${n} records, ${(bytes / 1e6).toFixed(1)} MB of JSON, batches of 250, ${concurrency} calls in flight`,
  );
  console.log(
    `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  printTable(engines, results, n);
}

await benchEntry(main);
